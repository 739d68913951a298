//! The deterministic simulator: world 2 of the book's three.
//!
//! A [`Simulation`] runs a system of [`process::Process`]es in virtual time,
//! single-threaded, one event at a time, with every random choice drawn from one seeded
//! generator: the same seed and [`Config`] give the same run, event for event, byte for
//! byte. The network and the machines are the adversary, and each of the eight fallacies
//! of distributed computing is a knob of the [`Config`].

pub mod clients;
pub mod config;
pub mod latency;
pub mod mixes;
pub mod programs;
pub mod relay;
pub mod stats;
pub mod throughput;
pub mod trace;
mod world;

pub use clients::{Submit, Workload};
pub use config::{
    Action, Clock, Config, Link, Network, Nodes, Partitions, RandomPartitions,
};
pub use latency::Latency;
pub use stats::{Stats, quantile};
pub use trace::{Cause, Event, Trace};
pub use world::Simulation;
