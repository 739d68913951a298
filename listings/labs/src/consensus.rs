//! Lab 3 (chapter 11): single-decree Paxos. The student's acceptors, proposers and
//! learners must never let two learners learn different values, nor learn a value no
//! proposer proposed, whatever the network and the crashes do; and once the network
//! behaves (after GST), with a leader, every learner must learn.

use crate::judge::{Check, Options, Report};
use crate::primary_backup::replay;
use modelcheck::Checker;
use modelcheck::processes::{Faults, Global, Processes, diagram};
use paxos::paxos::{Retry, Value};
use paxos::simulate::{BEGIN, DELAY, Policy, policy};
use process::{Process, ProcessId, Time};
use sim::mixes::Mix;
use sim::{Latency, Simulation};
use std::time::Duration;

/// How a run of the lab is put together: the same for every process.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Setup {
    /// Acceptors: processes `0..acceptors`.
    pub acceptors: usize,
    /// The proposers (each also a learner) and the value each proposes: process
    /// `acceptors + i` proposes `inputs[i]`.
    pub inputs: Vec<Value>,
    /// When a proposer starts another ballot: on a timer, a bounded number of times (the
    /// model checker's runs), or only while Ω names it leader (the simulator's).
    pub retry: Retry,
    /// When the proposers begin.
    pub start: Duration,
}

impl Setup {
    /// The acceptors' names.
    pub fn acceptors(&self) -> std::ops::Range<ProcessId> {
        0..self.acceptors
    }

    /// The proposers' names.
    pub fn proposers(&self) -> std::ops::Range<ProcessId> {
        self.acceptors..self.acceptors + self.inputs.len()
    }

    /// How many processes there are.
    pub fn processes(&self) -> usize {
        self.acceptors + self.inputs.len()
    }

    /// A majority of the acceptors.
    pub fn majority(&self) -> usize {
        self.acceptors / 2 + 1
    }
}

/// Acceptors in every check.
pub const ACCEPTORS: usize = 3;

/// The values the two proposers propose.
pub const INPUTS: [Value; 2] = [1, 2];

/// The most states a model check explores. The reference solution, in the starting point's
/// shape, needs about 200,000 without faults and under 800,000 with the restart.
pub const MAX_STATES: usize = 2_000_000;

/// When the network starts to behave in the GST check.
pub const GST: Duration = Duration::from_millis(100);

/// How long after GST every learner must have learned.
pub const AFTER_GST: Duration = Duration::from_millis(500);

/// When a simulated run in a fault mix ends.
pub const HORIZON: Time = Time::from_secs(2);

/// Judges the protocol whose process `id` is `make(id, setup)`.
pub fn judge<P: Process<Output = Value>>(
    make: impl Fn(ProcessId, &Setup) -> P + Copy,
    options: &Options,
) -> Report {
    let mut report = Report::default();
    let none = Faults::default();
    // One acceptor that may crash and restart: the others are alike, and every one of
    // them doubles the states to explore.
    let restart = Faults {
        crashes: 1,
        restarts: true,
        crash_below: Some(1),
        ..none
    };
    let name = "model checker, 3 acceptors, 2 proposers, one ballot each, no faults";
    report.run(name, 3, || model_check(name, 3, make, none, options));
    let name = "model checker, the same, acceptor p0 crashes and restarts";
    report.run(name, 3, || model_check(name, 3, make, restart, options));
    for mix in Mix::ALL {
        let name = format!("simulator, {} mix: agreement and validity", mix.name());
        report.run(&name.clone(), 1, || simulate(&name, make, mix, options));
    }
    let name = format!(
        "simulator, after GST with a leader: every learner learns within {} ms",
        AFTER_GST.as_millis()
    );
    report.run(&name.clone(), 3, || after_gst(&name, make, options));
    report
}

/// Every value any process learned, in `outputs`, agrees and was proposed.
fn safe<L: AsRef<[Value]>>(outputs: &[L]) -> Result<(), String> {
    let learned: Vec<Value> = outputs.iter().flat_map(L::as_ref).copied().collect();
    if let Some(other) = learned.iter().find(|&&v| v != learned[0]) {
        return Err(format!(
            "agreement broken: {} and {other} were both learned",
            learned[0]
        ));
    }
    match learned.iter().find(|v| !INPUTS.contains(v)) {
        Some(v) => Err(format!(
            "validity broken: {v} was learned, which no one proposed"
        )),
        None => Ok(()),
    }
}

fn model_check<P: Process<Output = Value>>(
    name: &str,
    points: u32,
    make: impl Fn(ProcessId, &Setup) -> P,
    faults: Faults,
    options: &Options,
) -> Check {
    let setup = Setup {
        acceptors: ACCEPTORS,
        inputs: INPUTS.to_vec(),
        retry: Retry::Timer {
            after: Duration::from_millis(1), // the model checker ignores durations
            max: 1,
        },
        start: Duration::ZERO,
    };
    let system = Processes::new(
        (0..setup.processes()).map(|id| make(id, &setup)).collect(),
        faults,
    );
    let report = Checker::new(&system)
        .invariant("agreement and validity", |s: &Global<P>| {
            safe(&s.all_outputs().collect::<Vec<_>>()).is_ok()
        })
        .sometimes("a value is learned", |s: &Global<P>| {
            s.all_outputs().any(|o| !o.is_empty())
        })
        .max_states(MAX_STATES)
        .run();
    if let Some(violation) = report.violation {
        let steps = violation.trace.len() - 1;
        let last = &violation.trace[steps].1;
        let why = format!(
            "{} after {steps} steps:\n{}",
            safe(&last.all_outputs().collect::<Vec<_>>())
                .err()
                .unwrap_or_default(),
            modelcheck::steps(&violation.trace, None).trim_end()
        );
        let picture = diagram(name, &violation.trace, None, |m| format!("{m:?}"));
        let file = format!(
            "model-{}",
            if faults.crashes > 0 {
                "crash"
            } else {
                "no-faults"
            }
        );
        return Check::fail(name, points, why)
            .drawn(options.draw(&file, picture.to_svg()));
    }
    match report.caveat() {
        Some(caveat) if report.stopped.is_some() => Check::fail(
            name,
            points,
            format!(
                "{caveat}\nA correct protocol in the starting point's shape fits in this \
                 bound: keep only the state you need, and send each message only to those \
                 who need it."
            ),
        ),
        Some(caveat) => Check::fail(name, points, caveat),
        None => Check::pass(name, points),
    }
}

/// The setup of the simulated checks: two proposers, with Ω, beginning at `start`.
fn simulated(start: Duration) -> Setup {
    Setup {
        acceptors: ACCEPTORS,
        inputs: INPUTS.to_vec(),
        retry: policy(Policy::Leader),
        start,
    }
}

fn simulate<P: Process<Output = Value>>(
    name: &str,
    make: impl Fn(ProcessId, &Setup) -> P,
    mix: Mix,
    options: &Options,
) -> Check {
    let setup = simulated(BEGIN);
    let faulty: Vec<ProcessId> = setup.acceptors().collect();
    for seed in options.seeds() {
        let processes = (0..setup.processes()).map(|id| make(id, &setup)).collect();
        let config = mix.world(setup.processes(), &faulty, seed);
        let mut sim = Simulation::new(processes, config, seed);
        sim.run_until(HORIZON);
        let outputs = outputs(&sim, &setup);
        let file = format!("{}-seed-{seed}", mix.name());
        let picture = |title: &str| {
            let diagram = sim
                .trace()
                .to_diagram(title, setup.processes(), |m| format!("{m:?}"));
            diagram.to_svg()
        };
        if let Err(why) = safe(&outputs) {
            let title = format!("{} mix, seed {seed}: {why}", mix.name());
            return Check::fail(name, 1, format!("seed {seed}: {why}"))
                .drawn(options.draw(&file, picture(&title)))
                .replayed_by(replay("paxos", seed));
        }
        options.draw_passing(&file, || {
            picture(&format!("{} mix, seed {seed}", mix.name()))
        });
    }
    Check::pass(name, 1)
}

/// Each process's outputs in `sim`.
fn outputs<P: Process<Output = Value>>(
    sim: &Simulation<P>,
    setup: &Setup,
) -> Vec<Vec<Value>> {
    let mut by_process = vec![Vec::new(); setup.processes()];
    for &(_, p, v) in sim.outputs() {
        by_process[p].push(v);
    }
    by_process
}

/// Partial synchrony made concrete: until [`GST`] every message between proposers and
/// acceptors is lost; from then on every delay lies within the chapter's `DELAY`. Every
/// learner must learn, safely, within [`AFTER_GST`] of GST.
fn after_gst<P: Process<Output = Value>>(
    name: &str,
    make: impl Fn(ProcessId, &Setup) -> P,
    options: &Options,
) -> Check {
    let setup = simulated(Duration::ZERO);
    for seed in options.seeds() {
        let processes = (0..setup.processes()).map(|id| make(id, &setup)).collect();
        let mut config = sim::Config::default();
        config.network.latency = Latency::Uniform {
            min: DELAY.0,
            max: DELAY.1,
        };
        let cut = vec![setup.acceptors().collect(), setup.proposers().collect()];
        let gst = Time::ZERO + GST;
        config.network.partitions.scheduled = vec![(Time::ZERO, cut), (gst, Vec::new())];
        let mut sim = Simulation::new(processes, config, seed);
        sim.run_until(gst + AFTER_GST);
        let outputs = outputs(&sim, &setup);
        let silent: Vec<String> = setup
            .proposers()
            .filter(|&p| outputs[p].is_empty())
            .map(|p| format!("p{p}"))
            .collect();
        let why = match safe(&outputs) {
            Err(why) => why,
            Ok(()) if silent.is_empty() => continue,
            Ok(()) => format!("{} learned nothing", silent.join(" and ")),
        };
        let title = format!("after GST, seed {seed}: {why}");
        let picture = sim
            .trace()
            .to_diagram(&title, setup.processes(), |m| format!("{m:?}"));
        return Check::fail(name, 3, format!("seed {seed}: {why}"))
            .drawn(options.draw(&format!("gst-seed-{seed}"), picture.to_svg()))
            .replayed_by(replay("paxos", seed));
    }
    Check::pass(name, 3)
}
