//! The programs of the chapter "Quorums".

use crate::check::{Clients, Scenario, checker, system};
use crate::measure::{Load, ONE_DELAY, latencies, measure, one_delay, with_crashed};
use crate::register::{Variant, request_label, response_label, short};
use crate::simulate::{self, CLIENT_TIMEOUT, Mix};
use figures::chart::{Axis, Chart, Corner, Mark, Series};
use linearizability::explain::Describe;
use linearizability::models::{RegisterOp, RegisterRet};
use modelcheck::processes::{Faults, diagram_with};
use notebook::{Error, Output};
use process::Span;
use process::{History, ProcessId};
use sim::quantile;
use sim::{Config, Latency};
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Checks every execution of a small register: linearizability of the clients' history
/// in every reachable state.
#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    /// Processes (each a replica, and the coordinator of its clients' operations).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=5))]
    servers: u32,
    /// Who asks what, and where.
    #[arg(long, value_enum)]
    scenario: Scenario,
    /// The register.
    #[arg(long, value_enum, default_value = "abd")]
    variant: Variant,
    /// The network may deliver a message more than once.
    #[arg(long)]
    duplication: bool,
    /// At most this many crashes.
    #[arg(long, default_value_t = 0)]
    crashes: usize,
    /// A crashed process may restart from its disk.
    #[arg(long)]
    restarts: bool,
    /// Stop after this many states (the check is then incomplete, and says so).
    #[arg(long)]
    max_states: Option<usize>,
    /// Draw the shortest violating run, if any, into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p abd -- check --scenario S [--variant V] [faults]`.
pub(crate) fn check(args: CheckArgs) -> Result<Output, Error> {
    let clients: Clients = args.scenario.clients();
    if let Some(p) = clients.iter().flatten().map(|(p, _)| *p).max()
        && p >= args.servers as usize
    {
        return Err(Error::Usage(format!(
            "error: scenario {} needs at least {} servers\n",
            args.scenario.name(),
            p + 1
        )));
    }
    let faults = Faults {
        loss: false,
        duplication: args.duplication,
        crashes: args.crashes,
        restarts: args.restarts,
        crash_below: None,
        fifo: false,
    };
    let variant = args.variant;
    let system = system(args.servers as usize, variant, faults, clients.clone());
    let mut checker = checker(&system);
    if let Some(max) = args.max_states {
        checker = checker.max_states(max);
    }
    let report = checker.run();

    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "{:?} register, {} servers, scenario {}{}{}",
        variant,
        args.servers,
        args.scenario.name(),
        if args.duplication {
            ", duplication"
        } else {
            ""
        },
        match (args.crashes, args.restarts) {
            (0, _) => String::new(),
            (1, false) => ", at most 1 crash".to_owned(),
            (c, false) => format!(", at most {c} crashes"),
            (1, true) => ", at most 1 crash, then restarts".to_owned(),
            (c, true) => format!(", at most {c} crashes, then restarts"),
        }
    );
    for (c, requests) in clients.iter().enumerate() {
        let asks: Vec<String> = requests
            .iter()
            .map(|(p, r)| match r {
                RegisterOp::Write(v) => format!("write({v}) at p{p}"),
                _ => format!("read() at p{p}"),
            })
            .collect();
        let _ = writeln!(output.stdout, "  client {c}: {}", asks.join(", then "));
    }
    let _ = writeln!(output.stdout, "  distinct states: {}", report.distinct);
    let _ = writeln!(output.stdout, "  depth: {}", report.depth);
    if let Some(caveat) = report.caveat() {
        let _ = writeln!(output.stdout, "  {caveat}");
    }
    output.value("distinct", report.distinct);
    match report.violation {
        None if !report.proved() => {}
        None => {
            let _ = writeln!(output.stdout, "  every history is linearizable");
        }
        Some(violation) => {
            let steps = violation.trace.len() - 1;
            output.value("steps", steps);
            let _ = writeln!(
                output.stdout,
                "  not linearizable after {}:",
                notebook::count(steps as u64, "step")
            );
            output
                .stdout
                .push_str(&modelcheck::steps(&violation.trace, None));
            let last = &violation.trace[steps].1;
            let _ = writeln!(output.stdout, "  the history, in real-time order:");
            output.stdout.push_str(&history_text(last.history()));
            if let Some(path) = args.svg {
                let title =
                    format!("{variant:?}: the shortest run that is not linearizable");
                let picture = diagram_with(
                    &title,
                    &violation.trace,
                    None,
                    short,
                    request_label,
                    response_label,
                );
                output.figure("  diagram", path, picture.to_svg());
            }
        }
    }
    Ok(output)
}

/// Each operation of a model checker's history, with the order of its invocation and
/// response among all of them.
fn history_text(history: &History<RegisterOp, RegisterRet>) -> String {
    let mut out = String::new();
    for op in &history.operations {
        let response = op.returned.as_ref().map(|(r, _)| r);
        let span = match &op.returned {
            Some((_, at)) => {
                format!("events {}–{}", op.invoked.nanos() + 1, at.nanos() + 1)
            }
            None => format!("event {}–", op.invoked.nanos() + 1),
        };
        let _ = writeln!(
            out,
            "       client {} at p{}: {:<14} {span}",
            op.client,
            op.process,
            op.request.describe(response)
        );
    }
    out
}

/// Runs the register under every fault mix for many seeds and judges every history.
#[derive(clap::Args, Debug)]
pub(crate) struct SimulateArgs {
    /// Processes.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=15))]
    servers: u32,
    /// Seeds per mix: 0, 1, ..., SEEDS - 1.
    #[arg(long, default_value_t = 200)]
    seeds: u64,
    /// The register.
    #[arg(long, value_enum, default_value = "abd")]
    variant: Variant,
    /// Only this mix (default: every one).
    #[arg(long, value_enum)]
    mix: Option<Mix>,
}

/// `cargo run --release -p abd -- simulate --seeds S [--variant V] [--mix M]`.
pub(crate) fn simulate(args: SimulateArgs) -> Result<Output, Error> {
    let variant = args.variant;
    let n = args.servers as usize;
    let mixes: Vec<Mix> = match args.mix {
        Some(mix) => vec![mix],
        None => Mix::ALL.to_vec(),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{variant:?} register, {n} servers, 3 clients, {} seeds per mix",
        args.seeds
    );
    let _ = writeln!(
        out,
        "  {:<12} {:>10} {:>9} {:>10}  first violation",
        "mix", "operations", "open", "violating"
    );
    let (mut runs, mut violating) = (0, 0);
    for mix in mixes {
        let (mut operations, mut open, mut violations) = (0, 0, 0);
        let mut first = None;
        for seed in 0..args.seeds {
            let run = simulate::run(n, variant, mix, seed);
            operations += run.history.operations.len();
            open += run
                .history
                .operations
                .iter()
                .filter(|o| o.is_open())
                .count();
            if !run.linearizable {
                violations += 1;
                first.get_or_insert(seed);
            }
        }
        let _ = writeln!(
            out,
            "  {:<12} {operations:>10} {open:>9} {violations:>10}  {}",
            mix.name(),
            first.map_or("-".to_owned(), |s| format!("seed {s}"))
        );
        runs += args.seeds;
        violating += violations;
    }
    let mut output = Output::text(out);
    output.value("runs", runs);
    output.value("violating-runs", violating);
    Ok(output)
}

/// Counts message delays and messages per operation, one operation at a time, with
/// every message taking exactly as long.
#[derive(clap::Args, Debug)]
pub(crate) struct DelaysArgs {
    /// Operations of each kind per cluster size.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    operations: u32,
}

/// `cargo run --release -p abd -- delays`.
pub(crate) fn delays(args: DelaysArgs) -> Result<Output, Error> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "One client, one operation at a time, every message delayed exactly {};\n\
         delays = latency / {}, over {} operations of each kind (a range where they differ);\n\
         msgs: messages per operation; the last column is what two round trips predict.",
        Span(ONE_DELAY),
        Span(ONE_DELAY),
        args.operations
    );
    let _ = writeln!(
        out,
        "  n   {:<16}{:<16}{:<22}predicted",
        "write", "read", "read, no write-back"
    );
    let _ = writeln!(
        out,
        "      {}",
        "delays  msgs    ".repeat(3) + "      delays  msgs"
    );
    for n in [3, 5, 7, 9] {
        let cell = |variant: Variant, reads: f64| {
            let load = Load {
                clients: 1,
                operations: args.operations as usize,
                reads,
                targets: (0..n).collect(),
                timeout: CLIENT_TIMEOUT,
            };
            let run = measure(n, variant, one_delay(), 1, load);
            let unit = ONE_DELAY.as_secs_f64() * 1e3;
            let delays: Vec<f64> = latencies(&run.history, |_| true)
                .into_iter()
                .map(|ms| ms / unit)
                .collect();
            let answered = delays.len().max(1) as f64;
            let delays = match (delays.first(), delays.last()) {
                (Some(lo), Some(hi)) if lo == hi => format!("{lo}"),
                (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
                _ => "-".into(),
            };
            format!("{delays:>6} {:>5.1}    ", run.stats.sent as f64 / answered)
        };
        let _ = writeln!(
            out,
            "{n:>3}   {}{}{}      {:>6} {:>5.1}",
            cell(Variant::Abd, 0.0),
            cell(Variant::Abd, 1.0),
            cell(Variant::NoWriteBack, 1.0),
            4,
            f64::from(4 * (n as u32 - 1))
        );
    }
    Ok(Output {
        stdout: out,
        ..Output::default()
    })
}

/// Operation latency as the cluster grows, with log-normal message delays.
#[derive(clap::Args, Debug)]
pub(crate) struct LatencyArgs {
    /// Operations per cluster size (one client, half reads).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..))]
    operations: u32,
    /// The shape of the log-normal delay (median 1 ms): 0 is constant.
    #[arg(long, default_value_t = 0.5)]
    sigma: f64,
    /// The seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Draw the latency distributions into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p abd -- latency [--sigma S] [--svg PATH]`.
pub(crate) fn latency(args: LatencyArgs) -> Result<Output, Error> {
    if !(0.0..=3.0).contains(&args.sigma) {
        return Err(Error::Usage("error: --sigma must be in 0..=3\n".into()));
    }
    let mut config = Config::default();
    config.network.latency = Latency::LogNormal {
        median: Duration::from_millis(1),
        sigma: args.sigma,
    };
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "One client, {} operations (half reads) per n; message delays\n\
         {}; operation latency in ms:",
        args.operations, config.network.latency
    );
    let _ = writeln!(
        output.stdout,
        "{:>3}  {:>7} {:>7} {:>7} {:>7}",
        "n", "median", "p90", "p99", "max"
    );
    let mut series = Vec::new();
    for n in [3, 5, 7, 9] {
        let load = Load {
            clients: 1,
            operations: args.operations as usize,
            reads: 0.5,
            targets: (0..n).collect(),
            timeout: CLIENT_TIMEOUT,
        };
        let run = measure(n, Variant::Abd, config.clone(), args.seed, load);
        let ms = latencies(&run.history, |_| true);
        let q = |q| quantile(&ms, q);
        let _ = writeln!(
            output.stdout,
            "{n:>3}  {:>7.2} {:>7.2} {:>7.2} {:>7.2}",
            q(0.5),
            q(0.9),
            q(0.99),
            q(1.0)
        );
        if n == 3 || n == 9 {
            output.value(&format!("median-n{n}"), format!("{:.2}", q(0.5)));
            output.value(&format!("p99-n{n}"), format!("{:.2}", q(0.99)));
        }
        let count = ms.len() as f64;
        let points = ms
            .iter()
            .enumerate()
            .map(|(i, &x)| (x, (i + 1) as f64 / count))
            .collect();
        series.push(Series::new(&format!("n = {n}"), points, Mark::Line));
    }
    if let Some(path) = args.svg {
        let chart = Chart {
            title: "ABD operation latency: two round trips to a majority".into(),
            x: Axis::linear("operation latency (ms)", 0.0..8.0),
            y: Axis::linear("fraction of operations answered within", 0.0..1.0),
            series,
            legend: Corner::LowerRight,
        };
        output.figure("figure", path, chart.to_svg());
    }
    Ok(output)
}

/// Which operations are answered as servers crash.
#[derive(clap::Args, Debug)]
pub(crate) struct AvailabilityArgs {
    /// Draw availability against crashed servers into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p abd -- availability [--svg PATH]`.
pub(crate) fn availability(args: AvailabilityArgs) -> Result<Output, Error> {
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "Servers p0..p(k-1) crashed from the start; 3 clients ask the live servers\n\
         60 operations between them (half reads), giving up after {} ms.\n\
         Share of operations answered, by crashed servers k:",
        CLIENT_TIMEOUT.as_millis()
    );
    let _ = writeln!(
        output.stdout,
        "{:>3}  {}",
        "n",
        (0..7).map(|k| format!("{k:>5}")).collect::<String>()
    );
    let mut series = Vec::new();
    for n in [3, 4, 5, 7] {
        let mut row = format!("{n:>3}  ");
        let mut points = Vec::new();
        for k in 0..n {
            let crashed: Vec<ProcessId> = (0..k).collect();
            let load = Load {
                clients: 3,
                operations: 20,
                reads: 0.5,
                targets: (k..n).collect(),
                timeout: CLIENT_TIMEOUT,
            };
            let config = with_crashed(one_delay(), &crashed);
            let run = measure(n, Variant::Abd, config, 1, load);
            let all = run.history.operations.len().max(1) as f64;
            let answered = latencies(&run.history, |_| true).len() as f64 / all;
            row.push_str(&format!("{answered:>5.2}"));
            points.push((k as f64 / n as f64, answered));
        }
        let _ = writeln!(output.stdout, "{row}");
        series.push(Series::new(&format!("n = {n}"), points, Mark::Dots));
    }
    let half = vec![(0.5, -0.05), (0.5, 1.05)];
    series.push(Series::new("half the servers", half, Mark::Dashed));
    if let Some(path) = args.svg {
        let chart = Chart {
            title: "ABD answers while a majority is up, and not at all after".into(),
            x: Axis::linear("crashed servers, as a share of n", 0.0..1.0),
            y: Axis::linear("share of operations answered", -0.05..1.05),
            series,
            legend: Corner::UpperRight,
        };
        output.figure("figure", path, chart.to_svg());
    }
    Ok(output)
}

/// The programs of chapter 9, "Quorums": `cargo run --release -p abd -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "abd")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// Every execution of a small register, checked for linearizability.
    Check(CheckArgs),
    /// The register under every fault mix, every history judged.
    Simulate(SimulateArgs),
    /// Message delays and messages per operation.
    Delays(DelaysArgs),
    /// Operation latency as the cluster grows.
    Latency(LatencyArgs),
    /// Which operations are answered as servers crash.
    Availability(AvailabilityArgs),
}

/// Runs the program its arguments name: `abd PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("abd", args)?;
    match cli.program {
        Program::Check(args) => check(args),
        Program::Simulate(args) => simulate(args),
        Program::Delays(args) => delays(args),
        Program::Latency(args) => latency(args),
        Program::Availability(args) => availability(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p abd -- check --scenario write-read",
            "src/outputs/abd-check.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- check --scenario write-read --duplication",
            "src/outputs/abd-check-duplication.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- check --scenario write-read --crashes 1 --restarts",
            "src/outputs/abd-check-restarts.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p abd -- check --scenario write-read --duplication --crashes 1 --restarts",
            "src/outputs/abd-check-all.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- check --scenario write-read-read --variant no-write-back --svg src/figures/abd-no-write-back.svg",
            "src/outputs/abd-no-write-back.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- check --scenario write-read --variant forgetful --crashes 1 --restarts",
            "src/outputs/abd-forgetful.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p abd -- check --scenario write-read-read",
            "src/outputs/abd-check-write-read-read.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- simulate --seeds 200",
            "src/outputs/abd-simulate.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- simulate --seeds 200 --variant no-write-back",
            "src/outputs/abd-simulate-no-write-back.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- delays",
            "src/outputs/abd-delays.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- latency --svg src/figures/abd-latency.svg",
            "src/outputs/abd-latency.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p abd -- availability --svg src/figures/abd-availability.svg",
            "src/outputs/abd-availability.txt",
            crate::programs::run
        ),
    ]
}
