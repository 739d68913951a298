//! The register in the simulator: clients reading and writing at random processes, under
//! a mix of faults chosen per seed, and every history judged by the linearizability
//! checker.

use crate::check::linearizable;
use crate::measure::{Load, measure_with};
use crate::register::{Abd, Variant};
use linearizability::models::{RegisterOp, RegisterRet};
use process::{ClientId, History, Process, ProcessId};
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
pub use sim::mixes::Mix;
use sim::{Submit, Workload};
use std::time::Duration;

/// How long a client waits for an answer before giving up (its operation stays open).
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(200);
/// How long a phase waits before asking the silent replicas again.
pub const RETRANSMIT: Duration = Duration::from_millis(10);

// ANCHOR: workload
/// The clients make `operations` operations between them, each a read with probability
/// `reads` or else a write of the next of 1, 2, 3, ..., at a random one of `processes`,
/// after a pause of up to 3 ms. A client that gives up on an operation is replaced (see
/// `Simulation::add_clients`), and the replacement shares the budget.
pub struct Random {
    /// Processes to choose from.
    pub processes: Vec<ProcessId>,
    /// The probability that an operation is a read.
    pub reads: f64,
    /// Operations still to make.
    pub operations: usize,
    /// Writes made so far.
    pub writes: i64,
}

impl Random {
    /// A workload of `operations` operations, a share `reads` of them reads, at
    /// `processes`.
    pub fn new(processes: Vec<ProcessId>, reads: f64, operations: usize) -> Self {
        Random {
            processes,
            reads,
            operations,
            writes: 0,
        }
    }
}

impl<P: Process<Request = RegisterOp>> Workload<P> for Random {
    fn next(&mut self, _: ClientId, rng: &mut Xoshiro256PlusPlus) -> Option<Submit<P>> {
        self.operations = self.operations.checked_sub(1)?;
        let request = if rng.random_bool(self.reads) {
            RegisterOp::Read
        } else {
            self.writes += 1;
            RegisterOp::Write(self.writes)
        };
        Some(Submit {
            process: self.processes[rng.random_range(0..self.processes.len())],
            request,
            after: Duration::from_micros(rng.random_range(0..3000)),
        })
    }
}
// ANCHOR_END: workload

/// One simulated run and its verdict.
pub struct Run {
    /// What the clients asked and were answered.
    pub history: History<RegisterOp, RegisterRet>,
    /// Whether the history is linearizable.
    pub linearizable: bool,
}

/// Runs `n` processes of `variant` in the world of `mix` with `seed`: three clients,
/// thirty operations between them, at any process.
pub fn run(n: usize, variant: Variant, mix: Mix, seed: u64) -> Run {
    let processes = Abd::cluster(n, variant, Some(RETRANSMIT));
    let faulty: Vec<ProcessId> = (0..n).collect();
    let load = Load {
        clients: 3,
        operations: 10,
        reads: 0.5,
        targets: faulty.clone(),
        timeout: CLIENT_TIMEOUT,
    };
    let history =
        measure_with(processes, mix.world(n, &faulty, seed), seed, load).history;
    Run {
        linearizable: linearizable(&history),
        history,
    }
}
