//! The programs of the chapter "Time, clocks, and the ordering of events".

use crate::causality::Causality;
use crate::gossip::{Kind, MICROSECOND, Stamped, random_clocks, simulate};
use figures::{Axis, Chart, Corner, Mark, Series};
use notebook::{Error, Output};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use sim::Clock;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;

fn kind(k: Kind) -> String {
    match k {
        Kind::Send(to) => format!("send to p{to}"),
        Kind::Receive(from) => format!("receive from p{from}"),
        Kind::Local => "local".into(),
    }
}

fn vector(v: &crate::VectorClock) -> String {
    format!(
        "[{}]",
        v.0.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
    )
}

/// One seeded run, every event stamped by every clock.
#[derive(clap::Args, Debug)]
pub(crate) struct StampsArgs {
    /// Seed of the simulation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Processes.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=8))]
    n: u32,
    /// Events each process initiates.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    events: u32,
    /// Largest clock drift, as a fraction (0.01 gains or loses 10 ms a second).
    #[arg(long, default_value_t = 0.05)]
    drift: f64,
    /// Largest clock offset, in microseconds.
    #[arg(long, default_value_t = 2000)]
    offset: i64,
    /// The physical clocks' tick, in microseconds: hybrid clocks read whole ticks.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    resolution_us: u64,
    /// Draw the run into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p clocks -- stamps --seed N [--svg PATH]`.
pub(crate) fn stamps(args: StampsArgs) -> Result<Output, Error> {
    if !(0.0..0.5).contains(&args.drift) || args.offset < 0 {
        return Err(Error::Usage(
            "error: --drift must be in [0, 0.5) and --offset at least 0\n".into(),
        ));
    }
    let n = args.n as usize;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(args.seed);
    let clocks = random_clocks(n, args.drift, args.offset, &mut rng);
    let resolution = Duration::from_micros(args.resolution_us);
    let sim = simulate(n, args.events, clocks.clone(), args.seed, resolution);
    let mut output = Output::default();
    for (p, c) in clocks.iter().enumerate() {
        let _ = writeln!(
            output,
            "p{p}: clock offset {:+.3} ms, drift {:+.4}",
            c.offset_nanos as f64 / 1e6,
            c.drift
        );
    }
    let offsets = clocks.iter().map(|c| c.offset_nanos);
    let spread = offsets.clone().max().unwrap_or(0) - offsets.min().unwrap_or(0);
    let _ = writeln!(
        output,
        "offsets differ by up to {:.3} ms; physical clocks tick every {} us",
        spread as f64 / 1e6,
        args.resolution_us
    );
    output.value(
        "offset-bound-ms",
        format!("{:.0}", args.offset as f64 / 1e3),
    );
    output.value("offset-spread-ms", format!("{:.3}", spread as f64 / 1e6));
    output.value("drift-percent", format!("{:.0}", args.drift * 100.0));
    let _ = writeln!(
        output,
        "\n{:>9} {:<4} {:<18} {:>3} {:<10} {:<10} {:>8}",
        "true ms", "proc", "event", "L", "V", "HLC (l, c)", "physical"
    );
    let mut diagram = sim.trace().to_diagram(
        "Every event stamped: Lamport, vector and hybrid logical clocks",
        n,
        |_| String::new(),
    );
    let mut label = std::collections::VecDeque::new();
    let mut counted = 0;
    let mut ahead = None;
    for (t, p, e) in sim.outputs() {
        if ahead.is_none() && e.hlc.l > e.physical {
            ahead = Some((*t, *p, e.clone()));
        }
        let hlc = format!("({}, {})", e.hlc.l, e.hlc.c);
        let _ = writeln!(
            output,
            "{:>9.3} p{p:<3} {:<18} {:>3} {:<10} {hlc:<10} {:>8}",
            t.as_millis_f64(),
            kind(e.kind),
            e.lamport.0,
            vector(&e.vector),
            e.physical,
        );
        counted += usize::from(e.hlc.c > 0);
        label.push_back(format!(
            "L{} V{} H({},{})",
            e.lamport.0,
            vector(&e.vector),
            e.hlc.l,
            e.hlc.c
        ));
    }
    output.value("events-with-counter", counted);
    if let Some((t, p, e)) = ahead {
        let _ = writeln!(
            output,
            "\nfirst event whose l is ahead of its own clock: p{p} at {:.3} ms, l = {} > {}",
            t.as_millis_f64(),
            e.hlc.l,
            e.physical
        );
        output.value("ahead-process", format!("p{p}"));
        output.value("ahead-ms", format!("{:.3}", t.as_millis_f64()));
        output.value("ahead-l", e.hlc.l);
        output.value("ahead-physical", e.physical);
        output.value("ahead-c", e.hlc.c);
    }
    // Label each output point with its stamps (the trace draws outputs with their Debug
    // form).
    for point in diagram
        .points
        .iter_mut()
        .filter(|p| p.mark == figures::spacetime::PointMark::Output)
    {
        point.label = label.pop_front().unwrap_or_default();
    }
    if let Some(path) = args.svg {
        output.figure("\ndiagram", path, diagram.to_svg());
    }
    Ok(output)
}

/// Counts, over many seeded runs, the causally ordered pairs of events whose physical
/// timestamps are inverted: what last-writer-wins by wall clock gets wrong.
#[derive(clap::Args, Debug)]
pub(crate) struct InversionsArgs {
    /// Runs per drift.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
    /// Processes.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(2..=16))]
    n: u32,
    /// Events each process initiates per run.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    events: u32,
    /// Draw the figure into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// The drifts the experiment tries (fractions of a second per second).
const DRIFTS: [f64; 8] = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

/// `cargo run --release -p clocks -- inversions --seeds S [--svg PATH]`.
pub(crate) fn inversions(args: InversionsArgs) -> Result<Output, Error> {
    let n = args.n as usize;
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "{} processes, {} events each, {} runs per drift; drifts uniform in [-d, d]",
        n, args.events, args.seeds
    );
    let _ = writeln!(
        output.stdout,
        "pairs a -> b whose timestamps say b came first:\n"
    );
    let _ = writeln!(
        output.stdout,
        "{:>8} {:>12} {:>12} {:>10} {:>8}",
        "drift d", "causal pairs", "physical", "fraction", "HLC"
    );
    let mut points = Vec::new();
    let mut first_inverting = None;
    for (i, &drift) in DRIFTS.iter().enumerate() {
        let (mut pairs, mut physical, mut hybrid) = (0u64, 0u64, 0u64);
        for seed in 0..args.seeds {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed * 1_000 + i as u64);
            let clocks = random_clocks(n, drift, 0, &mut rng);
            let sim = simulate(n, args.events, clocks, seed, MICROSECOND);
            let c = Causality::of(sim.trace(), n);
            for b in 0..c.events.len() {
                for a in 0..b {
                    if c.happened_before(a, b) {
                        pairs += 1;
                        let (ea, eb): (&Stamped, &Stamped) =
                            (&c.events[a].1, &c.events[b].1);
                        physical += u64::from(ea.physical > eb.physical);
                        hybrid += u64::from(ea.hlc >= eb.hlc);
                    }
                }
            }
        }
        let fraction = physical as f64 / pairs.max(1) as f64;
        let _ = writeln!(
            output.stdout,
            "{drift:>8} {pairs:>12} {physical:>12} {fraction:>10.2e} {hybrid:>8}"
        );
        // A fraction of zero has no place on a log scale: the figure leaves it output.stdout.
        if drift > 0.0 && fraction > 0.0 {
            points.push((drift, fraction));
        }
        if physical > 0 && first_inverting.is_none() {
            first_inverting = Some(drift);
            output.value("first-inverting-drift", drift);
        }
        if i == DRIFTS.len() - 1 {
            output.value("largest-drift", drift);
            output.value("largest-percent", format!("{:.1}", 100.0 * fraction));
        }
    }
    if let Some(path) = args.svg {
        let chart = Chart {
            title: "Causally ordered events that physical timestamps misorder".into(),
            x: Axis::log("clock drift bound d (s per s)", 5e-5..0.2),
            y: Axis::log("fraction of causal pairs inverted", 1e-7..1.0),
            series: vec![Series::new("physical timestamps", points, Mark::Line)],
            legend: Corner::UpperLeft,
        };
        output.figure("\nHLC inverts none: (l, c) respects happened-before by construction.\nfigure", path, chart.to_svg());
    }
    Ok(output)
}

/// Finds the first seed whose run breaks the forgetful vector clock, and draws it.
#[derive(clap::Args, Debug)]
pub(crate) struct ForgetfulArgs {
    /// Draw the run into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p clocks -- forgetful [-- --svg PATH]`.
pub(crate) fn forgetful(args: ForgetfulArgs) -> Result<Output, Error> {
    let n = 3;
    for seed in 0..10_000 {
        let sim = simulate(n, 2, vec![Clock::default(); n], seed, MICROSECOND);
        let c = Causality::of(sim.trace(), n);
        for b in 0..c.events.len() {
            for a in 0..b {
                let (ea, eb) = (&c.events[a].1, &c.events[b].1);
                if c.happened_before(a, b)
                    && ea.forgetful.partial_cmp(&eb.forgetful)
                        != Some(std::cmp::Ordering::Less)
                {
                    let mut output = Output::default();
                    let _ = writeln!(
                        output.stdout,
                        "seed {seed}: event {a} (p{}, {}) happened before event {b} (p{}, {}),",
                        c.events[a].0,
                        kind(ea.kind),
                        c.events[b].0,
                        kind(eb.kind)
                    );
                    let _ = writeln!(
                        output.stdout,
                        "  the forgetful clock says {} and {}: not ordered",
                        vector(&ea.forgetful),
                        vector(&eb.forgetful),
                    );
                    let _ = writeln!(
                        output.stdout,
                        "  the vector clock says    {} < {}",
                        vector(&ea.vector),
                        vector(&eb.vector)
                    );
                    let mut diagram = sim.trace().to_diagram(
                        "A vector clock that forgets to merge loses causality",
                        n,
                        |_| String::new(),
                    );
                    let outputs = diagram
                        .points
                        .iter_mut()
                        .filter(|p| p.mark == figures::spacetime::PointMark::Output);
                    for (i, point) in outputs.enumerate() {
                        let e = &c.events[i].1;
                        let mark = if i == a {
                            " ← a"
                        } else if i == b {
                            " ← b"
                        } else {
                            ""
                        };
                        point.label = format!("{}{mark}", vector(&e.forgetful));
                    }
                    if let Some(path) = args.svg {
                        output.figure("diagram", path, diagram.to_svg());
                    }
                    return Ok(output);
                }
            }
        }
    }
    Err(Error::Failed(
        "no seed below 10000 breaks the forgetful clock".into(),
    ))
}

/// The programs of chapter 3, "Time, clocks, and the ordering of events": `cargo run --release -p clocks -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "clocks")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// One seeded run, every event stamped by every clock.
    Stamps(StampsArgs),
    /// The first seed whose run breaks the forgetful vector clock, drawn.
    Forgetful(ForgetfulArgs),
    /// Causally ordered pairs that physical timestamps invert, against clock drift.
    Inversions(InversionsArgs),
}

/// Runs the program its arguments name: `clocks PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("clocks", args)?;
    match cli.program {
        Program::Stamps(args) => stamps(args),
        Program::Forgetful(args) => forgetful(args),
        Program::Inversions(args) => inversions(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p clocks -- stamps --seed 3 --svg src/figures/clocks-stamps.svg",
            "src/outputs/clocks-stamps.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p clocks -- forgetful --svg src/figures/clocks-forgetful.svg",
            "src/outputs/clocks-forgetful.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p clocks -- inversions --seeds 20 --svg src/figures/clocks-inversions.svg",
            "src/outputs/clocks-inversions.txt",
            crate::programs::run
        ),
    ]
}
