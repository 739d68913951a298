//! Lab 2 (chapter 9): the ABD register. The student's replicas must keep a register
//! linearizable under every fault the book has met, and answer while a majority is up:
//! the model checker explores every interleaving of a write and a read, with duplication
//! and with a crash and restart; the simulator runs random operations in every fault mix,
//! and the linearizability checker judges each history.

use crate::judge::{Check, Options, Report};
use crate::primary_backup::replay;
use abd::check::{Scenario, Serves, checker, linearizable};
use abd::simulate::{CLIENT_TIMEOUT, RETRANSMIT, Random};
use linearizability::check::{Verdict, check};
use linearizability::explain;
use linearizability::models::{Register, RegisterOp, RegisterRet};
use modelcheck::processes::{Faults, Processes, diagram_with};
use process::{ProcessId, Time};
use sim::mixes::Mix;
use sim::{Action, Simulation};
use std::time::Duration;

/// Replicas in every check.
pub const REPLICAS: usize = 3;

/// The most states a model check of the lab explores: a correct register needs about a
/// tenth of this.
pub const MAX_STATES: usize = 3_000_000;

/// The states the bounded check explores.
pub const EXPLORED: usize = 300_000;

/// Operations the simulated clients make in each run, between three of them.
pub const OPERATIONS: usize = 30;

/// When a simulated run ends, whatever is still open.
pub const HORIZON: Time = Time::from_secs(10);

/// Judges the register whose replica `p` of `n` is `make(p, n, retransmit)`.
pub fn judge<P: Serves>(
    make: impl Fn(ProcessId, usize, Option<Duration>) -> P + Copy,
    options: &Options,
) -> Report {
    let mut report = Report::default();
    let none = Faults::default();
    let checks = [
        ("no faults", none),
        (
            "duplication",
            Faults {
                duplication: true,
                ..none
            },
        ),
        (
            "a crash and restart",
            Faults {
                crashes: 1,
                restarts: true,
                ..none
            },
        ),
    ];
    for (what, faults) in checks {
        let name = format!("model checker, a write and a concurrent read, {what}");
        let check = Exploration {
            scenario: Scenario::WriteRead,
            faults,
            bound: None,
        };
        report.run(&name.clone(), 2, || check.run(&name, make, options));
    }
    // A write, then reads at two other replicas: the run that catches a read that does
    // not write back. A correct register has millions of states here, so this check
    // explores the first of them, breadth first, where that run lies.
    let name = format!(
        "model checker, a write then two reads, no faults (the first {EXPLORED} states)"
    );
    let check = Exploration {
        scenario: Scenario::WriteReadRead,
        faults: none,
        bound: Some(EXPLORED),
    };
    report.run(&name.clone(), 2, || check.run(&name, make, options));
    for mix in Mix::ALL {
        let name = format!("simulator, {} mix: every history linearizable", mix.name());
        report.run(&name.clone(), 1, || simulate(&name, make, mix, options));
    }
    let name = "simulator, no faults: every operation answered";
    report.run(name, 1, || answered(name, make, &[], options));
    let name = "simulator, one replica down: every operation at the others answered";
    report.run(name, 1, || answered(name, make, &[REPLICAS - 1], options));
    report
}

/// A model check: every interleaving of `scenario` under `faults`, without
/// retransmission; with a `bound`, only that many states, breadth first.
struct Exploration {
    scenario: Scenario,
    faults: Faults,
    bound: Option<usize>,
}

impl Exploration {
    fn run<P: Serves>(
        &self,
        name: &str,
        make: impl Fn(ProcessId, usize, Option<Duration>) -> P,
        options: &Options,
    ) -> Check {
        let system = Processes::new(
            (0..REPLICAS).map(|p| make(p, REPLICAS, None)).collect(),
            self.faults,
        )
        .with_clients(self.scenario.clients());
        let report = checker(&system)
            .max_states(self.bound.unwrap_or(MAX_STATES))
            .run();
        if let Some(violation) = report.violation {
            let steps = violation.trace.len() - 1;
            let last = &violation.trace[steps].1;
            let history = match check(&Register, last.history()) {
                Verdict::NotLinearizable(evidence) => {
                    explain::text(&Register, last.history(), &evidence, 4)
                }
                _ => String::new(),
            };
            let why = format!(
                "not linearizable after {steps} steps:\n{}\nthe clients' history (events in \
                 order):\n{}",
                modelcheck::steps(&violation.trace, None).trim_end(),
                history.trim_end()
            );
            let picture = diagram_with(
                &format!("{name}: not linearizable"),
                &violation.trace,
                None,
                |m| format!("{m:?}"),
                |q| format!("{q:?}"),
                |r| format!("{r:?}"),
            );
            let file = slug(name);
            return Check::fail(name, 2, why)
                .drawn(options.draw(&file, picture.to_svg()));
        }
        let bounded = self.bound.is_some() && report.stopped.is_some();
        match report.caveat() {
            Some(caveat) if !bounded => Check::fail(
                name,
                2,
                format!(
                    "{caveat}\nThe model checker builds replicas without retransmission, so \
                     every run must come to an end, within the bound: a correct register in \
                     the starting point's shape needs about a tenth of it. Keep only the \
                     state you need; a coordinator can count its own answer without sending \
                     itself a message."
                ),
            ),
            _ if bounded && !report.unreached.is_empty() => Check::fail(
                name,
                2,
                format!("no state explored has {}", report.unreached.join(", ")),
            ),
            _ => Check::pass(name, 2),
        }
    }
}

/// One simulated run: three clients making [`OPERATIONS`] random operations at any of
/// `targets`, in `config`.
fn run<P: Serves>(
    make: impl Fn(ProcessId, usize, Option<Duration>) -> P,
    config: sim::Config,
    targets: Vec<ProcessId>,
    seed: u64,
) -> Simulation<P> {
    let processes = (0..REPLICAS)
        .map(|p| make(p, REPLICAS, Some(RETRANSMIT)))
        .collect();
    let mut sim = Simulation::new(processes, config, seed);
    let workload = Random::new(targets, 0.5, OPERATIONS);
    sim.add_clients(3, CLIENT_TIMEOUT, Box::new(workload));
    sim.run_until(HORIZON);
    sim
}

/// Every seed of `mix`: the first history that is not linearizable fails the check.
fn simulate<P: Serves>(
    name: &str,
    make: impl Fn(ProcessId, usize, Option<Duration>) -> P + Copy,
    mix: Mix,
    options: &Options,
) -> Check {
    let everyone: Vec<ProcessId> = (0..REPLICAS).collect();
    for seed in options.seeds() {
        let sim = run(
            make,
            mix.world(REPLICAS, &everyone, seed),
            everyone.clone(),
            seed,
        );
        if linearizable(sim.history()) {
            let title = format!("{} mix, seed {seed}: linearizable", mix.name());
            options.draw_passing(&format!("{}-seed-{seed}", mix.name()), || {
                drawn(&sim, &title)
            });
            continue;
        }
        let why = match check(&Register, sim.history()) {
            Verdict::NotLinearizable(evidence) => format!(
                "the history is not linearizable (times in ns):\n{}",
                explain::text(&Register, sim.history(), &evidence, 4).trim_end()
            ),
            _ => "the history is not linearizable".to_owned(),
        };
        let title = format!("{} mix, seed {seed}: not linearizable", mix.name());
        let picture = drawn(&sim, &title);
        let file = format!("{}-seed-{seed}", mix.name());
        return Check::fail(name, 1, format!("seed {seed}: {why}"))
            .drawn(options.draw(&file, picture))
            .replayed_by(replay("abd", seed));
    }
    Check::pass(name, 1)
}

/// Every seed with the replicas `down` crashed from the start: every operation at the
/// others must be answered.
fn answered<P: Serves>(
    name: &str,
    make: impl Fn(ProcessId, usize, Option<Duration>) -> P + Copy,
    down: &[ProcessId],
    options: &Options,
) -> Check {
    let up: Vec<ProcessId> = (0..REPLICAS).filter(|p| !down.contains(p)).collect();
    for seed in options.seeds() {
        let mut config = Mix::Clean.world(REPLICAS, &[], seed);
        config.administrator = down
            .iter()
            .map(|&p| (Time::ZERO, Action::Crash(p)))
            .collect();
        let sim = run(make, config, up.clone(), seed);
        let history = sim.history();
        let open = history.operations.iter().filter(|o| o.is_open()).count();
        if open > 0 || history.operations.len() < OPERATIONS {
            let why = format!(
                "seed {seed}: {} of {OPERATIONS} operations answered",
                history.operations.len() - open
            );
            let picture = drawn(&sim, &format!("{name}, seed {seed}"));
            let file = format!("answered-{}-seed-{seed}", down.len());
            return Check::fail(name, 1, why)
                .drawn(options.draw(&file, picture))
                .replayed_by(replay("abd", seed));
        }
    }
    Check::pass(name, 1)
}

/// The run's space-time diagram, as SVG.
fn drawn<P: Serves>(sim: &Simulation<P>, title: &str) -> String {
    let request = |q: &RegisterOp| format!("{q:?}");
    let response = |r: &RegisterRet| format!("{r:?}");
    sim.trace()
        .to_diagram_with(title, REPLICAS, |m| format!("{m:?}"), request, response)
        .to_svg()
}

/// A file name made of `name`'s letters and digits.
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}
