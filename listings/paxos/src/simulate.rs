//! Paxos in the simulator: agreement and validity judged in every run, and the time and
//! messages a decision takes.

use crate::check::inputs;
use crate::paxos::{Message, Retry, Setup, Value};
use process::{ProcessId, Time};
use sim::mixes::Mix;
use sim::{Config, Event, Simulation, Stats};
use std::time::Duration;

/// When the proposers begin in the fault-mix runs.
pub const BEGIN: Duration = Duration::from_millis(30);

/// Every run ends by then, in virtual time.
pub const HORIZON: Time = Time(2_000_000_000);

/// The proposers' policies the experiments compare.
pub fn policy(name: &str) -> Option<Retry> {
    let ms = Duration::from_millis;
    match name {
        "eager" => Some(Retry::Eager),
        "backoff" => Some(Retry::Backoff { after: ms(5) }),
        "leader" => Some(Retry::Leader {
            heartbeat: ms(5),
            timeout: ms(20),
            after: ms(20),
        }),
        _ => None,
    }
}

/// One simulated run and what it showed.
pub struct Run {
    /// Every value learned: when, by which learner, what.
    pub learned: Vec<(Time, ProcessId, Value)>,
    /// No two learners learned different values.
    pub agreement: bool,
    /// Every learned value was proposed.
    pub validity: bool,
    /// When the first Prepare was sent.
    pub started: Option<Time>,
    /// When the first Accept was sent.
    pub phase2: Option<Time>,
    /// What the run cost.
    pub stats: Stats,
    /// Paxos messages (heartbeats not counted) sent before the first value was learned.
    pub messages: u64,
    /// Ballots started before the first value was learned (or in the whole run).
    pub ballots: usize,
    /// The run as a space-time diagram, if asked for.
    pub diagram: Option<figures::Diagram>,
}

impl Run {
    /// When the first value was learned.
    pub fn decided(&self) -> Option<Time> {
        self.learned.first().map(|(t, _, _)| *t)
    }
}

/// Runs `setup` in `config` with `seed` until the horizon.
pub fn run(setup: Setup, config: Config, seed: u64) -> Run {
    run_until(setup, config, seed, HORIZON, None)
}

/// Runs `setup` in `config` with `seed` until `end`, drawing the run under `title` if
/// one is given.
pub fn run_until(
    setup: Setup,
    config: Config,
    seed: u64,
    end: Time,
    title: Option<&str>,
) -> Run {
    let proposed = inputs(setup.proposers);
    let mut config = config;
    config.trace = true;
    let mut sim = Simulation::new(setup.processes(&proposed), config, seed);
    sim.run_until(end);
    let learned: Vec<_> = sim.outputs().to_vec();
    let first = learned.first().map(|(t, _, _)| *t);
    let (mut started, mut phase2, mut messages) = (None, None, 0);
    let mut ballots = std::collections::BTreeSet::new();
    for (at, event) in &sim.trace().events {
        if let Event::Send { message, .. } = event {
            match message {
                Message::Prepare { ballot } => {
                    started.get_or_insert(*at);
                    if first.is_none_or(|f| *at <= f) {
                        ballots.insert(*ballot);
                    }
                }
                Message::Accept { .. } => {
                    phase2.get_or_insert(*at);
                }
                _ => {}
            }
            if *message != Message::Heartbeat && first.is_none_or(|f| *at <= f) {
                messages += 1;
            }
        }
    }
    Run {
        agreement: learned.windows(2).all(|w| w[0].2 == w[1].2),
        validity: learned.iter().all(|(_, _, v)| proposed.contains(v)),
        learned,
        started,
        phase2,
        stats: sim.stats().clone(),
        messages,
        ballots: ballots.len(),
        diagram: title.map(|t| {
            sim.trace().to_diagram(
                t,
                setup.acceptors + setup.proposers,
                crate::programs::label,
            )
        }),
    }
}

/// `acceptors` acceptors and two proposers with `retry`, in the world of `mix`, where
/// crashes and partitions strike a minority of the acceptors. The proposers begin at
/// 30 ms, while the mix's crashes and partitions (in its first 60 ms) are under way.
pub fn run_mix(acceptors: usize, retry: Retry, mix: Mix, seed: u64) -> Run {
    let setup = Setup {
        acceptors,
        proposers: 2,
        retry,
        bug: None,
        start: BEGIN,
        quorums: None,
    };
    let faulty: Vec<ProcessId> = setup.acceptors().collect();
    run(setup, mix.world(acceptors + 2, &faulty, seed), seed)
}

/// The `q`-quantile of sorted values (nearest rank).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
