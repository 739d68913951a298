//! The escapes from FLP, run in the simulator. First, randomization: Ben-Or's protocol
//! [Ben83] decides with probability 1, and the number of rounds it takes is measured.

use crate::protocols::{Bit, Protocol, Voter};
use process::{ProcessId, Time};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use sim::config::Action;
use sim::{Config, Latency, Simulation};
use std::time::Duration;

/// The inputs that make deciding hardest: as evenly split as possible, 0 1 0 1 ...
pub fn split(n: usize) -> Vec<Bit> {
    (0..n).map(|p| (p % 2) as Bit).collect()
}

/// One run of Ben-Or and what it showed.
#[derive(Clone, Debug)]
pub struct BenOrRun {
    /// The round by which every correct process had decided, if all did.
    pub rounds: Option<u32>,
    /// No two processes decided differently.
    pub agreement: bool,
    /// Every decision was some process's input.
    pub validity: bool,
}

/// Ben-Or with `n` processes, tolerating `f` crashes, the last `f` crashing at random
/// in the first 5 ms, delays log-normal (median 1 ms, σ 0.5), with seed `seed`.
pub fn ben_or(n: usize, f: usize, seed: u64) -> BenOrRun {
    let inputs = split(n);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0xbe_0e);
    let mut config = Config::default();
    config.network.latency = Latency::LogNormal {
        median: Duration::from_millis(1),
        sigma: 0.5,
    };
    let faulty: Vec<ProcessId> = (n - f..n).collect();
    config.administrator = faulty
        .iter()
        .map(|&p| (Time(rng.random_range(0..5_000_000)), Action::Crash(p)))
        .collect();
    let processes: Vec<Voter> = Protocol::BenOr.processes(&inputs, f, u32::MAX);
    let mut sim = Simulation::new(processes, config, seed);
    sim.run_until_quiet(Time(3_600_000_000_000));
    let decisions: Vec<Bit> = sim.outputs().iter().map(|&(_, _, v)| v).collect();
    let correct = (0..n).filter(|p| !faulty.contains(p));
    let rounds: Option<Vec<u32>> =
        correct.map(|p| sim.process(p).decided_round).collect();
    BenOrRun {
        rounds: rounds.and_then(|r| r.into_iter().max()),
        agreement: decisions.windows(2).all(|w| w[0] == w[1]),
        validity: decisions.iter().all(|d| inputs.contains(d)),
    }
}
