//! Paxos in the simulator: agreement and validity judged in every run, and the time and
//! messages a decision takes.

use crate::check::inputs;
use crate::paxos::{Bug, Message, Retry, Setup, Value};
use process::{ProcessId, Time};
use sim::mixes::Mix;
use sim::{Config, Event, Latency, Simulation, Stats};
use std::time::Duration;

/// When the proposers begin in the fault-mix runs.
pub const BEGIN: Duration = Duration::from_millis(30);

/// Every run ends by then, in virtual time.
pub const HORIZON: Time = Time::from_secs(2);

/// The proposers' policies the experiments compare.
pub fn policy(policy: Policy) -> Retry {
    let ms = Duration::from_millis;
    match policy {
        Policy::Eager => Retry::Eager,
        Policy::Backoff => Retry::Backoff { after: ms(5) },
        Policy::Leader => Retry::Leader {
            heartbeat: ms(5),
            timeout: ms(20),
            after: ms(20),
        },
    }
}

/// How two proposers retry, by name: the choices of the chapter's programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Policy {
    /// Start a new ballot as soon as every acceptor has answered and one refused.
    Eager,
    /// Wait a random time, doubling its range after each failure.
    Backoff,
    /// Follow the leader chosen by heartbeats and timeouts (Ω).
    Leader,
}

impl Policy {
    /// Every policy, in the order the programs print them.
    pub const ALL: [Policy; 3] = [Policy::Eager, Policy::Backoff, Policy::Leader];

    /// The policy's name on the command line and in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Eager => "eager",
            Policy::Backoff => "backoff",
            Policy::Leader => "leader",
        }
    }
}

/// One simulated run and what it showed.
pub struct Run {
    /// Every value learned: when, by which learner, what.
    pub learned: Vec<(Time, ProcessId, Value)>,
    /// At most one value was chosen, and every value learned is it.
    pub agreement: bool,
    /// Every value chosen was proposed.
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

/// The one delay of every message in [`one_proposer`]'s run.
pub const EXACT: Duration = Duration::from_millis(1);

/// One proposer and `acceptors` acceptors, every message delayed exactly [`EXACT`], so
/// that latency in units of it counts message delays.
pub fn one_proposer(acceptors: usize) -> Run {
    let mut exact = Config::default();
    exact.network.latency = Latency::Constant(EXACT);
    run(Setup::new(acceptors, 1, Retry::Never), exact, 0)
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
    let disks = setup.acceptors().map(|p| sim.storage(p));
    let chosen = crate::check::chosen(setup.phase2(), disks);
    Run {
        agreement: chosen.len() <= 1
            && learned.iter().all(|(_, _, v)| chosen.contains(v)),
        validity: chosen.iter().all(|v| proposed.contains(v)),
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

/// `acceptors` acceptors and two proposers with `retry` (and `bug`, if any), in the
/// world of `mix`, where crashes and partitions strike a minority of the acceptors.
/// The proposers begin at 30 ms, while the mix's crashes and partitions (in its first
/// 60 ms) are under way.
pub fn mix_world(
    acceptors: usize,
    retry: Retry,
    mix: Mix,
    bug: Option<Bug>,
    seed: u64,
) -> (Setup, Config) {
    let setup = Setup {
        bug,
        start: BEGIN,
        ..Setup::new(acceptors, 2, retry)
    };
    let faulty: Vec<ProcessId> = setup.acceptors().collect();
    (setup, mix.world(acceptors + 2, &faulty, seed))
}

/// Runs the world of [`mix_world`].
pub fn run_mix(
    acceptors: usize,
    retry: Retry,
    mix: Mix,
    bug: Option<Bug>,
    seed: u64,
) -> Run {
    let (setup, config) = mix_world(acceptors, retry, mix, bug, seed);
    run(setup, config, seed)
}

/// The bounds of every message delay after GST in [`run_gst`].
pub const DELAY: (Duration, Duration) =
    (Duration::from_millis(1), Duration::from_millis(2));

/// Partial synchrony made concrete: until `gst` every message between the proposers
/// and `acceptors` acceptors is lost (the proposers still hear each other); from then
/// on every delay lies within [`DELAY`].
pub fn run_gst(acceptors: usize, retry: Retry, gst: Duration, seed: u64) -> Run {
    let setup = Setup::new(acceptors, 2, retry);
    let mut config = Config::default();
    config.network.latency = Latency::Uniform {
        min: DELAY.0,
        max: DELAY.1,
    };
    let cut = vec![setup.acceptors().collect(), setup.proposers().collect()];
    let healed = Time::from_duration(gst);
    config.network.partitions.scheduled = vec![(Time::ZERO, cut), (healed, Vec::new())];
    run(setup, config, seed)
}
