//! The register in the simulator: clients reading and writing at random processes, under
//! a mix of faults chosen per seed, and every history judged by the linearizability
//! checker.

use crate::check::linearizable;
use crate::register::{Abd, Variant};
use clap::ValueEnum;
use linearizability::models::{RegisterOp, RegisterRet};
use process::{ClientId, History, Process, ProcessId, Time};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use sim::{Action, Config, Latency, Simulation, Stats, Submit, Workload};
use std::time::Duration;

/// How long a client waits for an answer before giving up (its operation stays open).
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(200);
/// How long a phase waits before asking the silent replicas again.
pub const RETRANSMIT: Duration = Duration::from_millis(10);
/// Every run ends by then, in virtual time.
pub const HORIZON: Time = Time(2_000_000_000);

// ANCHOR: mix
/// A mix of faults. The random ones (which processes, when) are drawn from the run's
/// seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mix {
    /// No fault: a constant 1 ms delay, links in order.
    Clean,
    /// A quarter of the messages lost.
    Loss,
    /// 30% of the messages delivered twice.
    Duplication,
    /// Links out of order: delays uniform in 1–12 ms.
    Reordering,
    /// Heavy-tailed delays: log-normal, median 1 ms, sigma 1.
    Latency,
    /// A minority of the processes crash, for good, at random times.
    Crashes,
    /// A minority of the processes crash and restart from their disks, twice each.
    Restarts,
    /// A minority is cut off from the rest for 10–40 ms, then the network heals.
    Partition,
    /// All of the above at once, in milder doses.
    All,
}

impl Mix {
    /// The world of this mix for `n` processes and `seed`.
    pub fn world(self, n: usize, seed: u64) -> Config {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x6d69_7865_6400);
        let ms = Duration::from_millis;
        let mut config = Config::default();
        let network = &mut config.network;
        let minority = (n - 1) / 2;
        match self {
            Mix::Clean => {}
            Mix::Loss => network.loss = 0.25,
            Mix::Duplication => network.duplication = 0.3,
            Mix::Reordering => {
                network.fifo = false;
                network.latency = Latency::Uniform {
                    min: ms(1),
                    max: ms(12),
                };
            }
            Mix::Latency => {
                network.latency = Latency::LogNormal {
                    median: ms(1),
                    sigma: 1.0,
                }
            }
            Mix::Crashes => config.administrator = crashes(&mut rng, n, minority, false),
            Mix::Restarts => config.administrator = crashes(&mut rng, n, minority, true),
            Mix::Partition => network.partitions.scheduled = partition(&mut rng, n),
            Mix::All => {
                network.loss = 0.1;
                network.duplication = 0.1;
                network.fifo = false;
                network.latency = Latency::Uniform {
                    min: ms(1),
                    max: ms(6),
                };
                network.partitions.scheduled = partition(&mut rng, n);
                config.administrator = crashes(&mut rng, n, minority, true);
            }
        }
        config
    }
}
// ANCHOR_END: mix

/// `count` distinct processes crashing at random times in the first 60 ms; with
/// `restart`, each comes back 5–20 ms later and crashes and restarts once more.
fn crashes(
    rng: &mut Xoshiro256PlusPlus,
    n: usize,
    count: usize,
    restart: bool,
) -> Vec<(Time, Action)> {
    let mut victims: Vec<ProcessId> = (0..n).collect();
    let mut actions = Vec::new();
    for _ in 0..count {
        let p = victims.swap_remove(rng.random_range(0..victims.len()));
        let mut at = rng.random_range(0..60_000_000u64);
        for _ in 0..if restart { 2 } else { 1 } {
            actions.push((Time(at), Action::Crash(p)));
            if restart {
                at += rng.random_range(5_000_000..20_000_000u64);
                actions.push((Time(at), Action::Restart(p)));
                at += rng.random_range(5_000_000..20_000_000u64);
            }
        }
    }
    actions.sort_by_key(|(t, _)| *t);
    actions
}

/// A random minority cut off at a random time in the first 40 ms, for 10–40 ms.
fn partition(rng: &mut Xoshiro256PlusPlus, n: usize) -> Vec<(Time, Vec<Vec<ProcessId>>)> {
    let mut order: Vec<ProcessId> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let cut = rng.random_range(1..=(n - 1) / 2);
    let (minority, majority) = order.split_at(cut);
    let start = rng.random_range(0..40_000_000u64);
    let end = start + rng.random_range(10_000_000..40_000_000u64);
    vec![
        (Time(start), vec![minority.to_vec(), majority.to_vec()]),
        (Time(end), vec![]),
    ]
}

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
    /// What the run cost.
    pub stats: Stats,
}

/// Runs `n` processes of `variant` in the world of `mix` with `seed`: three clients,
/// thirty operations between them.
pub fn run(n: usize, variant: Variant, mix: Mix, seed: u64) -> Run {
    let processes = Abd::cluster(n, variant, Some(RETRANSMIT));
    let mut sim = Simulation::new(processes, mix.world(n, seed), seed);
    let workload = Random::new((0..n).collect(), 0.5, 30);
    sim.add_clients(3, CLIENT_TIMEOUT, Box::new(workload));
    sim.run_until(HORIZON);
    let history = sim.history().clone();
    Run {
        linearizable: linearizable(&history),
        history,
        stats: sim.stats().clone(),
    }
}
