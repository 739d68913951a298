//! The programs of the chapter "FLP".

use crate::adversary::{self, Bounds, Outcome, valences};
use crate::protocols::{Message, Protocol};
use modelcheck::processes::diagram;
use notebook::{Error, Output};
use process::{Span, Time};
use std::fmt::Write;
use std::path::PathBuf;

/// A message, short, for diagrams.
pub fn label(m: &Message) -> String {
    match m {
        Message::Vote(v) => format!("vote {v}"),
        Message::Decide(v) => format!("decide {v}"),
        Message::Report { round, x } => format!("r{round} report {x}"),
        Message::Propose { round, v } => match v {
            Some(v) => format!("r{round} propose {v}"),
            None => format!("r{round} propose ?"),
        },
    }
}

/// Runs the FLP proof against a deterministic protocol: its safety, the valence of its
/// initial configurations, and the run that never decides.
#[derive(clap::Args, Debug)]
pub(crate) struct AdversaryArgs {
    /// The protocol: majority-of-rest (decide on n − 1 votes), wait-for-all (decide on
    /// all n votes), coordinator (process 0 decides for all), rounds (Ben-Or with the
    /// coin fixed to 0).
    #[arg(long, value_enum)]
    protocol: Protocol,
    /// Stages of the adversary's run, if it comes to that.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=100))]
    stages: u32,
    /// Processes (rounds: 3 at most).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=4))]
    n: u32,
    /// Where to draw the run [default: target/flp-PROTOCOL.svg].
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p flp -- adversary --protocol NAME --stages K`.
pub(crate) fn adversary(args: AdversaryArgs) -> Result<Output, Error> {
    let protocol = args.protocol;
    let n = args.n as usize;
    if protocol == Protocol::Rounds && n > 3 {
        return Err(Error::Usage(
            "rounds with n > 3 has too many configurations for the adversary's searches; \
             the lasso program finds its run that never decides: \
             cargo run --release -p flp -- lasso --inputs 0111"
                .into(),
        ));
    }
    let bounds = Bounds {
        rounds: u32::MAX,
        valence: 20_000,
        schedules: 200,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}, n = {n}, at most one process faulty",
        protocol.name()
    );
    let safety = adversary::safety(protocol, n, adversary::CHECKED_ROUNDS, |_| ());
    if let Some(caveat) = safety.caveat() {
        let _ = writeln!(out, "  {caveat}");
    } else if safety.violation.is_none() {
        let _ = writeln!(
            out,
            "agreement and validity hold in all {} configurations reachable with at most one\n\
             crash{}",
            safety.distinct,
            if protocol == Protocol::Rounds {
                format!(" (in the first {} rounds)", adversary::CHECKED_ROUNDS)
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(
        out,
        "valence of each initial configuration (inputs p0..p{}; at most {} configurations\n\
         explored for each decision value):",
        n - 1,
        bounds.valence
    );
    for (inputs, valence) in valences(protocol, n, bounds) {
        let bits: String = inputs.iter().map(|b| char::from(b'0' + b)).collect();
        let _ = writeln!(out, "  {bits}  {}", valence.name());
    }
    let path = args.svg.unwrap_or_else(|| {
        PathBuf::from("target").join(format!("flp-{}.svg", protocol.name()))
    });
    // The run to draw, and where each stage ends: (process, step, label).
    let (title, trace, ends) = match adversary::run(
        protocol,
        n,
        args.stages as usize,
        bounds,
    ) {
        Outcome::Unsafe { invariant, run } => {
            let _ = writeln!(
                out,
                "not even partially correct: {invariant} broken in {}:",
                notebook::count(run.len() as u64 - 1, "step")
            );
            steps(&mut out, &run);
            (
                format!("{}: {invariant} broken", protocol.name()),
                run,
                Vec::new(),
            )
        }
        Outcome::Trivial { never } => {
            let _ = writeln!(
                out,
                "not partially correct: no run decides {never} (condition (2) forbids a protocol\n\
                 that ignores its inputs)"
            );
            let s = crate::valence::system(protocol, &vec![never; n], bounds.rounds, 0);
            let root = crate::valence::initial(&s);
            (
                format!("{}: never decides {never}", protocol.name()),
                vec![(None, root)],
                Vec::new(),
            )
        }
        Outcome::Blocked {
            zero,
            one,
            p,
            states,
            run,
        } => {
            let bits =
                |v: &[u8]| v.iter().map(|b| char::from(b'0' + b)).collect::<String>();
            let _ = writeln!(
                out,
                "no initial configuration is bivalent: {} is 0-valent, {} is 1-valent, and\n\
                 they differ only in p{p}'s input. A run in which p{p} takes no steps looks the\n\
                 same from both, so it cannot decide (Lemma 2): of the {}\n\
                 it reaches, none decides. The run with p{p} crashed at the start, every message\n\
                 to the others received:",
                bits(&zero),
                bits(&one),
                notebook::count(states as u64, "configuration")
            );
            steps(&mut out, &run);
            (
                format!("{}: p{p} takes no steps, nobody decides", protocol.name()),
                run,
                Vec::new(),
            )
        }
        Outcome::Undecided {
            inputs,
            stages,
            run,
        } => {
            let bits: String = inputs.iter().map(|b| char::from(b'0' + b)).collect();
            let _ = writeln!(
                out,
                "{bits} is bivalent. The adversary (Lemma 3): each stage, the process at the head\n\
                 of the queue receives its earliest message last, after a schedule chosen to keep\n\
                 the configuration bivalent (both decisions still reachable, in so many steps):"
            );
            for (i, stage) in stages.iter().enumerate() {
                let p = stage.process;
                let _ = match &stage.oldest {
                    None => writeln!(out, "  stage {:>2}: p{p} receives ∅", i + 1),
                    Some(e) => writeln!(
                        out,
                        "  stage {:>2}: {} other steps, then p{p} receives \"{}\" from p{}; \
                         0 in {}, 1 in {} steps",
                        i + 1,
                        stage.before,
                        label(&e.message),
                        e.from,
                        stage.witnesses.0,
                        stage.witnesses.1
                    ),
                };
            }
            let last = &run.last().expect("a configuration").1;
            let rounds = last.all_processes().map(|p| p.round).max().unwrap_or(0);
            let _ = writeln!(
                out,
                "after {} stages and {} steps: no process has decided; round {rounds} reached",
                stages.len(),
                run.len() - 1
            );
            let mut ends = Vec::new();
            let mut at = 0;
            for (i, stage) in stages.iter().enumerate() {
                if stage.oldest.is_some() {
                    at += stage.before + 1;
                    ends.push((stage.process, at, format!("stage {}", i + 1)));
                }
            }
            (
                format!(
                    "{}: {} stages, still bivalent",
                    protocol.name(),
                    stages.len()
                ),
                run,
                ends,
            )
        }
        Outcome::Stuck { stages, run } => {
            let _ = writeln!(
                out,
                "the adversary found no bivalent continuation at stage {} within its bounds",
                stages.len() + 1
            );
            (format!("{}: stuck", protocol.name()), run, Vec::new())
        }
    };
    let mut files = Vec::new();
    if trace.len() > 1 {
        let mut picture = diagram(&title, &trace, None, label);
        picture
            .points
            .extend(ends.into_iter().map(|(lane, step, label)| {
                figures::spacetime::Point {
                    lane,
                    time: step as f64,
                    mark: figures::spacetime::PointMark::Note,
                    label,
                }
            }));
        let _ = writeln!(out, "diagram: {}", path.display());
        files.push((path, picture.to_svg().into_bytes()));
    } else {
        let _ = writeln!(
            out,
            "  (no process has anything to receive)\nno diagram: nothing happens"
        );
    }
    let mut output = Output {
        stdout: out,
        files,
        ..Output::default()
    };
    output.value("valence-bound", bounds.valence);
    output.value("safety-configurations", safety.distinct);
    Ok(output)
}

fn steps(out: &mut String, run: &crate::valence::Run) {
    out.push_str(&modelcheck::steps(run, None));
    let last = &run.last().expect("a configuration").1;
    for (p, decisions) in last.all_outputs().enumerate() {
        if !decisions.is_empty() {
            let _ = writeln!(out, "  p{p} decided {decisions:?}");
        }
    }
}

/// Ben-Or's randomized consensus: rounds to decide, over many seeds.
#[derive(clap::Args, Debug)]
pub(crate) struct BenOrArgs {
    /// Processes.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=15))]
    n: u32,
    /// Crashes tolerated, and crashing (the last f processes, early in the run); n > 2f.
    #[arg(long, default_value_t = 1)]
    f: u32,
    /// Seeds: 0, 1, ..., SEEDS - 1.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
    /// Plant the bug: propose v on at least half of the n − f reports received, rather
    /// than on more than half of all n.
    #[arg(long)]
    majority_of_received: bool,
}

/// `cargo run --release -p flp -- ben-or --n N --f F --seeds S
/// [--majority-of-received]`.
pub(crate) fn ben_or(args: BenOrArgs) -> Result<Output, Error> {
    let (n, f) = (args.n as usize, args.f as usize);
    if n <= 2 * f {
        return Err(Error::Usage(format!(
            "Ben-Or needs n > 2f: n = {n}, f = {f}; try --f {}",
            (n - 1) / 2
        )));
    }
    let inputs: String = crate::escapes::split(n)
        .iter()
        .map(|b| char::from(b'0' + b))
        .collect();
    let mut rounds = Vec::new();
    let (mut unsafe_runs, mut undecided, mut first_unsafe) = (0, 0, None);
    for seed in 0..args.seeds {
        let bug = args.majority_of_received;
        let run = crate::escapes::ben_or(n, f, seed, |p| p.majority_of_received = bug);
        if !(run.agreement && run.validity) {
            unsafe_runs += 1;
            first_unsafe.get_or_insert(seed);
        }
        match run.rounds {
            Some(r) => rounds.push(r),
            None => undecided += 1,
        }
    }
    rounds.sort_unstable();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}Ben-Or, n = {n}, f = {f} (the last {f} crashing in the first {}), inputs {inputs},\n\
         log-normal delays, {} seeds: rounds until every correct process decided",
        if args.majority_of_received {
            "The planted bug (propose on a majority of the reports received):\n"
        } else {
            ""
        },
        Span(crate::escapes::BEN_OR_CRASHES_WITHIN),
        args.seeds
    );
    let summary = RoundsSummary::of(&rounds);
    for r in 1..=summary.max {
        let count = rounds.iter().filter(|&&x| x == r).count();
        if count > 0 {
            let bar = "#".repeat((60 * count).div_ceil(rounds.len()));
            let _ = writeln!(out, "  {r:>4} {count:>6}  {bar}");
        }
    }
    let _ = writeln!(
        out,
        "  mean {:.2}, median {}, p99 {}, max {}; undecided {undecided}; \
         agreement or validity broken in {unsafe_runs}",
        summary.mean, summary.median, summary.p99, summary.max
    );
    if let Some(seed) = first_unsafe {
        let _ = writeln!(out, "  the first unsafe run: seed {seed}");
    }
    let mut output = Output::text(out);
    output.value("mean", format!("{:.2}", summary.mean));
    output.value("undecided", undecided);
    output.value("unsafe", unsafe_runs);
    output.value("seeds", args.seeds);
    Ok(output)
}

/// The rotating coordinator with a ◇P oracle (lying until it stabilizes) or with
/// doubling timeouts under partial synchrony.
#[derive(clap::Args, Debug)]
pub(crate) struct CoordinatorArgs {
    /// The failure detector.
    #[arg(long, value_enum)]
    detector: DetectorChoice,
    /// Processes.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=15))]
    n: u32,
    /// Crashes (the first f processes, early in the run); n > 2f.
    #[arg(long, default_value_t = 1)]
    f: u32,
    /// When the detector stabilizes, or GST, in ms.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    stable: u64,
    /// Seeds: 0, 1, ..., SEEDS - 1.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
    /// Message delays in ms: log-normal with this median (oracle), or uniform from
    /// this to twice this (timeout).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    delay: u64,
    /// Plant a bug: a coordinator proposes its own estimate, ignoring timestamps.
    #[arg(long, conflicts_with = "silence_is_consent")]
    ignores_timestamps: bool,
    /// Plant a bug: a coordinator decides when no nack came within the round's timeout
    /// (timeout only).
    #[arg(long)]
    silence_is_consent: bool,
}

/// The rotating coordinator's failure detector, on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DetectorChoice {
    /// ◇P, lying until --stable.
    Oracle,
    /// Timeouts that double every round; until GST = --stable the network is split
    /// anew every few milliseconds.
    Timeout,
}

/// `cargo run --release -p flp -- coordinator --detector oracle|timeout`.
pub(crate) fn coordinator(args: CoordinatorArgs) -> Result<Output, Error> {
    use crate::coordinator::{Bug, Detector};
    use std::time::Duration;
    let (n, f) = (args.n as usize, args.f as usize);
    if n <= 2 * f {
        return Err(Error::Usage(format!(
            "the rotating coordinator needs n > 2f: n = {n}, f = {f}"
        )));
    }
    let stable = process::Time::from_millis(args.stable);
    let delay = Duration::from_millis(args.delay);
    let bug = if args.ignores_timestamps {
        Some(Bug::IgnoresTimestamps)
    } else if args.silence_is_consent {
        if args.detector == DetectorChoice::Oracle {
            return Err(Error::Usage(
                "--silence-is-consent needs timeouts: use --detector timeout".into(),
            ));
        }
        Some(Bug::SilenceIsConsent)
    } else {
        None
    };
    let detectors: Vec<(String, Detector)> = if args.detector == DetectorChoice::Oracle {
        let oracle = Detector::Oracle {
            stable,
            crashed: Vec::new(),
        };
        vec![("◇P oracle".to_owned(), oracle)]
    } else {
        [1, 4, 16]
            .map(|ms| {
                let first = Duration::from_millis(ms);
                (
                    format!("timeout {}", Span(first)),
                    Detector::Timeout { first },
                )
            })
            .to_vec()
    };
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "rotating coordinator{}, n = {n}, f = {f}, {} crashing in the first {};\n\
         {} seeds; {};\n\
         time from then until every correct process decided",
        match bug {
            Some(Bug::IgnoresTimestamps) => " that ignores timestamps",
            Some(Bug::SilenceIsConsent) => " that takes silence for consent",
            None => "",
        },
        (0..f)
            .map(|p| format!("p{p}"))
            .collect::<Vec<_>>()
            .join(", "),
        Span(crate::escapes::COORDINATOR_CRASHES_WITHIN),
        args.seeds,
        if args.detector == DetectorChoice::Oracle {
            format!(
                "delays log-normal (median {}); the detector lies until {}",
                Span(delay),
                Span(stable - Time::ZERO)
            )
        } else {
            format!(
                "delays {}–{}; until GST at {},\n\
                 the network is split anew every {} (a message between sides is lost)",
                args.delay,
                Span(2 * delay),
                Span(stable - Time::ZERO),
                Span(crate::escapes::SPLIT_EVERY)
            )
        },
    );
    let _ = writeln!(
        output.stdout,
        "  {:<14} {:>8} {:>8} {:>7} {:>10} {:>8} {:>8} {:>7}",
        "detector",
        "decided",
        "before",
        "unsafe",
        "median ms",
        "p99 ms",
        "max ms",
        "rounds"
    );
    let one = detectors.len() == 1;
    for (name, detector) in detectors {
        let (mut before, mut unsafe_runs) = (0, 0);
        let mut after = Vec::new();
        let mut rounds = Vec::new();
        for seed in 0..args.seeds {
            let run =
                crate::escapes::rotating(n, f, (&detector, delay), bug, stable, seed);
            unsafe_runs += usize::from(!(run.agreement && run.validity));
            if let (Some(t), Some(r)) = (run.decided, run.rounds) {
                rounds.push(r);
                if t < stable {
                    before += 1;
                } else {
                    after.push(t.since(stable).as_nanos() as f64 / 1e6);
                }
            }
        }
        after.sort_by(f64::total_cmp);
        rounds.sort_unstable();
        let q = sim::quantile;
        let _ = writeln!(
            output.stdout,
            "  {name:<14} {:>8} {before:>8} {unsafe_runs:>7} {:>10.1} {:>8.1} {:>8.1} {:>7}",
            rounds.len(),
            q(&after, 0.5),
            q(&after, 0.99),
            after.last().copied().unwrap_or(f64::NAN),
            rounds.get(rounds.len() / 2).copied().unwrap_or(0)
        );
        if one {
            output.value("decided", rounds.len());
            output.value("before", before);
            output.value("unsafe", unsafe_runs);
            output.value("median-ms", format!("{:.1}", q(&after, 0.5)));
            output.value("seeds", args.seeds);
        }
    }
    let _ = writeln!(
        output.stdout,
        "decided: runs in which every correct process decided; before: of those, how many\n\
         decided before {}; median, p99, max: ms after it, over the others;\n\
         rounds: the median round of the last decision",
        if args.detector == DetectorChoice::Oracle {
            "the detector stopped lying"
        } else {
            "GST"
        }
    );
    Ok(output)
}

/// Writes a check's pass — every state explored, agreement and validity in each, and
/// `witness` reached — and its count of states; or the caveat that says why not.
fn passed<S: modelcheck::System>(
    output: &mut Output,
    report: &modelcheck::Report<S>,
    witness: &str,
) {
    if let Some(caveat) = report.caveat() {
        let _ = writeln!(output.stdout, "  {caveat}");
    } else {
        let _ = writeln!(
            output.stdout,
            "  {} states, all of them; agreement and validity hold in every one,\n  \
             and {witness}",
            report.distinct
        );
    }
    output.value("states", report.distinct);
}

/// Ben-Or model-checked: every input, every coin, every delivery order.
#[derive(clap::Args, Debug)]
pub(crate) struct BenOrCheckArgs {
    /// Rounds each process runs (three take about three minutes and 2 GB).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=3))]
    rounds: u32,
    /// Plant the bug: propose v on at least half of the n − f reports received, rather
    /// than on more than half of all n.
    #[arg(long)]
    majority_of_received: bool,
    /// Draw a violation into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p flp -- ben-or-check [--rounds R] [--majority-of-received]
/// [--svg PATH]`.
pub(crate) fn ben_or_check(args: BenOrCheckArgs) -> Result<Output, Error> {
    let bug = args.majority_of_received;
    let report = adversary::safety(Protocol::BenOr, 3, args.rounds, |p| {
        p.majority_of_received = bug
    });
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "Ben-Or{},\n\
         n = 3, f = 1, every input, at most one crash, each coin a branch,\n\
         every delivery order, at most {} each:",
        if bug {
            " proposing on a majority of the reports received"
        } else {
            ""
        },
        notebook::count(args.rounds, "round")
    );
    let Some(violation) = report.violation else {
        let witness = format!("some process decides in round {}", args.rounds);
        passed(&mut output, &report, &witness);
        return Ok(output);
    };
    let trace = &violation.trace;
    output.value("steps", trace.len() - 1);
    let first = &trace[0].1;
    let inputs: String = first
        .all_processes()
        .map(|p| char::from(b'0' + p.input))
        .collect();
    let _ = writeln!(
        output.stdout,
        "  {} broken after {} states, from inputs {inputs}, in {} steps:",
        violation.invariant,
        report.distinct,
        trace.len() - 1
    );
    output.stdout.push_str(&modelcheck::steps(trace, None));
    let last = &trace.last().expect("a state").1;
    for (p, voter) in last.all_processes().enumerate() {
        if let (Some(v), Some(round)) = (voter.decided, voter.decided_round) {
            let _ = writeln!(output.stdout, "  p{p} decided {v} in round {round}");
        }
    }
    if let Some(path) = args.svg {
        let picture = diagram("Ben-Or: agreement broken", trace, None, label);
        output.figure("diagram", path, picture.to_svg());
    }
    Ok(output)
}

/// Ben-Or's rounds against n: the chance that a run needs more than r rounds.
#[derive(clap::Args, Debug)]
pub(crate) struct RoundsArgs {
    /// Seeds per n: 0, 1, ..., SEEDS - 1.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
    /// Draw P(rounds > r) for each n into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p flp -- rounds --seeds S [--svg PATH]`.
pub(crate) fn rounds(args: RoundsArgs) -> Result<Output, Error> {
    use figures::chart::{Axis, Chart, Corner, Mark, Series};
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "Ben-Or, f crashing in the first {}, split inputs, {} seeds per row:\n\
         rounds until every correct process decided",
        Span(crate::escapes::BEN_OR_CRASHES_WITHIN),
        args.seeds
    );
    let _ = writeln!(
        output.stdout,
        "  {:>3} {:>3} {:>7} {:>7} {:>5} {:>5}",
        "n", "f", "mean", "median", "p99", "max"
    );
    let mut series = Vec::new();
    let mut longest = 1;
    let mut means = Vec::new();
    // Across n with f as large as Ben-Or allows (these are drawn), then across f at n = 7.
    let cases = [3usize, 5, 7, 9]
        .map(|n| (n, (n - 1) / 2))
        .into_iter()
        .chain((0..3).map(|f| (7, f)));
    for (n, f) in cases {
        if (n, f) == (7, 0) {
            let _ = writeln!(
                output.stdout,
                "  and at n = 7, fewer crashes tolerated and crashing:"
            );
        }
        let mut rounds: Vec<u32> = (0..args.seeds)
            .map(|seed| {
                crate::escapes::ben_or(n, f, seed, |_| ())
                    .rounds
                    .unwrap_or(u32::MAX)
            })
            .collect();
        rounds.sort_unstable();
        let RoundsSummary {
            mean,
            median,
            p99,
            max,
        } = RoundsSummary::of(&rounds);
        let _ = writeln!(
            output.stdout,
            "  {n:>3} {f:>3} {mean:>7.2} {median:>7} {p99:>5} {max:>5}"
        );
        means.push(((n, f), format!("{mean:.2}")));
        if 2 * f + 1 < n {
            continue;
        }
        longest = longest.max(max);
        let total = rounds.len() as f64;
        let points = (1..=max)
            .map(|r| {
                let above = rounds.iter().filter(|&&x| x > r).count() as f64;
                (f64::from(r), (above / total).max(0.5 / total))
            })
            .collect();
        series.push(Series {
            name: format!("n = {n}, f = {f}"),
            points,
            mark: Mark::Line,
        });
    }
    for ((n, f), mean) in means {
        output.value(&format!("mean-n{n}-f{f}"), mean);
    }
    if let Some(path) = args.svg {
        let chart = Chart {
            title: "Ben-Or: the chance a run needs more than r rounds".into(),
            x: Axis::linear("rounds r", 1.0..f64::from(longest)),
            y: Axis::log(
                "fraction of runs needing more than r rounds",
                (0.5 / args.seeds as f64)..1.0,
            ),
            series,
            legend: Corner::UpperRight,
        };
        output.figure("figure", path, chart.to_svg());
    }
    Ok(output)
}

/// Rounds to decide over many runs: their mean, nearest-rank median and 99th percentile
/// (`sim::quantile`), and the most.
struct RoundsSummary {
    mean: f64,
    median: f64,
    p99: f64,
    max: u32,
}

impl RoundsSummary {
    /// The summary of `sorted` round counts.
    fn of(sorted: &[u32]) -> RoundsSummary {
        let rounds: Vec<f64> = sorted.iter().copied().map(f64::from).collect();
        RoundsSummary {
            mean: rounds.iter().sum::<f64>() / rounds.len().max(1) as f64,
            median: sim::quantile(&rounds, 0.5),
            p99: sim::quantile(&rounds, 0.99),
            max: sorted.last().copied().unwrap_or(0),
        }
    }
}

/// The model checker's lasso for `rounds`: a run in which every message is received and
/// no process ever decides.
#[derive(clap::Args, Debug)]
pub(crate) struct LassoArgs {
    /// The inputs of p0, p1, ...: 3 to 5 bits, not all equal.
    #[arg(long, default_value = "011", value_parser = inputs)]
    inputs: Inputs,
    /// Laps of the loop to run and draw.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
    laps: u32,
    /// Draw the run into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// Inputs given as bits, one per process.
#[derive(Clone, Debug)]
struct Inputs(Vec<u8>);

fn inputs(s: &str) -> Result<Inputs, String> {
    let bits: Vec<u8> = s
        .chars()
        .map(|c| match c {
            '0' => Ok(0),
            '1' => Ok(1),
            _ => Err(format!("'{c}' is not a bit: expected inputs such as 011")),
        })
        .collect::<Result<_, _>>()?;
    if !(3..=5).contains(&bits.len()) {
        return Err(format!("{} inputs: expected 3 to 5", bits.len()));
    }
    if bits.iter().all(|&b| b == bits[0]) {
        return Err(
            "all inputs equal: validity forces the decision, no lasso exists".into(),
        );
    }
    Ok(Inputs(bits))
}

/// `cargo run --release -p flp -- lasso [--inputs BITS] [--laps K] [--svg PATH]`.
pub(crate) fn lasso(args: LassoArgs) -> Result<Output, Error> {
    let inputs = args.inputs.0;
    let n = inputs.len();
    let f = (n - 1) / 2;
    let bits = |v: &mut dyn Iterator<Item = u8>| {
        v.map(|b| char::from(b'0' + b)).collect::<String>()
    };
    let bound = 1_000_000;
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "rounds (Ben-Or with the coin fixed to 0), n = {n}, inputs {}, no process faulty.\n\
         One step of the model checker is one round: each process hears its own and {}\n\
         first, then its own and {}; the rest just after.",
        bits(&mut inputs.iter().copied()),
        notebook::count((n - f - 1) as u64, "other report"),
        notebook::count((n - f - 1) as u64, "other proposal")
    );
    let found = match crate::lasso::find(&inputs, args.laps as usize, bound) {
        Err(_) => {
            return Err(Error::Usage(format!(
                "more than {bound} configurations: too many to search"
            )));
        }
        Ok(None) => {
            let _ = writeln!(
                output.stdout,
                "no lasso: every fair run of these schedules decides"
            );
            return Ok(output);
        }
        Ok(Some(found)) => found,
    };
    let _ = writeln!(
        output.stdout,
        "{} lowered configurations. A lasso: {} to reach the loop, then a loop of\n\
         {}, {}:",
        found.states,
        notebook::count(found.rounds.0 as u64, "round"),
        notebook::count(found.rounds.1 as u64, "round"),
        notebook::count(found.lap as u64, "step")
    );
    let values = [
        ("configurations", found.states),
        ("prefix-rounds", found.rounds.0),
        ("loop-rounds", found.rounds.1),
        ("lap-steps", found.lap),
    ];
    let heard = |lists: &[Vec<usize>]| {
        lists
            .iter()
            .enumerate()
            .map(|(p, from)| {
                let from: Vec<String> = from.iter().map(|q| format!("p{q}")).collect();
                format!("p{p}←{}", from.join(","))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (r, round) in found.by_round(args.laps as usize).iter().enumerate() {
        let proposals: String = round
            .proposals
            .iter()
            .map(|v| match v {
                None => '-',
                Some(None) => '?',
                Some(Some(b)) => char::from(b'0' + b),
            })
            .collect();
        let mark = if r == found.rounds.0 { " (loop)" } else { "" };
        let _ = writeln!(
            output.stdout,
            "  round {:>2}: x = {}; reports first {}; proposals {proposals}, first {}{mark}",
            round.number,
            bits(&mut round.x.iter().copied()),
            heard(&round.reports_first),
            heard(&round.proposals_first),
        );
    }
    let last = &found.run.last().expect("a configuration").1;
    let _ = writeln!(
        output.stdout,
        "  then     x = {}, round {}",
        bits(&mut last.all_processes().map(|p| p.x)),
        last.process(0).round
    );
    let _ = writeln!(
        output.stdout,
        "the configuration after one lap (processes and messages in flight) is the one before\n\
         it with every round raised by {}: {}.\n\
         every message in flight when the loop starts is received within the lap: {}.\n\
         every process takes steps in every round, and nobody decides: an admissible run\n\
         that never decides.",
        found.raise,
        if found.repeats {
            "yes, so the loop repeats for ever"
        } else {
            "NO"
        },
        if found.admissible { "yes" } else { "NO" },
    );
    for (name, value) in values {
        output.value(name, value);
    }
    if let Some(path) = args.svg {
        let picture = diagram(
            "rounds: a lasso that never decides",
            &found.run,
            Some(found.loop_from),
            label,
        );
        output.figure("diagram", path, picture.to_svg());
    }
    Ok(output)
}

/// Partial synchrony measured: how long after GST the rotating coordinator with doubling
/// timeouts takes to decide, against its first timeout and the real message delay.
#[derive(clap::Args, Debug)]
pub(crate) struct TimingArgs {
    /// Processes; p0 crashes early in the run (f = 1).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(3..=9))]
    n: u32,
    /// GST in ms: until then the network is split anew every few milliseconds.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    gst: u64,
    /// Seeds per point: 0, 1, ..., SEEDS - 1.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
    /// Draw the median time after GST into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p flp -- timing [--n N] [--gst MS] [--seeds S]
/// [--svg PATH]`.
pub(crate) fn timing(args: TimingArgs) -> Result<Output, Error> {
    use crate::coordinator::Detector;
    use figures::chart::{Axis, Chart, Corner, Mark, Series};
    use std::time::Duration;
    let gst = process::Time::from_millis(args.gst);
    let n = args.n as usize;
    // First timeouts from 0.25 ms to 64 ms, four to a doubling; the table shows every
    // other one, the figure all of them.
    let firsts_us: Vec<u64> = (0..=32)
        .map(|k| (250.0 * 2f64.powf(f64::from(k) / 4.0)).round() as u64)
        .collect();
    let delays_ms = [1u64, 4, 16];
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "rotating coordinator with doubling timeouts, n = {}, f = 1 (p0 crashing in the first\n\
         {}), GST at {} ms, {} seeds per cell: median (and max) ms from GST until every\n\
         correct process decided, over the runs that decided after GST; and, with delays\n\
         of {}–{} ms, the median round in progress at GST",
        args.n,
        Span(crate::escapes::COORDINATOR_CRASHES_WITHIN),
        args.gst,
        args.seeds,
        delays_ms[0],
        2 * delays_ms[0]
    );
    let _ = write!(output.stdout, "  {:>13} {:>6}", "first timeout", "round");
    for d in delays_ms {
        let _ = write!(output.stdout, " {:>19}", format!("delay {d}–{} ms", 2 * d));
    }
    let _ = writeln!(output.stdout);
    let mut series: Vec<Series> = delays_ms
        .iter()
        .map(|d| Series {
            name: format!("delays {d}–{} ms", 2 * d),
            points: Vec::new(),
            mark: Mark::Line,
        })
        .collect();
    let mut unsafe_runs = 0;
    let mut highest: f64 = 1.0;
    // The shown rows' medians for delays of 1–2 and 4–8 ms, for the values below.
    let mut shifts = Vec::new();
    for (k, us) in firsts_us.into_iter().enumerate() {
        let shown = k % 2 == 0;
        let first = Duration::from_micros(us);
        let detector = Detector::Timeout { first };
        let mut row = String::new();
        let mut rounds = Vec::new();
        let mut medians = Vec::new();
        for (i, d) in delays_ms.into_iter().enumerate() {
            let delay = Duration::from_millis(d);
            let mut after = Vec::new();
            for seed in 0..args.seeds {
                let run =
                    crate::escapes::rotating(n, 1, (&detector, delay), None, gst, seed);
                unsafe_runs += usize::from(!(run.agreement && run.validity));
                if let Some(t) = run.decided.filter(|&t| t >= gst) {
                    after.push(t.since(gst).as_nanos() as f64 / 1e6);
                    let round = run.at_stable.iter().copied().max().unwrap_or(0);
                    if i == 0 {
                        rounds.push(f64::from(round));
                    }
                }
            }
            after.sort_by(f64::total_cmp);
            let median = sim::quantile(&after, 0.5);
            let max = after.last().copied().unwrap_or(f64::NAN);
            let _ = write!(row, " {:>19}", format!("{median:.1} ({max:.1})"));
            medians.push(median);
            if median.is_finite() {
                highest = highest.max(median);
                series[i].points.push((us as f64 / 1000.0, median));
            }
        }
        if shown {
            rounds.sort_by(f64::total_cmp);
            let round = sim::quantile(&rounds, 0.5);
            let _ = writeln!(
                output.stdout,
                "  {:>10} ms {round:>6}{row}",
                us as f64 / 1000.0
            );
            output.value(&format!("median-{us}us"), format!("{:.1}", medians[0]));
            output.value(&format!("round-{us}us"), round);
            shifts.push(medians[1] - medians[0]);
        }
    }
    // How much slower delays of 4–8 ms make the decision than delays of 1–2 ms: the
    // median shift over the shown rows, and how many rows lie within 3 ms of it.
    let mut sorted = shifts.clone();
    sorted.sort_by(f64::total_cmp);
    let shift = sim::quantile(&sorted, 0.5);
    output.value("shift-ms", format!("{shift:.0}"));
    output.value(
        "shift-rows",
        shifts.iter().filter(|d| (*d - shift).abs() <= 3.0).count(),
    );
    output.value("rows", shifts.len());
    let points = &series[0].points;
    let by_median = |a: &&(f64, f64), b: &&(f64, f64)| a.1.total_cmp(&b.1);
    let low = points.iter().min_by(by_median).copied().unwrap_or_default();
    let high = points.iter().max_by(by_median).copied().unwrap_or_default();
    let _ = writeln!(
        output.stdout,
        "over all {} first timeouts tried (four to a doubling; the table shows every other\n\
         one), delays {}–{} ms: medians from {:.1} ms (first timeout {} ms) to {:.1} ms\n\
         (first timeout {} ms)\n\
         agreement or validity broken in {unsafe_runs} runs",
        points.len(),
        delays_ms[0],
        2 * delays_ms[0],
        low.1,
        low.0,
        high.1,
        high.0
    );
    output.value("tried", points.len());
    output.value("low-median", format!("{:.1}", low.1));
    output.value("low-timeout", low.0);
    output.value("high-median", format!("{:.1}", high.1));
    output.value("high-timeout", high.0);
    if let Some(path) = args.svg {
        let chart = Chart {
            title: "Partial synchrony: decision time after GST".into(),
            x: Axis::log("first timeout (ms), doubling every round", 0.25..64.0),
            y: Axis::log("median time from GST to decision (ms)", 1.0..highest * 2.0),
            series,
            legend: Corner::LowerRight,
        };
        output.figure("figure", path, chart.to_svg());
    }
    Ok(output)
}

/// The rotating coordinator model-checked while its detector lies.
#[derive(clap::Args, Debug)]
pub(crate) struct CoordinatorCheckArgs {
    /// Rounds each process runs (the state space grows fast: 2 rounds take seconds, 3
    /// exceed the default bound).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=3))]
    rounds: u32,
    /// Plant the bug: a coordinator proposes its own estimate, ignoring timestamps.
    #[arg(long)]
    ignores_timestamps: bool,
    /// The most states to explore.
    #[arg(long, default_value_t = 3_000_000)]
    states: usize,
    /// Draw a violation into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p flp -- coordinator-check [--rounds R]
/// [--ignores-timestamps]`.
pub(crate) fn coordinator_check(args: CoordinatorCheckArgs) -> Result<Output, Error> {
    use crate::coordinator::{Bug, Message as M};
    let bug = args.ignores_timestamps.then_some(Bug::IgnoresTimestamps);
    let report = crate::coordinator::check(args.rounds, bug, args.states);
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "rotating coordinator{}, inputs 010,\n\
         a detector that never stops lying (each suspicion a branch),\n\
         every delivery order, at most {} each:",
        if bug.is_some() {
            " that ignores timestamps"
        } else {
            ""
        },
        notebook::count(args.rounds, "round")
    );
    let Some(violation) = report.violation else {
        let witness = format!(
            "round {}'s coordinator decides on its round's acks in some of them",
            args.rounds
        );
        passed(&mut output, &report, &witness);
        return Ok(output);
    };
    let trace = &violation.trace;
    output.value("steps", trace.len() - 1);
    let _ = writeln!(
        output.stdout,
        "  {} broken after {} states, in {} steps:",
        violation.invariant,
        report.distinct,
        trace.len() - 1
    );
    output.stdout.push_str(&modelcheck::steps(trace, None));
    let short = |m: &M| match m {
        M::Estimate { round, x, ts } => format!("r{round} estimate {x} ts {ts}"),
        M::Propose { round, x } => format!("r{round} propose {x}"),
        M::Ack { round } => format!("r{round} ack"),
        M::Nack { round } => format!("r{round} nack"),
        M::Decide(x) => format!("decide {x}"),
    };
    if let Some(path) = args.svg {
        let picture =
            diagram("rotating coordinator: agreement broken", trace, None, short);
        output.figure("diagram", path, picture.to_svg());
    }
    Ok(output)
}

/// The three escapes under the simulator's fault mixes.
#[derive(clap::Args, Debug)]
pub(crate) struct MixesArgs {
    /// Processes; crashes and partitions strike up to (n − 1)/2 of them.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(3..=9))]
    n: u32,
    /// Seeds per mix: 0, 1, ..., SEEDS - 1.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
}

/// `cargo run --release -p flp -- mixes [--n N] [--seeds S]`.
pub(crate) fn mixes(args: MixesArgs) -> Result<Output, Error> {
    use crate::escapes::{Escape, mixed};
    use sim::mixes::Mix;
    let n = args.n as usize;
    let escapes = [
        ("Ben-Or", Escape::BenOr),
        ("◇P oracle", Escape::Oracle),
        ("timeouts", Escape::Timeout),
    ];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "the three escapes, n = {n}, split inputs, {} seeds per mix: runs in which every\n\
         correct process decided within {} / runs that broke agreement or validity",
        args.seeds,
        Span(crate::escapes::MIXED_RUN)
    );
    let _ = write!(out, "  {:<12}", "mix");
    for (name, _) in escapes {
        let _ = write!(out, " {name:>14}");
    }
    let _ = writeln!(out);
    // Restarts and duplication are left out: the processes keep nothing on disk and count
    // messages rather than senders, as FLP's model (crash-stop, no duplicates) allows.
    let mixes = [
        Mix::Clean,
        Mix::Reordering,
        Mix::Latency,
        Mix::Crashes,
        Mix::Loss,
        Mix::Partition,
    ];
    for mix in mixes {
        let _ = write!(out, "  {:<12}", mix.name());
        for (_, escape) in escapes {
            let (mut decided, mut unsafe_runs) = (0, 0);
            for seed in 0..args.seeds {
                let run = mixed(escape, mix, n, seed);
                decided += usize::from(run.decided);
                unsafe_runs += usize::from(!run.safe);
            }
            let _ = write!(out, " {:>14}", format!("{decided} / {unsafe_runs}"));
        }
        let _ = writeln!(out);
    }
    Ok(Output {
        stdout: out,
        ..Output::default()
    })
}

/// The programs of chapter 7, "FLP": `cargo run --release -p flp -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "flp")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// The FLP proof run against a deterministic protocol.
    Adversary(AdversaryArgs),
    /// A run of deterministic rounds that never decides, as a lasso.
    Lasso(LassoArgs),
    /// Ben-Or's randomized consensus: rounds to decide over many seeds.
    BenOr(BenOrArgs),
    /// Ben-Or model-checked over its first rounds.
    BenOrCheck(BenOrCheckArgs),
    /// Ben-Or's rounds against n and f.
    Rounds(RoundsArgs),
    /// The rotating coordinator with an oracle or with doubling timeouts.
    Coordinator(CoordinatorArgs),
    /// The rotating coordinator model-checked while its detector lies.
    CoordinatorCheck(CoordinatorCheckArgs),
    /// Partial synchrony: decision time after GST against the first timeout.
    Timing(TimingArgs),
    /// The three escapes under the simulator's fault mixes.
    Mixes(MixesArgs),
}

/// Runs the program its arguments name: `flp PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("flp", args)?;
    match cli.program {
        Program::Adversary(args) => adversary(args),
        Program::Lasso(args) => lasso(args),
        Program::BenOr(args) => ben_or(args),
        Program::BenOrCheck(args) => ben_or_check(args),
        Program::Rounds(args) => rounds(args),
        Program::Coordinator(args) => coordinator(args),
        Program::CoordinatorCheck(args) => coordinator_check(args),
        Program::Timing(args) => timing(args),
        Program::Mixes(args) => mixes(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p flp -- adversary --protocol majority-of-rest --svg src/figures/flp-majority-of-rest.svg",
            "src/outputs/flp-majority-of-rest.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- adversary --protocol wait-for-all --svg src/figures/flp-wait-for-all.svg",
            "src/outputs/flp-wait-for-all.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- adversary --protocol coordinator",
            "src/outputs/flp-coordinator.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- adversary --protocol rounds --stages 12 --svg src/figures/flp-rounds.svg",
            "src/outputs/flp-rounds.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- lasso --svg src/figures/flp-lasso.svg",
            "src/outputs/flp-lasso.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- lasso --inputs 001",
            "src/outputs/flp-lasso-001.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p flp -- lasso --inputs 0111",
            "src/outputs/flp-lasso-4.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- ben-or-check",
            "src/outputs/flp-ben-or-check.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- ben-or --n 5 --f 2 --seeds 1000",
            "src/outputs/flp-ben-or.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- rounds --seeds 1000 --svg src/figures/flp-ben-or-rounds.svg",
            "src/outputs/flp-ben-or-rounds.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- ben-or --n 5 --f 2 --seeds 1000 --majority-of-received",
            "src/outputs/flp-ben-or-bug.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- ben-or-check --majority-of-received",
            "src/outputs/flp-ben-or-check-bug.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- coordinator --detector oracle",
            "src/outputs/flp-oracle.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- coordinator --detector timeout",
            "src/outputs/flp-timeout.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- coordinator --detector timeout --silence-is-consent",
            "src/outputs/flp-silence.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- timing --svg src/figures/flp-timing.svg",
            "src/outputs/flp-timing.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- coordinator --detector oracle --ignores-timestamps --seeds 1000",
            "src/outputs/flp-oracle-bug.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- mixes",
            "src/outputs/flp-mixes.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- coordinator-check --rounds 2",
            "src/outputs/flp-coordinator-check.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p flp -- coordinator-check --rounds 2 --ignores-timestamps --svg src/figures/flp-coordinator-check.svg",
            "src/outputs/flp-coordinator-check-bug.txt",
            crate::programs::run
        ),
    ]
}
