//! Single-decree Paxos (Lamport, "Paxos Made Simple", ACM SIGACT News 32(4), 2001): the
//! derivation's rules as processes, checked for safety by the model checker, its
//! dueling proposers found as a lasso, and its cost measured in the simulator.

pub mod check;
pub mod duel;
pub mod exercises;
pub mod paxos;
pub mod programs;
pub mod simulate;
pub mod symmetry;
