//! Lab 4 (chapter 12): the replicated log's leader. The student's replicas must never
//! apply two different entries in one slot, must apply slots in order, and must keep the
//! key-value store linearizable through leader changes, losses, restarts and partitions:
//! the model checker explores every execution of a small configuration, the simulator
//! runs four fault mixes with clients that retry, and the linearizability checker judges
//! each history.

use crate::judge::{Check, Options, Report};
use crate::primary_backup::replay;
use kvstore::clients::{Appends, THINK, linearizable};
use kvstore::{Reply, Request};
use linearizability::models::KvOp;
use modelcheck::Checker;
use modelcheck::processes::{Faults, Global, Processes, diagram};
use multipaxos::check::{applies_in_order, same_entry_per_slot};
use multipaxos::replica::{Entry, Setup, Slot};
use multipaxos::simulate::{CLIENT_TIMEOUT, ELECTION, HEARTBEAT};
use process::{Process, ProcessId};
use sim::Simulation;
use sim::mixes::Mix;
use std::collections::BTreeMap;
use std::time::Duration;

/// What the judge needs of the student's replica: the chapter's requests and replies,
/// and an output `(slot, entry)` for every slot it applies.
pub trait Replicates:
    Process<Request = Request, Response = Reply, Output = (Slot, Entry)>
{
}

impl<P: Process<Request = Request, Response = Reply, Output = (Slot, Entry)>> Replicates
    for P
{
}

/// Replicas in every check.
pub const REPLICAS: usize = 3;

/// Steps of the bounded model check (two commands across a leader change: a correct
/// replica has a few hundred thousand states within this depth, and millions beyond).
pub const STEPS: usize = 11;

/// The most states a model check explores.
pub const MAX_STATES: usize = 3_000_000;

/// The fault mixes of the simulated checks.
pub const MIXES: [Mix; 4] = [Mix::Loss, Mix::Restarts, Mix::Partition, Mix::All];

/// Operations per simulated run, between three clients.
pub const OPERATIONS: usize = 30;

/// Judges the replicated log whose replica `id` is `make(id, setup)`.
pub fn judge<P: Replicates>(
    make: impl Fn(ProcessId, &Setup) -> P + Copy,
    options: &Options,
) -> Report {
    let mut report = Report::default();
    let name = "model checker, a command across a leader change, every execution";
    report.run(name, 3, || model_check(name, make, 1, None, options));
    let name = format!(
        "model checker, two commands across a leader change, every execution of {STEPS} \
         steps"
    );
    report.run(&name.clone(), 3, || {
        model_check(&name, make, 2, Some(STEPS), options)
    });
    for mix in MIXES {
        let name = format!(
            "simulator, {} mix: the log safe, every history linearizable and answered",
            mix.name()
        );
        report.run(&name.clone(), 1, || simulate(&name, make, mix, options));
    }
    report
}

/// What is wrong with what the replicas applied: two entries in one slot, or slots out of
/// order.
fn safe<A: AsRef<[(Slot, Entry)]>>(applied: &[A]) -> Result<(), String> {
    if !same_entry_per_slot(applied.iter().flat_map(A::as_ref)) {
        let mut first: BTreeMap<Slot, (usize, &Entry)> = BTreeMap::new();
        for (p, entries) in applied.iter().enumerate() {
            for (slot, entry) in entries.as_ref() {
                let (q, other) = *first.entry(*slot).or_insert((p, entry));
                if other != entry {
                    return Err(format!(
                        "p{q} applied {other:?} in slot {slot}, p{p} applied {entry:?}"
                    ));
                }
            }
        }
    }
    match applied.iter().position(|a| !applies_in_order(a.as_ref())) {
        Some(p) => Err(format!(
            "p{p} applied slots out of order: {:?}",
            applied[p]
                .as_ref()
                .iter()
                .map(|(s, _)| s)
                .collect::<Vec<_>>()
        )),
        None => Ok(()),
    }
}

/// The chapter's model-checking configuration: p0 leads ballot 1 from the start, p1 may
/// campaign once, no heartbeats; client `c` appends a letter at replica `c`.
fn model_check<P: Replicates>(
    name: &str,
    make: impl Fn(ProcessId, &Setup) -> P,
    commands: usize,
    steps: Option<usize>,
    options: &Options,
) -> Check {
    let ms = Duration::from_millis(1); // the model checker ignores durations
    let setup = Setup {
        candidates: 2,
        campaigns: Some(1),
        leader: Some(0),
        ..Setup::new(REPLICAS, (ms, ms), None)
    };
    let append = |c: usize| Request {
        client: c,
        seq: 1,
        op: KvOp::Append("x".into(), ((b'a' + c as u8) as char).to_string()),
    };
    let system = Processes::new(
        (0..REPLICAS).map(|id| make(id, &setup)).collect(),
        Faults::default(),
    )
    .with_clients((0..commands).map(|c| vec![(c, append(c))]).collect());
    let applied_everywhere = move |s: &Global<P>| {
        s.all_outputs().all(|applied| {
            let commands_applied: usize =
                applied.iter().map(|(_, e)| e.commands().len()).sum();
            commands_applied == commands
        })
    };
    let checker = Checker::new(&system)
        .invariant("one entry per slot, in order", |s: &Global<P>| {
            safe(&s.all_outputs().collect::<Vec<_>>()).is_ok()
        })
        .sometimes("every command applied at every replica", applied_everywhere)
        .max_states(MAX_STATES);
    let report = match steps {
        Some(steps) => checker.max_depth(steps + 1).run(),
        None => checker.run(),
    };
    if let Some(violation) = report.violation {
        let steps = violation.trace.len() - 1;
        let last = &violation.trace[steps].1;
        let why = format!(
            "after {steps} steps, {}:\n{}",
            safe(&last.all_outputs().collect::<Vec<_>>())
                .err()
                .unwrap_or_default(),
            modelcheck::steps(&violation.trace, None).trim_end()
        );
        let picture = diagram(name, &violation.trace, None, |m| format!("{m:?}"));
        let file = format!("model-{commands}-commands");
        return Check::fail(name, 3, why).drawn(options.draw(&file, picture.to_svg()));
    }
    if !report.unreached.is_empty() {
        return Check::fail(
            name,
            3,
            format!(
                "no execution reaches \"{}\": the log never gets there",
                report.unreached.join("\", \"")
            ),
        );
    }
    match report.stopped {
        // A depth bound is the check's scope; a bound on states is the student's problem.
        Some(_) if report.distinct >= MAX_STATES => Check::fail(
            name,
            3,
            format!(
                "{}\nA correct replica in the starting point's shape fits in this bound: \
                 keep only the state you need.",
                report.caveat().unwrap_or_default()
            ),
        ),
        _ => Check::pass(name, 3),
    }
}

/// Three clients append and read at random replicas, asking again at another when an
/// answer is late; every history must be linearizable and answered, and what the replicas
/// applied safe.
fn simulate<P: Replicates>(
    name: &str,
    make: impl Fn(ProcessId, &Setup) -> P,
    mix: Mix,
    options: &Options,
) -> Check {
    let setup = Setup::new(REPLICAS, ELECTION, Some(HEARTBEAT));
    let faulty: Vec<ProcessId> = (0..REPLICAS).collect();
    for seed in options.seeds() {
        let processes = (0..REPLICAS).map(|id| make(id, &setup)).collect();
        let mut sim =
            Simulation::new(processes, mix.world(REPLICAS, &faulty, seed), seed);
        let workload = Appends {
            targets: (0..REPLICAS).collect(),
            reads: 0.5,
            operations: OPERATIONS,
            think: THINK,
            appends: 0,
            clients: BTreeMap::new(),
        };
        sim.add_clients(3, CLIENT_TIMEOUT, Box::new(workload));
        sim.run_until(process::Time::from_secs(10));
        let mut applied: Vec<Vec<(Slot, Entry)>> = vec![Vec::new(); REPLICAS];
        for (_, p, entry) in sim.outputs() {
            applied[*p].push(entry.clone());
        }
        let history = kvstore::operations(sim.history());
        let why = if let Err(why) = safe(&applied) {
            why
        } else if !linearizable(&history) {
            "the history is not linearizable".to_owned()
        } else if history.operations.len() < OPERATIONS
            || history.operations.iter().any(|o| o.is_open())
        {
            "an operation is never answered".to_owned()
        } else {
            options.draw_passing(&format!("{}-seed-{seed}", mix.name()), || {
                let title = format!("{} mix, seed {seed}", mix.name());
                sim.trace()
                    .to_diagram(&title, REPLICAS, |m| format!("{m:?}"))
                    .to_svg()
            });
            continue;
        };
        let title = format!("{} mix, seed {seed}: {why}", mix.name());
        let picture = sim
            .trace()
            .to_diagram(&title, REPLICAS, |m| format!("{m:?}"))
            .to_svg();
        return Check::fail(name, 1, format!("seed {seed}: {why}"))
            .drawn(options.draw(&format!("{}-seed-{seed}", mix.name()), picture))
            .replayed_by(replay("multipaxos", seed));
    }
    Check::pass(name, 1)
}
