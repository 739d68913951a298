//! Chapter 7: FLP. Deterministic protocols a practitioner would write, the valence of
//! their configurations computed by the model checker, and the proof's adversary, which
//! keeps a protocol undecided for ever — or finds that it was never safe.

pub mod adversary;
pub mod coordinator;
pub mod escapes;
pub mod exercises;
pub mod lasso;
pub mod programs;
pub mod protocols;
pub mod valence;
