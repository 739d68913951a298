//! Every process system the book model-checks, searched in full and with partial-order
//! reduction (chapter 5), side by side: how many states each search meets, how many
//! successors it computes, and whether the two agree — the same verdict, and, where
//! neither finds a violation, the same values of what the invariants read in the states
//! each explores (`modelcheck::checker::reduction::compare`). And the planted bugs the
//! model checker catches in their chapters, searched for both ways, with those the reduced
//! search does not find in time searched for apart, within a bound of successors computed.

pub mod programs;

use abd::check::Scenario;
use abd::register::Variant;
use modelcheck::Checker;
use modelcheck::checker::fingerprint;
use modelcheck::checker::reduction::{Comparison, compare, outputs_and_disk};
use modelcheck::processes::{Faults, Global, Processes};
use process::{Process, ProcessId};
use std::time::Instant;

/// One configuration of one system, searched both ways.
#[derive(Clone, Debug)]
pub struct Row {
    /// The system, as its chapter names it.
    pub system: &'static str,
    /// Its chapter.
    pub chapter: u32,
    /// Its processes.
    pub processes: usize,
    /// The rest of its configuration.
    pub configuration: String,
    /// The full search: distinct states, and successors computed.
    pub full: (usize, usize),
    /// The reduced search: distinct states visited, and successors computed.
    pub reduced: (usize, usize),
    /// How many times the reduced search explored a state again, reached with a step awake
    /// that was asleep every time it had explored it.
    pub again: u64,
    /// Seconds each search took (full, reduced), if timed.
    pub seconds: Option<Seconds>,
}

impl Row {
    /// How many times fewer states the reduced search visits.
    pub fn factor(&self) -> f64 {
        self.full.0 as f64 / self.reduced.0 as f64
    }
}

/// Seconds the full search and the reduced one took.
type Seconds = (f64, f64);

/// A planted bug, searched for both ways.
#[derive(Clone, Debug)]
pub struct Caught {
    /// The system, as its chapter names it.
    pub system: &'static str,
    /// Its chapter.
    pub chapter: u32,
    /// The bug and the configuration searched.
    pub bug: String,
    /// The invariant each search found broken, and the length of its trace (the full
    /// search's is a shortest one).
    pub full: Option<(String, usize)>,
    /// The same, for the reduced search.
    pub reduced: Option<(String, usize)>,
}

// ANCHOR: both
/// Searches `make`'s checker both ways and insists that they agree; and, if `time`,
/// times each search again alone, without recording what the invariants read.
fn both<'a, P: Process, T: Ord + Send>(
    at: &str,
    make: impl Fn() -> Checker<'a, Processes<P>>,
    view: &(dyn Fn(&Global<P>, ProcessId) -> u64 + Sync),
    read: impl Fn(&Global<P>) -> T + Sync,
    time: bool,
) -> Result<(Comparison<T, P>, Option<Seconds>), String> {
    let c = compare(&make, view, read);
    let stopped = [&c.full.stopped, &c.reduced.report.stopped];
    if let Some(stop) = stopped.into_iter().flatten().next() {
        return Err(format!("{at}: a search stopped, {stop}"));
    }
    let broken = [&c.full.violation, &c.reduced.report.violation]
        .map(|v| (v.as_ref()).map(|v| v.invariant.clone()));
    if !c.agree() || broken[0] != broken[1] {
        return Err(format!("{at}: the full and the reduced search disagree"));
    }
    let seconds = time.then(|| {
        let started = Instant::now();
        let _ = make().run();
        let full = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let _ = make().run_reduced(view);
        (full, started.elapsed().as_secs_f64())
    });
    Ok((c, seconds))
}
// ANCHOR_END: both

/// A [`Row`] from a comparison in which neither search found a violation.
fn row<T, P: Process>(
    system: &'static str,
    chapter: u32,
    processes: usize,
    configuration: String,
    c: &Comparison<T, P>,
    seconds: Option<Seconds>,
) -> Result<Row, String> {
    if c.full.violation.is_some() {
        return Err(format!("{system}, {configuration}: a violation"));
    }
    let r = &c.reduced.report;
    Ok(Row {
        system,
        chapter,
        processes,
        configuration,
        full: (c.full.distinct, c.full.generated),
        reduced: (r.distinct, r.generated),
        again: c.reduced.again,
        seconds,
    })
}

/// A [`Caught`] from a comparison.
fn caught<T, P: Process>(
    system: &'static str,
    chapter: u32,
    bug: String,
    c: &Comparison<T, P>,
) -> Caught {
    let found = |v: &Option<modelcheck::Violation<Processes<P>>>| {
        (v.as_ref()).map(|v| (v.invariant.clone(), v.trace.len() - 1))
    };
    Caught {
        system,
        chapter,
        bug,
        full: found(&c.full.violation),
        reduced: found(&c.reduced.report.violation),
    }
}

/// What the invariants of the systems without clients read: every process's outputs
/// (their fingerprint).
fn outputs<P: Process>(state: &Global<P>) -> u64 {
    fingerprint(&state.all_outputs().collect::<Vec<_>>())
}

/// Every system's rows, smallest configuration first, timed if `time`.
pub fn rows(time: bool) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    // Chapter 5: two-phase commit as processes, 1 to 3 RMs and a TM.
    for rms in 1..=3 {
        let system = commit(rms, false);
        let make = || modelcheck::commit::checker(&system);
        let at = notebook::count(rms as u64, "RM");
        let (c, seconds) = both(&at, make, &outputs_and_disk, outputs, time)?;
        rows.push(row("two-phase commit", 5, rms + 1, at, &c, seconds)?);
    }
    // Chapter 7: deterministic rounds and Ben-Or, one round; the rotating coordinator.
    for (protocol, name, inputs) in [
        (
            flp::protocols::Protocol::Rounds,
            "deterministic rounds",
            &[0, 1][..],
        ),
        (
            flp::protocols::Protocol::Rounds,
            "deterministic rounds",
            &[0, 1, 1],
        ),
        (flp::protocols::Protocol::BenOr, "Ben-Or", &[0, 1]),
        (flp::protocols::Protocol::BenOr, "Ben-Or", &[0, 1, 1]),
    ] {
        let system = flp::valence::system(protocol, inputs, 1, 0);
        let make = || rounds_checker(&system);
        let bits: String = inputs.iter().map(|b| char::from(b'0' + b)).collect();
        let at = format!("inputs {bits}, 1 round");
        let (c, seconds) = both(&at, make, &outputs_and_disk, outputs, time)?;
        rows.push(row(name, 7, inputs.len(), at, &c, seconds)?);
    }
    let system = flp::coordinator::system(1, None).keeping_dead(true);
    let make = || flp::coordinator::checker(&system);
    let at = "inputs 010, 1 round".to_owned();
    let (c, seconds) = both(&at, make, &outputs_and_disk, outputs, time)?;
    rows.push(row("rotating coordinator", 7, 3, at, &c, seconds)?);
    // Chapter 9: ABD, a write and a concurrent read.
    for servers in 2..=3 {
        let system = abd::check::system(
            servers,
            Variant::Abd,
            Faults::default(),
            Scenario::WriteRead.clients(),
        )
        .keeping_dead(true);
        let make = || abd::check::checker(&system);
        let at = format!("{servers} servers, a write and a read");
        let history = |s: &Global<abd::register::Abd>| fingerprint(s.history());
        let (c, seconds) = both(&at, make, &outputs_and_disk, history, time)?;
        rows.push(row("ABD", 9, servers, at, &c, seconds)?);
    }
    // Chapter 11: single-decree Paxos, two proposers with a ballot each.
    for acceptors in 1..=3 {
        let system = paxos_system(acceptors, None, Faults::default());
        let make = || paxos::check::safety(&system);
        let at = format!(
            "{}, 2 proposers, 1 ballot each",
            notebook::count(acceptors as u64, "acceptor")
        );
        let (c, seconds) = both(&at, make, &paxos::check::view, paxos_read, time)?;
        rows.push(row("Paxos", 11, acceptors + 2, at, &c, seconds)?);
    }
    // Chapter 12: Multi-Paxos, one command.
    let system = multipaxos_system(None);
    let make = || multipaxos::check::safety(&system);
    let at = "3 replicas, 1 candidate, 1 command".to_owned();
    let (c, seconds) = both(&at, make, &multipaxos::check::view, multipaxos_read, time)?;
    rows.push(row("Multi-Paxos", 12, 3, at, &c, seconds)?);
    Ok(rows)
}

/// The planted bugs the model checker catches in their chapters, searched for both ways:
/// all but those of [`left_out`], which the reduced search does not find in time.
pub fn bugs() -> Result<Vec<Caught>, String> {
    let mut found = Vec::new();
    let system = commit(3, true);
    let bug = "hasty TM, 3 RMs";
    let make = || modelcheck::commit::checker(&system);
    let (c, _) = both(bug, make, &outputs_and_disk, outputs, false)?;
    found.push(caught("two-phase commit", 5, bug.into(), &c));
    let mut system =
        flp::valence::system(flp::protocols::Protocol::BenOr, &[0, 1, 1], 2, 0);
    (system.initial.iter_mut()).for_each(|p| p.majority_of_received = true);
    let bug = "majority of the reports received, inputs 011, 2 rounds";
    let make = || rounds_checker(&system);
    let (c, _) = both(bug, make, &outputs_and_disk, outputs, false)?;
    found.push(caught("Ben-Or", 7, bug.into(), &c));
    let restarts = Faults {
        crashes: 1,
        restarts: true,
        ..Faults::default()
    };
    for (variant, faults, scenario, bug) in [
        (
            Variant::NoWriteBack,
            Faults::default(),
            Scenario::WriteReadRead,
            "no write-back, 3 servers, a write and two reads",
        ),
        (
            Variant::Forgetful,
            restarts,
            Scenario::WriteRead,
            "forgetful replica, 3 servers, a write and a read, a restart",
        ),
    ] {
        let system =
            abd::check::system(3, variant, faults, scenario.clients()).keeping_dead(true);
        let make = || abd::check::checker(&system);
        let history = |s: &Global<abd::register::Abd>| fingerprint(s.history());
        let (c, _) = both(bug, make, &outputs_and_disk, history, false)?;
        found.push(caught("ABD", 9, bug.into(), &c));
    }
    let restarts = Faults {
        crashes: 1,
        restarts: true,
        crash_below: Some(3), // an acceptor's crash and restart
        ..Faults::default()
    };
    use paxos::paxos::Bug;
    for (bug, faults, name) in [
        (Bug::IgnoresAccepted, Faults::default(), "ignores accepted"),
        (Bug::HastyLearner, Faults::default(), "hasty learner"),
        (
            Bug::ForgetsPromise,
            restarts,
            "forgets its promise, an acceptor restarts",
        ),
    ] {
        let system = paxos_system(3, Some(bug), faults);
        let make = || paxos::check::safety(&system);
        let bug = format!("{name}, 3 acceptors, 2 proposers");
        let (c, _) = both(&bug, make, &paxos::check::view, paxos_read, false)?;
        found.push(caught("Paxos", 11, bug, &c));
    }
    let system = multipaxos_system(Some(multipaxos::replica::Bug::AppliesAccepted));
    let make = || multipaxos::check::safety(&system);
    let bug = "applies accepted, 3 replicas, 1 command";
    let (c, _) = both(bug, make, &multipaxos::check::view, multipaxos_read, false)?;
    found.push(caught("Multi-Paxos", 12, bug.into(), &c));
    let skips = Some(multipaxos::replica::Bug::SkipsRecovery);
    let system =
        multipaxos::check::system(2, 1, skips, Faults::default()).keeping_dead(true);
    let make = || multipaxos::check::safety(&system);
    let bug = "skips recovery, 3 replicas, 2 candidates, 1 command";
    let (c, _) = both(bug, make, &multipaxos::check::view, multipaxos_read, false)?;
    found.push(caught("Multi-Paxos", 12, bug.into(), &c));
    Ok(found)
}

/// What one search for a planted bug found, and what it cost.
#[derive(Clone, Debug)]
pub struct Hunt {
    /// The invariant found broken, and the length of the trace.
    pub found: Option<(String, usize)>,
    /// Distinct states met (visited, for the reduced search).
    pub states: usize,
    /// Successors computed.
    pub steps: usize,
    /// The bound that stopped the search, if one did.
    pub stopped: Option<modelcheck::Stop>,
}

/// A planted bug left out of [`bugs`], searched for both ways within a bound of steps.
#[derive(Clone, Debug)]
pub struct LeftOut {
    /// The system, as its chapter names it.
    pub system: &'static str,
    /// Its chapter.
    pub chapter: u32,
    /// The bug and the configuration searched.
    pub bug: &'static str,
    /// The full search, then the reduced one.
    pub searches: [Hunt; 2],
}

/// Both searches for a planted bug, each stopped after `limit` steps.
fn hunt<'a, P: Process>(
    make: impl Fn() -> Checker<'a, Processes<P>>,
    view: &(dyn Fn(&Global<P>, ProcessId) -> u64 + Sync),
    limit: usize,
) -> [Hunt; 2] {
    let result = |report: modelcheck::Report<Processes<P>>| Hunt {
        found: (report.violation).map(|v| (v.invariant, v.trace.len() - 1)),
        states: report.distinct,
        steps: report.generated,
        stopped: report.stopped,
    };
    let full = result(make().unbounded().max_steps(limit).run());
    let reduced = result(make().unbounded().max_steps(limit).run_reduced(view).report);
    [full, reduced]
}

/// The planted bugs [`bugs`] leaves out, each searched for both ways for at most `limit`
/// steps: the reduced search is what fails to find them within the bound (and, for
/// Paxos's, the full search too: chapter 11 finds it with dead messages dropped and
/// symmetry).
pub fn left_out(limit: usize) -> Vec<LeftOut> {
    let mut found = Vec::new();
    let system =
        flp::coordinator::system(2, Some(flp::coordinator::Bug::IgnoresTimestamps))
            .keeping_dead(true);
    found.push(LeftOut {
        system: "rotating coordinator",
        chapter: 7,
        bug: "ignores timestamps, inputs 010, 2 rounds",
        searches: hunt(
            || flp::coordinator::checker(&system),
            &outputs_and_disk,
            limit,
        ),
    });
    let lowest = Some(paxos::paxos::Bug::LowestAccepted);
    let system =
        paxos::check::system(3, 2, 2, lowest, Faults::default()).keeping_dead(true);
    found.push(LeftOut {
        system: "Paxos",
        chapter: 11,
        bug: "lowest accepted, 3 acceptors, 2 proposers, 2 ballots each",
        searches: hunt(|| paxos::check::safety(&system), &paxos::check::view, limit),
    });
    found
}

/// Two-phase commit as processes (chapter 5), dead messages kept as the reduced search
/// needs.
fn commit(rms: usize, hasty: bool) -> Processes<modelcheck::commit::Manager> {
    Processes::new(modelcheck::commit::managers(rms, hasty), Faults::default())
        .keeping_dead(true)
}

fn rounds_checker(
    system: &Processes<flp::protocols::Voter>,
) -> Checker<'_, Processes<flp::protocols::Voter>> {
    Checker::new(system)
        .invariant("agreement", flp::adversary::agreement)
        .invariant("validity", flp::adversary::validity)
}

fn paxos_system(
    acceptors: usize,
    bug: Option<paxos::paxos::Bug>,
    faults: Faults,
) -> Processes<paxos::paxos::Paxos> {
    paxos::check::system(acceptors, 2, 1, bug, faults).keeping_dead(true)
}

fn paxos_read(s: &Global<paxos::paxos::Paxos>) -> u64 {
    fingerprint(&(paxos::check::chosen_in(s), outputs(s)))
}

fn multipaxos_system(
    bug: Option<multipaxos::replica::Bug>,
) -> Processes<multipaxos::replica::Replica> {
    multipaxos::check::system(1, 1, bug, Faults::default()).keeping_dead(true)
}

fn multipaxos_read(s: &Global<multipaxos::replica::Replica>) -> u64 {
    fingerprint(&(multipaxos::check::chosen_in(s), outputs(s)))
}
