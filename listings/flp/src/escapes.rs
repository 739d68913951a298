//! The escapes from FLP, run in the simulator. First, randomization: Ben-Or's protocol
//! [Ben83] decides with probability 1, and the number of rounds it takes is measured.
//! Then partial synchrony and failure detectors, with the rotating coordinator.

use crate::coordinator::{Bug, Detector, Rotating};
use crate::protocols::{Bit, Protocol, Voter, agree, valid};
use process::{ProcessId, Time};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use sim::config::Action;
use sim::{Config, Latency, Simulation};
use std::time::Duration;

/// Ben-Or's runs: the faulty processes crash at random within this first stretch.
pub const BEN_OR_CRASHES_WITHIN: Duration = Duration::from_millis(5);
/// Ben-Or's runs: the median message delay (log-normal, σ 0.5).
pub const BEN_OR_MEDIAN_DELAY: Duration = Duration::from_millis(1);
/// The rotating coordinator's runs: the faulty processes (the coordinators of the first
/// rounds) crash at random within this first stretch.
pub const COORDINATOR_CRASHES_WITHIN: Duration = Duration::from_millis(20);
/// The rotating coordinator with timeouts: until GST the network is split anew this
/// often.
pub const SPLIT_EVERY: Duration = Duration::from_millis(2);
/// How long the rotating coordinator runs after `stable`, for its last decisions.
pub const AFTER_STABLE: Duration = Duration::from_secs(10);
/// The runs under a fault mix: how long each lasts; every correct process must decide by
/// then.
pub const MIXED_RUN: Duration = Duration::from_secs(10);
/// The runs under a fault mix: when the ◇P oracle stops lying.
pub const MIXED_STABLE: Duration = Duration::from_millis(100);
/// The runs under a fault mix: the rotating coordinator's first timeout.
pub const MIXED_FIRST_TIMEOUT: Duration = Duration::from_millis(1);

/// A time drawn uniformly from the first `within` of a run, in whole nanoseconds.
fn early(rng: &mut Xoshiro256PlusPlus, within: Duration) -> Time {
    Time::from_nanos(rng.random_range(0..within.as_nanos() as u64))
}

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
/// within [`BEN_OR_CRASHES_WITHIN`], delays log-normal (median [`BEN_OR_MEDIAN_DELAY`],
/// σ 0.5), with seed `seed`; `change`
/// may alter each process first (to plant a bug, or change its coin).
pub fn ben_or(n: usize, f: usize, seed: u64, change: impl Fn(&mut Voter)) -> BenOrRun {
    let inputs = split(n);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0xbe_0e);
    let mut config = Config::default();
    config.network.latency = Latency::LogNormal {
        median: BEN_OR_MEDIAN_DELAY,
        sigma: 0.5,
    };
    let faulty: Vec<ProcessId> = (n - f..n).collect();
    config.administrator = faulty
        .iter()
        .map(|&p| (early(&mut rng, BEN_OR_CRASHES_WITHIN), Action::Crash(p)))
        .collect();
    let mut processes: Vec<Voter> = Protocol::BenOr.processes(&inputs, f, u32::MAX);
    processes.iter_mut().for_each(change);
    let mut sim = Simulation::new(processes, config, seed);
    sim.run_until_quiet(Time::from_secs(3600));
    let decisions: Vec<Bit> = sim.outputs().iter().map(|&(_, _, v)| v).collect();
    let correct = (0..n).filter(|p| !faulty.contains(p));
    let rounds: Option<Vec<u32>> =
        correct.map(|p| sim.process(p).decided_round).collect();
    BenOrRun {
        rounds: rounds.and_then(|r| r.into_iter().max()),
        agreement: agree(&decisions),
        validity: valid(&decisions, &inputs),
    }
}

/// One run of the rotating coordinator and what it showed.
#[derive(Clone, Debug)]
pub struct RotatingRun {
    /// When the last correct process decided, if all did.
    pub decided: Option<Time>,
    /// The highest round a correct process decided in.
    pub rounds: Option<u32>,
    /// The round each correct process was in at `stable` (GST, or when the detector
    /// stopped lying).
    pub at_stable: Vec<u32>,
    /// No two processes decided differently.
    pub agreement: bool,
    /// Every decision was some process's input.
    pub validity: bool,
}

/// The rotating coordinator with `n` processes, the first `f` crashing at random within
/// [`COORDINATOR_CRASHES_WITHIN`] (the coordinators of the first rounds), split inputs,
/// seed `seed`, with `bug` planted; it runs until [`AFTER_STABLE`] after `stable`.
///
/// With `Detector::Oracle`, delays are log-normal (median `delay`, σ 0.5) throughout and
/// the oracle lies until `stable`. With `Detector::Timeout`, delays lie within `delay`
/// to 2 × `delay`, and until `stable` (GST) the network is split anew every
/// [`SPLIT_EVERY`], each
/// process on one of two sides at random: a message between sides is lost.
pub fn rotating(
    n: usize,
    f: usize,
    (detector, delay): (&Detector, Duration),
    bug: Option<Bug>,
    stable: Time,
    seed: u64,
) -> RotatingRun {
    let inputs = split(n);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0xc7_96);
    let mut config = Config::default();
    let faulty: Vec<ProcessId> = (0..f).collect();
    config.administrator = faulty
        .iter()
        .map(|&p| {
            (
                early(&mut rng, COORDINATOR_CRASHES_WITHIN),
                Action::Crash(p),
            )
        })
        .collect();
    let detector = match detector {
        Detector::Oracle { .. } => {
            config.network.latency = Latency::LogNormal {
                median: delay,
                sigma: 0.5,
            };
            Detector::Oracle {
                stable,
                crashed: faulty.clone(),
            }
        }
        Detector::Timeout { first } => {
            config.network.latency = Latency::Uniform {
                min: delay,
                max: 2 * delay,
            };
            let mut splits: Vec<(Time, Vec<Vec<ProcessId>>)> = (0..stable.nanos())
                .step_by(SPLIT_EVERY.as_nanos() as usize)
                .map(|at| {
                    let mut sides = vec![Vec::new(), Vec::new()];
                    (0..n).for_each(|p| sides[rng.random_range(0..2)].push(p));
                    (Time::from_nanos(at), sides)
                })
                .collect();
            splits.push((stable, Vec::new()));
            config.network.partitions.scheduled = splits;
            Detector::Timeout { first: *first }
        }
    };
    let correct: Vec<ProcessId> = (0..n).filter(|p| !faulty.contains(p)).collect();
    let mut sim =
        Simulation::new(Rotating::processes(&inputs, &detector, bug), config, seed);
    sim.run_until(stable);
    let at_stable = correct.iter().map(|&p| sim.process(p).round).collect();
    sim.run_until(stable + AFTER_STABLE);
    let decisions: Vec<Bit> = sim.outputs().iter().map(|&(_, _, v)| v).collect();
    let when: Option<Vec<Time>> = correct
        .iter()
        .map(|&p| sim.outputs().iter().find(|o| o.1 == p).map(|o| o.0))
        .collect();
    let rounds: Option<Vec<u32>> = correct
        .iter()
        .map(|&p| sim.process(p).decided.map(|(_, r)| r))
        .collect();
    RotatingRun {
        decided: when.and_then(|w| w.into_iter().max()),
        rounds: rounds.and_then(|r| r.into_iter().max()),
        at_stable,
        agreement: agree(&decisions),
        validity: valid(&decisions, &inputs),
    }
}

/// An escape, for runs under a fault mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// Ben-Or's protocol.
    BenOr,
    /// The rotating coordinator with a ◇P oracle that lies for [`MIXED_STABLE`].
    Oracle,
    /// The rotating coordinator with timeouts doubling from [`MIXED_FIRST_TIMEOUT`].
    Timeout,
}

/// What a run under a fault mix showed.
#[derive(Clone, Copy, Debug)]
pub struct Mixed {
    /// Every correct process decided within [`MIXED_RUN`].
    pub decided: bool,
    /// Agreement and validity held.
    pub safe: bool,
}

/// `escape` with `n` processes and split inputs in the world of `mix`, whose crashes and
/// partitions strike up to (n − 1)/2 of them, with seed `seed`.
pub fn mixed(escape: Escape, mix: sim::mixes::Mix, n: usize, seed: u64) -> Mixed {
    let inputs = split(n);
    let everyone: Vec<ProcessId> = (0..n).collect();
    let config = mix.world(n, &everyone, seed);
    let crashed: Vec<ProcessId> = config
        .administrator
        .iter()
        .filter_map(|(_, a)| match a {
            Action::Crash(p) => Some(*p),
            _ => None,
        })
        .collect();
    let correct: Vec<ProcessId> = everyone
        .iter()
        .copied()
        .filter(|p| !crashed.contains(p))
        .collect();
    let end = Time::ZERO + MIXED_RUN;
    let judge = |outputs: &[(Time, ProcessId, Bit)]| {
        let decisions: Vec<Bit> = outputs.iter().map(|&(_, _, v)| v).collect();
        Mixed {
            decided: correct.iter().all(|p| outputs.iter().any(|o| o.1 == *p)),
            safe: agree(&decisions) && valid(&decisions, &inputs),
        }
    };
    match escape {
        Escape::BenOr => {
            let f = (n - 1) / 2;
            let processes = Protocol::BenOr.processes(&inputs, f, u32::MAX);
            let mut sim = Simulation::new(processes, config, seed);
            sim.run_until(end);
            judge(sim.outputs())
        }
        Escape::Oracle | Escape::Timeout => {
            let detector = match escape {
                Escape::Oracle => Detector::Oracle {
                    stable: Time::ZERO + MIXED_STABLE,
                    crashed,
                },
                _ => Detector::Timeout {
                    first: MIXED_FIRST_TIMEOUT,
                },
            };
            let processes = Rotating::processes(&inputs, &detector, None);
            let mut sim = Simulation::new(processes, config, seed);
            sim.run_until(end);
            judge(sim.outputs())
        }
    }
}
