//! What the register costs: message delays and messages per operation, latency as the
//! cluster grows, and which operations are answered as processes crash.

use crate::register::{Abd, Variant};
use crate::simulate::Random;
use linearizability::models::{RegisterOp, RegisterRet};
use process::{History, Process, ProcessId, Time};
use sim::{Action, Config, Simulation, Stats};
use std::time::Duration;

/// What a run of the register did.
pub struct Measured {
    /// The clients' operations.
    pub history: History<RegisterOp, RegisterRet>,
    /// The messages sent.
    pub stats: Stats,
}

/// Who asks what of a register in a measurement.
pub struct Load {
    /// Clients, each with one operation outstanding at a time.
    pub clients: usize,
    /// Operations per client.
    pub operations: usize,
    /// The share of reads among them.
    pub reads: f64,
    /// The processes the clients ask.
    pub targets: Vec<ProcessId>,
    /// How long a client waits for an answer before giving up.
    pub timeout: Duration,
}

/// Runs `n` processes of `variant` in `config` under `load`, until every operation is
/// answered or abandoned. The measurements lose no messages, so the processes do not
/// retransmit: on FIFO links a retransmission queues behind the message it repeats and
/// only adds delay.
pub fn measure(
    n: usize,
    variant: Variant,
    config: Config,
    seed: u64,
    load: Load,
) -> Measured {
    measure_with(Abd::cluster(n, variant, None), config, seed, load)
}

/// Runs any register's `processes` in `config` under `load`.
pub fn measure_with<P>(
    processes: Vec<P>,
    config: Config,
    seed: u64,
    load: Load,
) -> Measured
where
    P: Process<Request = RegisterOp, Response = RegisterRet>,
{
    let mut sim = Simulation::new(processes, config, seed);
    let (clients, operations, timeout) = (load.clients, load.operations, load.timeout);
    let workload = Random::new(load.targets, load.reads, clients * operations);
    sim.add_clients(clients, timeout, Box::new(workload));
    // Run until every operation has been answered or abandoned.
    let total = clients * operations;
    let finished = |sim: &Simulation<P>| {
        let ops = &sim.history().operations;
        ops.len() == total
            && ops
                .iter()
                .all(|o| o.returned.is_some() || o.invoked + timeout < sim.now())
    };
    while !finished(&sim) {
        sim.run_for(Duration::from_millis(50));
    }
    Measured {
        history: sim.history().clone(),
        stats: sim.stats().clone(),
    }
}

/// The latencies of the answered operations that `keep` selects, in milliseconds,
/// sorted.
pub fn latencies(
    history: &History<RegisterOp, RegisterRet>,
    keep: impl Fn(&RegisterOp) -> bool,
) -> Vec<f64> {
    let mut ms: Vec<f64> = history
        .operations
        .iter()
        .filter(|o| keep(&o.request))
        .filter_map(|o| {
            o.returned
                .as_ref()
                .map(|(_, at)| at.since(o.invoked).as_nanos())
        })
        .map(|ns| ns as f64 / 1e6)
        .collect();
    ms.sort_by(f64::total_cmp);
    ms
}

/// A world in which the processes in `crashed` are down from the start, with the
/// network otherwise as `config` has it.
pub fn with_crashed(mut config: Config, crashed: &[ProcessId]) -> Config {
    config.administrator = crashed
        .iter()
        .map(|&p| (Time::ZERO, Action::Crash(p)))
        .collect();
    config
}

/// The one-way delay of every message in [`one_delay`]'s network.
pub const ONE_DELAY: Duration = Duration::from_millis(1);

/// A constant one-way delay, [`ONE_DELAY`]: latencies measured in it, divided by it, are
/// counts of message delays.
pub fn one_delay() -> Config {
    let mut config = Config::default();
    config.network.latency = sim::Latency::Constant(ONE_DELAY);
    config
}
