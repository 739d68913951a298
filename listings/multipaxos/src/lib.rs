//! A replicated log over Multi-Paxos (Lamport, "Paxos Made Simple", 2001, §3), and a
//! key-value store replicated by it: Lampson's recipe ("How to build a highly available
//! system using consensus", 1996) with the practical parts of Chandra, Griesemer &
//! Redstone ("Paxos Made Live", PODC 2007) that a small system needs.
//!
//! [`replica`] is the protocol, written once as processes; [`check`] model-checks it,
//! [`simulate`] runs it under the simulator's faults and judges every history, and
//! [`cluster`] runs it on a real network.

pub mod check;
pub mod cluster;
pub mod exercises;
pub mod failover;
pub mod lease;
pub mod programs;
pub mod replica;
pub mod simulate;
pub mod throughput;
