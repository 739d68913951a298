//! The programs of the chapter "Checking every execution".

use crate::checker::{Checker, Search};
use crate::two_phase::{TwoPhase, consistent};
use notebook::{Error, Output};
use std::fmt::Write;

/// Checks Lamport's TwoPhase commit specification exhaustively and prints what it
/// covered.
#[derive(clap::Args, Debug)]
pub(crate) struct TwoPhaseArgs {
    /// Resource managers (1 to 15).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=15))]
    rms: u32,
    /// Also check every size from --rms up to this one, one line each.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=15))]
    up_to: Option<u32>,
    /// Explore one representative of each class of states that differ only by a
    /// permutation of the resource managers.
    #[arg(long)]
    symmetry: bool,
    /// Depth-first instead of breadth-first.
    #[arg(long)]
    dfs: bool,
    /// Threads of the breadth-first search (the report is the same for any number).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
    /// Check the planted bug: a TM that commits once any manager has voted.
    #[arg(long)]
    bug: bool,
    /// Leave out the time and the rate (which differ from run to run).
    #[arg(long)]
    no_time: bool,
}

/// `cargo run --release -p modelcheck -- two-phase --rms N [--symmetry]`.
pub(crate) fn two_phase(args: TwoPhaseArgs) -> Result<Output, Error> {
    let last = args.up_to.unwrap_or(args.rms);
    if last < args.rms {
        return Err(Error::Usage(format!(
            "error: --up-to {last} is smaller than --rms {}\n",
            args.rms
        )));
    }
    let mut output = Output::default();
    let search = if args.dfs {
        Search::DepthFirst
    } else {
        Search::BreadthFirst
    };
    for rms in args.rms..=last {
        let system = TwoPhase {
            rms: rms as usize,
            commits_without_all_votes: args.bug,
        };
        let report = Checker::new(&system)
            .invariant("TCConsistent", |s| consistent(&system, s))
            .search(search)
            .symmetry(args.symmetry)
            .threads(args.threads as usize)
            .run();
        let _ = writeln!(
            output.stdout,
            "TwoPhase, {rms} resource managers{}{}{}",
            if args.symmetry { ", symmetry" } else { "" },
            if args.dfs { ", depth-first" } else { "" },
            if args.bug { ", planted bug" } else { "" }
        );
        let _ = writeln!(output.stdout, "  distinct states: {}", report.distinct);
        let _ = writeln!(output.stdout, "  states generated: {}", report.generated);
        let _ = writeln!(output.stdout, "  depth: {}", report.depth);
        if let Some(caveat) = report.caveat() {
            let _ = writeln!(output.stdout, "  {caveat}");
        }
        if !args.no_time {
            let _ = writeln!(
                output.stdout,
                "  time: {:.3} s ({:.0} states/s)",
                report.elapsed.as_secs_f64(),
                report.rate()
            );
        }
        let single = args.up_to.is_none();
        let mut values = vec![
            ("distinct", report.distinct.to_string()),
            ("generated", report.generated.to_string()),
            ("depth", report.depth.to_string()),
        ];
        match &report.violation {
            None => {
                let _ = writeln!(
                    output.stdout,
                    "  TCConsistent holds in every reachable state"
                );
            }
            Some(violation) => {
                let _ = writeln!(
                    output.stdout,
                    "  TCConsistent is violated after {}:",
                    notebook::count(violation.trace.len() as u64 - 1, "step")
                );
                values.push(("steps", (violation.trace.len() - 1).to_string()));
                for (i, (action, state)) in violation.trace.iter().enumerate() {
                    let step = action.map_or("initial".to_owned(), |a| format!("{a:?}"));
                    let _ = writeln!(
                        output.stdout,
                        "  {i:>3}. {step:<20} {}",
                        state.describe(rms as usize)
                    );
                }
            }
        }
        if single {
            for (name, value) in values {
                output.value(name, value);
            }
        }
    }
    Ok(output)
}

/// Checks two-phase commit written as message-passing processes.
#[derive(clap::Args, Debug)]
pub(crate) struct CommitArgs {
    /// Resource managers (1 to 5).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=5))]
    rms: u32,
    /// The network may lose messages.
    #[arg(long)]
    loss: bool,
    /// The network may duplicate messages.
    #[arg(long)]
    duplication: bool,
    /// Check the planted bug: a TM that commits on the first vote.
    #[arg(long)]
    bug: bool,
    /// Draw the counterexample, if any, into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<std::path::PathBuf>,
}

/// `cargo run --release -p modelcheck -- commit --rms N [--loss]
/// [--duplication]`.
pub(crate) fn commit(args: CommitArgs) -> Result<Output, Error> {
    use crate::commit::{Message, managers};
    use crate::processes::{Faults, Processes, diagram};
    let faults = Faults {
        loss: args.loss,
        duplication: args.duplication,
        ..Faults::default()
    };
    let system = Processes::new(managers(args.rms as usize, args.bug), faults);
    let report = crate::commit::checker(&system).run();
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "two-phase commit as processes: a TM and {} RMs{}{}{}",
        args.rms,
        if args.loss { ", lossy network" } else { "" },
        if args.duplication {
            ", duplicating network"
        } else {
            ""
        },
        if args.bug { ", planted bug" } else { "" }
    );
    let _ = writeln!(output.stdout, "  distinct states: {}", report.distinct);
    let _ = writeln!(output.stdout, "  states generated: {}", report.generated);
    let _ = writeln!(output.stdout, "  depth: {}", report.depth);
    output.value("distinct", report.distinct);
    if let Some(caveat) = report.caveat() {
        let _ = writeln!(output.stdout, "  {caveat}");
    }
    match report.violation {
        None if !report.proved() => {}
        None => {
            let _ = writeln!(
                output.stdout,
                "  consistent: no two managers announce different outcomes"
            );
        }
        Some(violation) => {
            output.value("steps", violation.trace.len() - 1);
            let _ = writeln!(
                output.stdout,
                "  consistent is violated after {}:",
                notebook::count(violation.trace.len() as u64 - 1, "step")
            );
            let started = &violation.trace[0].1;
            let outcomes: Vec<String> = (0..started.len())
                .filter_map(|p| started.outputs(p).first().map(|o| format!("p{p} {o:?}")))
                .collect();
            let _ = writeln!(
                output.stdout,
                "    0. start: each RM votes or aborts on its own ({})",
                outcomes.join(", ")
            );
            output
                .stdout
                .push_str(&crate::steps(&violation.trace, None));
            if let Some(path) = args.svg {
                let label = |m: &Message| format!("{m:?}");
                let title =
                    "Two-phase commit with a hasty TM: the shortest inconsistent run";
                let picture = diagram(title, &violation.trace, None, label);
                output.figure("  diagram", path, picture.to_svg());
            }
        }
    }
    Ok(output)
}

/// Two-phase commit as processes, searched in full and with partial-order reduction.
#[derive(clap::Args, Debug)]
pub(crate) struct ReductionArgs {
    /// The largest number of resource managers (every size from 1 up is searched).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=6))]
    up_to: u32,
    /// The network may lose messages.
    #[arg(long)]
    loss: bool,
    /// Draw the reduced search's states and steps, as shares of the full search's, into
    /// this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<std::path::PathBuf>,
}

/// `cargo run --release -p modelcheck -- reduction [--up-to N] [--loss] [--svg PATH]`.
pub(crate) fn reduction(args: ReductionArgs) -> Result<Output, Error> {
    use crate::checker::reduction::outputs_and_disk;
    use crate::commit::managers;
    use crate::processes::{Faults, Processes};
    use figures::{Axis, Chart, Corner, Mark, Series};
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "two-phase commit as processes{}: the full search and the reduced one
",
        if args.loss { ", lossy network" } else { "" }
    );
    let _ = writeln!(
        output.stdout,
        "{:>4} {:>10} {:>11} {:>10} {:>11} {:>11}",
        "RMs", "reachable", "full steps", "visited", "steps", "executions"
    );
    let (mut visited, mut steps) = (Vec::new(), Vec::new());
    for rms in 1..=args.up_to as usize {
        let system = Processes::new(
            managers(rms, false),
            Faults {
                loss: args.loss,
                ..Faults::default()
            },
        )
        .keeping_dead(true); // as the reduced search needs
        let checker = || crate::commit::checker(&system);
        let full = checker().run();
        let reduced = checker().run_reduced(&outputs_and_disk);
        let r = &reduced.report;
        if !(full.proved() && r.complete && r.violation.is_none()) {
            return Err(Error::Failed(format!(
                "{rms} RMs: a search did not complete, or found a violation"
            )));
        }
        let _ = writeln!(
            output.stdout,
            "{rms:>4} {:>10} {:>11} {:>10} {:>11} {:>11}",
            full.distinct, full.generated, r.distinct, r.generated, reduced.executions
        );
        visited.push((rms as f64, r.distinct as f64 / full.distinct as f64));
        steps.push((rms as f64, r.generated as f64 / full.generated as f64));
    }
    let last = |points: &[(f64, f64)]| points.last().map_or(1.0, |p| p.1);
    output.value("rms", args.up_to);
    output.value("visited", format!("{:.2}", last(&visited)));
    output.value("steps", format!("{:.2}", last(&steps)));
    if let Some(path) = args.svg {
        let high = visited.iter().chain(&steps).fold(1f64, |h, p| h.max(p.1));
        let chart = Chart {
            title: "Partial-order reduction on two-phase commit".into(),
            x: Axis::linear("resource managers", 0.5..args.up_to as f64 + 0.5),
            y: Axis::linear("share of the full search", 0.0..high * 1.1),
            series: vec![
                Series::new("steps computed", steps, Mark::Line),
                Series::new("distinct states visited", visited, Mark::Line),
                Series::new(
                    "the full search",
                    vec![(0.5, 1.0), (args.up_to as f64 + 0.5, 1.0)],
                    Mark::Dashed,
                ),
            ],
            legend: Corner::LowerLeft,
        };
        output.figure("\nfigure", path, chart.to_svg());
    }
    Ok(output)
}

/// Checks the pre-emption protocol: safe, but with a fair cycle that never decides.
#[derive(clap::Args, Debug)]
pub(crate) struct PreemptionArgs {
    /// Draw the lasso into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<std::path::PathBuf>,
}

/// `cargo run --release -p modelcheck -- preemption`.
pub(crate) fn preemption(args: PreemptionArgs) -> Result<Output, Error> {
    use crate::lasso;
    use crate::preemption::{ACCEPTOR, Message, Node, nodes};
    use crate::processes::{Faults, Global, Processes, diagram};
    let system = Processes::new(nodes(), Faults::default());
    let accepted = |s: &Global<Node>| match s.process(ACCEPTOR) {
        Node::Acceptor { accepted, .. } => *accepted,
        Node::Proposer { .. } => None,
    };
    let report = Checker::new(&system)
        .invariant("one accepted", |s| s.outputs(ACCEPTOR).len() <= 1)
        .run();
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "two proposers pre-empting each other at one acceptor"
    );
    let _ = writeln!(output.stdout, "  distinct states: {}", report.distinct);
    let _ = writeln!(
        output.stdout,
        "  safety (at most one proposal accepted): {}",
        match (&report.violation, report.caveat()) {
            (Some(_), _) => "VIOLATED".to_owned(),
            (None, Some(caveat)) => caveat,
            (None, None) => "holds in every reachable state".to_owned(),
        }
    );
    match lasso::find(&system, |s| accepted(s).is_some(), 100_000) {
        Err(lasso::Incomplete::TooManyStates(n)) => {
            let _ = writeln!(output.stdout, "  liveness: not decided within {n} states");
        }
        Ok(None) => {
            let _ = writeln!(
                output.stdout,
                "  liveness: every fair execution accepts a proposal"
            );
        }
        Ok(Some(found)) => {
            let _ = writeln!(
                output.stdout,
                "  liveness (a proposal is eventually accepted): VIOLATED by a fair lasso,\n  \
                 {} to reach a loop of {} that repeats forever:",
                notebook::count(found.prefix.len() as u64 - 1, "step"),
                notebook::count(found.cycle.len() as u64, "step")
            );
            output.value("prefix-steps", found.prefix.len() - 1);
            output.value("loop-steps", found.cycle.len());
            let mut trace = found.prefix.clone();
            trace.extend(
                found
                    .cycle
                    .iter()
                    .map(|(a, s)| (Some(a.clone()), s.clone())),
            );
            output
                .stdout
                .push_str(&crate::steps(&trace, Some(found.prefix.len())));
            if let Some(path) = args.svg {
                let label = |m: &Message| format!("{m:?}");
                let title =
                    "Pre-emption: a fair execution in which nothing is ever accepted";
                let picture = diagram(title, &trace, Some(found.prefix.len() - 1), label);
                output.figure("  diagram", path, picture.to_svg());
            }
        }
    }
    Ok(output)
}

/// Counts the states of TwoPhase for growing numbers of resource managers and draws them.
#[derive(clap::Args, Debug)]
pub(crate) struct ExplosionArgs {
    /// The largest number of resource managers (1 to 12).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=12))]
    up_to: u32,
    /// Draw the counts into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<std::path::PathBuf>,
}

/// `cargo run --release -p modelcheck -- explosion --up-to N [--svg PATH]`.
pub(crate) fn explosion(args: ExplosionArgs) -> Result<Output, Error> {
    use figures::{Axis, Chart, Corner, Mark, Series};
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "{:>4} {:>12} {:>14} {:>6} {:>10}",
        "RMs", "distinct", "generated", "depth", "symmetry"
    );
    let (mut plain, mut reduced) = (Vec::new(), Vec::new());
    for rms in 1..=args.up_to as usize {
        let system = TwoPhase {
            rms,
            commits_without_all_votes: false,
        };
        let full = Checker::new(&system).run();
        let sym = Checker::new(&system).symmetry(true).run();
        let _ = writeln!(
            output.stdout,
            "{rms:>4} {:>12} {:>14} {:>6} {:>10}",
            full.distinct, full.generated, full.depth, sym.distinct
        );
        for caveat in [full.caveat(), sym.caveat()].into_iter().flatten() {
            let _ = writeln!(output.stdout, "     {caveat}");
        }
        plain.push((rms as f64, full.distinct as f64));
        reduced.push((rms as f64, sym.distinct as f64));
    }
    // The mean factor from one size to the next: the geometric mean of the ratios.
    if let (Some(first), Some(last)) = (plain.first(), plain.last())
        && plain.len() > 1
    {
        let growth = (last.1 / first.1).powf(1.0 / (plain.len() - 1) as f64);
        output.value("growth", format!("{growth:.1}"));
        output.value("largest-rms", args.up_to);
        output.value("largest-distinct", last.1);
        output.value("largest-symmetry", reduced.last().map_or(0.0, |r| r.1));
    }
    if let Some(path) = args.svg {
        let top = plain.last().map_or(10.0, |p| p.1) * 3.0;
        let chart = Chart {
            title: "State explosion: TwoPhase's distinct states".into(),
            x: Axis::linear("resource managers", 0.5..args.up_to as f64 + 0.5),
            y: Axis::log("distinct states", 1.0..top),
            series: vec![
                Series::new("every state", plain, Mark::Line),
                Series::new("up to symmetry", reduced, Mark::Line),
            ],
            legend: Corner::UpperLeft,
        };
        output.figure("\nfigure", path, chart.to_svg());
    }
    Ok(output)
}

/// The comparison with Stateright, from the measurements file.
#[derive(clap::Args, Debug)]
pub(crate) struct SpeedArgs {
    /// The measurements, as `comparisons/stateright/measure.sh` writes them.
    #[arg(long, default_value = "listings/modelcheck/measurements.csv")]
    times: std::path::PathBuf,
}

/// The checkers the measurements compare, in the order the table shows them.
const CHECKERS: [(&str, &str); 4] = [
    ("book", "the book's (BFS, 1 thread)"),
    ("book-2", "the book's (BFS, 2 threads)"),
    ("stateright", "Stateright, same model"),
    ("stateright-2pc", "Stateright's 2pc (DFS)"),
];

/// (checker, RMs) → the (distinct states, seconds, peak KiB) of each repetition.
type Samples = std::collections::BTreeMap<(String, u32), Vec<(u64, f64, f64)>>;

/// `cargo run --release -p modelcheck -- speed`.
pub(crate) fn speed(args: SpeedArgs) -> Result<Output, Error> {
    let text = std::fs::read_to_string(&args.times)
        .map_err(|e| Error::Failed(format!("{}: {e}", args.times.display())))?;
    let mut samples: Samples = std::collections::BTreeMap::new();
    let mut output = Output::default();
    for (i, line) in text.lines().enumerate() {
        if let Some(comment) = line.strip_prefix("# ") {
            if !comment.starts_with("comparisons/") {
                let _ = writeln!(output, "{comment}");
            }
            continue;
        }
        if line.starts_with("checker,") || line.trim().is_empty() {
            continue;
        }
        let bad = || {
            Error::Failed(format!(
                "{}:{}: expected checker,rms,repetition,distinct,seconds,peak_kib with positive \
                 numbers, found `{line}`",
                args.times.display(),
                i + 1
            ))
        };
        let f: Vec<&str> = line.split(',').collect();
        let [checker, rms, _, distinct, seconds, peak] = f.as_slice() else {
            return Err(bad());
        };
        if !CHECKERS.iter().any(|(c, _)| c == checker) {
            return Err(bad());
        }
        let positive =
            |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite() && *x > 0.0);
        let sample = (
            distinct.parse().map_err(|_| bad())?,
            positive(seconds).ok_or_else(bad)?,
            positive(peak).ok_or_else(bad)?,
        );
        let rms: u32 = rms.parse().map_err(|_| bad())?;
        samples
            .entry(((*checker).to_owned(), rms))
            .or_default()
            .push(sample);
    }
    if samples.is_empty() {
        return Err(Error::Failed(format!(
            "{} holds no measurements",
            args.times.display()
        )));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let _ = writeln!(
        output,
        "\nmedian of each checker's runs; x book: its time, or its memory, over the book's\n"
    );
    let _ = writeln!(
        output,
        "{:>4} {:>10}  {:<26} {:>8} {:>7} {:>7} {:>7}",
        "RMs", "distinct", "checker", "seconds", "x book", "MiB", "x book"
    );
    let all_rms: std::collections::BTreeSet<u32> = samples.keys().map(|k| k.1).collect();
    for rms in all_rms {
        let mut book = None;
        let mut distinct = None;
        for (checker, name) in CHECKERS {
            let Some(runs) = samples.get(&(checker.to_owned(), rms)) else {
                continue;
            };
            // Every checker and repetition must count the same states.
            for &(d, _, _) in runs {
                if *distinct.get_or_insert(d) != d {
                    return Err(Error::Failed(format!(
                        "{}: {checker} counts {d} states for {rms} RMs, another count {}",
                        args.times.display(),
                        distinct.unwrap_or_default()
                    )));
                }
            }
            let seconds = median(&mut runs.iter().map(|r| r.1).collect());
            let mib = median(&mut runs.iter().map(|r| r.2).collect()) / 1024.0;
            let (base_s, base_mib) = *book.get_or_insert((seconds, mib));
            let first = if checker == "book" {
                format!("{rms:>4} {:>10}", distinct.unwrap_or_default())
            } else {
                format!("{:>4} {:>10}", "", "")
            };
            let (speed, memory) = (seconds / base_s, mib / base_mib);
            if checker == "book" {
                let _ = writeln!(
                    output,
                    "{first}  {name:<26} {seconds:>8.2} {:>7} {mib:>7.1}",
                    ""
                );
            } else {
                output.value(&format!("{checker}-{rms}-speed"), format!("{speed:.1}"));
                output.value(&format!("{checker}-{rms}-memory"), format!("{memory:.2}"));
                let _ = writeln!(
                    output,
                    "{first}  {name:<26} {seconds:>8.2} {speed:>7.1} {mib:>7.1} {memory:>7.2}"
                );
            }
        }
    }
    let repetitions = samples.values().map(Vec::len).min().unwrap_or(0);
    output.value("repetitions", repetitions);
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(csv: &str) -> Result<Output, Error> {
        let dir = std::env::temp_dir().join("modelcheck-speed-test");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}.csv", csv.len()));
        std::fs::write(&path, csv).unwrap();
        speed(SpeedArgs { times: path })
    }

    /// What chapter 5 reads off the reduction's table and Figure 5.3, up to five RMs as the
    /// book runs it: fewer states visited and fewer steps computed than the full search at
    /// every size, and both as a share of the full search's falling as RMs are added.
    #[test]
    fn the_reduction_visits_fewer_states_and_computes_fewer_steps() {
        let text = reduction(ReductionArgs {
            up_to: 5,
            loss: false,
            svg: None,
        })
        .unwrap()
        .stdout;
        let rows: Vec<Vec<usize>> = (text.lines())
            .filter_map(|l| l.split_whitespace().map(|w| w.parse().ok()).collect())
            .filter(|row: &Vec<usize>| !row.is_empty())
            .collect();
        assert_eq!(rows.len(), 5, "{text}");
        let mut shares = Vec::new();
        for row in &rows {
            let &[_, reachable, full_steps, visited, steps, _] = row.as_slice() else {
                panic!("{text}");
            };
            assert!(visited < reachable && steps < full_steps, "{text}");
            let share = |a: usize, b: usize| a as f64 / b as f64;
            shares.push((share(visited, reachable), share(steps, full_steps)));
        }
        let falls = |w: &[(f64, f64)]| w[1].0 < w[0].0 && w[1].1 < w[0].1;
        assert!(shares.windows(2).all(falls), "{text}");
        // Quickly up to three RMs, slowly after: from three to five, less than a third of
        // the fall from one to three.
        let (one, three, five) = (shares[0], shares[2], shares[4]);
        assert!(three.0 - five.0 < (one.0 - three.0) / 3.0, "{text}");
        assert!(three.1 - five.1 < (one.1 - three.1) / 3.0, "{text}");
    }

    #[test]
    fn the_speed_report_refuses_differing_counts() {
        let same = "book,3,1,288,0.5,100\nstateright,3,1,288,1.0,200\n";
        let text = report(same).unwrap().stdout;
        assert!(text.contains("2.0"), "{text}");
        let differ = "book,3,1,288,0.5,100\nstateright,3,1,289,1.0,200\n";
        assert!(
            matches!(report(differ), Err(Error::Failed(m)) if m.contains("another count"))
        );
        assert!(
            matches!(report("# nothing\n"), Err(Error::Failed(m)) if m.contains("no measurements"))
        );
        assert!(
            matches!(report("book,3,1,288,0,100\n"), Err(Error::Failed(m)) if m.contains(":1:"))
        );
    }
}

/// The programs of chapter 5, "Checking every execution": `cargo run --release -p modelcheck -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "modelcheck")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// Lamport's TwoPhase commit specification, checked exhaustively.
    TwoPhase(TwoPhaseArgs),
    /// TwoPhase's states for growing numbers of resource managers.
    Explosion(ExplosionArgs),
    /// Two-phase commit written as message-passing processes, checked.
    Commit(CommitArgs),
    /// Two proposers pre-empting each other at one acceptor: a fair lasso.
    Preemption(PreemptionArgs),
    /// Two-phase commit as processes, with and without partial-order reduction.
    Reduction(ReductionArgs),
    /// The comparison with Stateright, from its measurements file.
    Speed(SpeedArgs),
}

/// Runs the program its arguments name: `modelcheck PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("modelcheck", args)?;
    match cli.program {
        Program::TwoPhase(args) => two_phase(args),
        Program::Explosion(args) => explosion(args),
        Program::Commit(args) => commit(args),
        Program::Preemption(args) => preemption(args),
        Program::Reduction(args) => reduction(args),
        Program::Speed(args) => speed(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p modelcheck -- two-phase --rms 3 --no-time",
            "src/outputs/modelcheck-two-phase.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p modelcheck -- explosion --up-to 9 --svg src/figures/modelcheck-explosion.svg",
            "src/outputs/modelcheck-explosion.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p modelcheck -- two-phase --rms 3 --bug --no-time",
            "src/outputs/modelcheck-two-phase-bug.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p modelcheck -- commit --rms 3",
            "src/outputs/modelcheck-commit.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p modelcheck -- commit --rms 3 --loss --duplication",
            "src/outputs/modelcheck-commit-faults.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p modelcheck -- commit --rms 3 --bug --svg src/figures/modelcheck-commit-bug.svg",
            "src/outputs/modelcheck-commit-bug.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p modelcheck -- preemption --svg src/figures/modelcheck-preemption.svg",
            "src/outputs/modelcheck-preemption.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p modelcheck -- reduction --up-to 5 --svg src/figures/modelcheck-reduction.svg",
            "src/outputs/modelcheck-reduction.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p modelcheck -- speed",
            "src/outputs/modelcheck-speed.txt",
            crate::programs::run
        ),
    ]
}
