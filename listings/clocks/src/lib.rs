//! Logical clocks: Lamport's scalar clocks (1978), vector clocks (Fidge 1988; Mattern
//! 1989), and hybrid logical clocks (Kulkarni et al. 2014); a process that stamps its
//! messages with all three, run in the simulator with drifting clocks; and
//! happened-before computed from a trace, independently of any clock, to check them
//! against.

pub mod causality;
pub mod exercises;
pub mod gossip;
pub mod hlc;
pub mod lamport;
pub mod programs;
pub mod vector;

pub use gossip::Stamped;
pub use hlc::Hlc;
pub use lamport::Lamport;
pub use vector::VectorClock;
