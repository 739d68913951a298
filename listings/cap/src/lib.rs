//! CAP (Gilbert & Lynch, 2002) and PACELC (Abadi, 2012) made concrete: the same
//! partition run against the ABD register of chapter 9 and against a register that
//! always answers, and the latency the linearizable one pays when nothing fails.

pub mod available;
pub mod exercises;
pub mod partition;
pub mod programs;
