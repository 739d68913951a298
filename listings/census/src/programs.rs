//! The census's programs: `cargo run --release -p census -- reduction`, and `left-out`.

use notebook::{Error, Output};
use std::fmt::Write;
use std::path::PathBuf;

/// Every process system of the book, searched in full and with partial-order reduction.
#[derive(clap::Args, Debug)]
pub(crate) struct ReductionArgs {
    /// Time each search too (seconds on this machine; the output then differs from run
    /// to run).
    #[arg(long)]
    time: bool,
    /// Draw the reduction factor of each system against its processes into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p census -- reduction [--time] [--svg PATH]`.
pub(crate) fn reduction(args: ReductionArgs) -> Result<Output, Error> {
    let rows = crate::rows(args.time).map_err(Error::Failed)?;
    let bugs = crate::bugs().map_err(Error::Failed)?;
    let mut output = Output::default();
    let out = &mut output.stdout;
    let _ = writeln!(
        out,
        "every process system the book model-checks, on a network that neither loses nor\n\
         duplicates and without crashes unless a row says, searched in full and reduced;\n\
         in every row both searches are complete, find no violation, and read the same\n\
         values (what the invariants read) in the states they explore\n"
    );
    let _ = writeln!(
        out,
        "{:<50} {:>7} {:>7} {:>6} {:>8} {:>8}\n{:>2}  {:<46} {:>7} {:>7} {:>6} {:>8} {:>8}",
        "",
        "full",
        "reduced",
        "",
        "full",
        "reduced",
        "ch",
        "system: configuration",
        "states",
        "visited",
        "factor",
        "steps",
        "steps"
    );
    for r in &rows {
        let name = format!("{}: {}", r.system, r.configuration);
        let _ = write!(
            out,
            "{:>2}  {name:<46} {:>7} {:>7} {:>6.1} {:>8} {:>8}",
            r.chapter,
            r.full.0,
            r.reduced.0,
            r.factor(),
            r.full.1,
            r.reduced.1
        );
        if let Some((full, reduced)) = r.seconds {
            let _ = write!(out, "  {full:.2} s, {reduced:.2} s");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "\nplanted bugs the model checker catches in their chapters:"
    );
    for b in &bugs {
        let found = |f: &Option<(String, usize)>| match f {
            Some((_, steps)) => notebook::count(*steps as u64, "step"),
            None => "missed".to_owned(),
        };
        let invariant = (b.full.iter().chain(&b.reduced))
            .next()
            .map_or("", |f| &f.0);
        let _ = writeln!(
            out,
            "{:>2}  {}: {}\n      {invariant} broken: in {} by the full search, {} reduced",
            b.chapter,
            b.system,
            b.bug,
            found(&b.full),
            found(&b.reduced)
        );
    }
    if let Some(missed) = bugs
        .iter()
        .find(|b| b.full.is_none() || b.reduced.is_none())
    {
        return Err(Error::Failed(format!(
            "{}: {}: a search missed the bug",
            missed.system, missed.bug
        )));
    }
    let paxos = (rows.iter())
        .find(|r| r.system == "Paxos" && r.configuration.starts_with("3 acceptors"))
        .ok_or_else(|| Error::Failed("no Paxos with three acceptors".into()))?;
    output.value("paxos-3-again", paxos.again);
    let (low, high) = rows
        .iter()
        .map(crate::Row::factor)
        .fold((f64::INFINITY, 0f64), |(l, h), f| (l.min(f), h.max(f)));
    output.value("lowest-factor", format!("{low:.1}"));
    output.value("highest-factor", format!("{high:.1}"));
    if let Some(path) = args.svg {
        output.figure("\nfigure", path, chart(&rows, high).to_svg());
    }
    Ok(output)
}

/// The reduction factor of each system against its processes.
fn chart(rows: &[crate::Row], high: f64) -> figures::Chart {
    use figures::{Axis, Chart, Corner, Mark, Series};
    let mut series: Vec<Series> = Vec::new();
    for r in rows {
        let point = (r.processes as f64, r.factor());
        match series.iter_mut().find(|s| s.name == r.system) {
            Some(s) => s.points.push(point),
            None => series.push(Series::new(r.system, vec![point], Mark::Line)),
        }
    }
    // A system searched at one size only is a dot: a line through one point draws nothing.
    for s in &mut series {
        if s.points.len() == 1 {
            s.mark = Mark::Dots;
        }
    }
    let most = rows.iter().map(|r| r.processes).max().unwrap_or(1) as f64;
    Chart {
        title: "Partial-order reduction on the book's process systems".into(),
        x: Axis::linear("processes", 1.5..most + 0.5),
        y: Axis::log(
            "states of the full search per state visited (log scale)",
            0.9..high * 1.3,
        ),
        series,
        legend: Corner::UpperLeft,
    }
}

#[derive(clap::Parser, Debug)]
#[command(name = "census")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

/// The planted bugs the census leaves out, each searched for in full and reduced, within
/// a bound of steps.
#[derive(clap::Args, Debug)]
pub(crate) struct LeftOutArgs {
    /// Stop each search once it has computed this many successors.
    #[arg(long, default_value_t = 10_000_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    steps: u64,
}

/// `cargo run --release -p census -- left-out [--steps N]`.
pub(crate) fn left_out(args: LeftOutArgs) -> Result<Output, Error> {
    let limit = args.steps as usize;
    let mut output = Output::default();
    let out = &mut output.stdout;
    let _ = writeln!(
        out,
        "planted bugs the census leaves out, each searched for in full and reduced, until\n\
         found or until the search has computed {limit} successors (steps)"
    );
    let bugs = crate::left_out(limit);
    for bug in &bugs {
        let _ = writeln!(out, "\n{:>2}  {}: {}", bug.chapter, bug.system, bug.bug);
        for (name, h) in ["full", "reduced"].iter().zip(&bug.searches) {
            let what = match (&h.found, &h.stopped) {
                (Some((invariant, steps)), _) => format!(
                    "{invariant} broken, a trace of {}",
                    notebook::count(*steps as u64, "step")
                ),
                (None, Some(stop)) => format!("not found, {stop}"),
                (None, None) => "not found, search complete".to_owned(),
            };
            let _ = writeln!(
                out,
                "      {name:<8} {what}; {} states, {} steps",
                h.states, h.steps
            );
        }
    }
    let found = |i: usize| {
        bugs.iter()
            .filter(|b| b.searches[i].found.is_some())
            .count()
    };
    output.value("bugs", bugs.len());
    output.value("full-found", found(0));
    output.value("reduced-found", found(1));
    output.value("bound", limit);
    Ok(output)
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// Every process system of the book, searched in full and with partial-order
    /// reduction.
    Reduction(ReductionArgs),
    /// The planted bugs the census leaves out, searched for both ways within a bound of
    /// steps.
    LeftOut(LeftOutArgs),
}

/// Runs the program its arguments name: `census PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("census", args)?;
    match cli.program {
        Program::Reduction(args) => reduction(args),
        Program::LeftOut(args) => left_out(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            slow: "cargo run --release -p census -- reduction --svg src/figures/census-reduction.svg",
            "src/outputs/census-reduction.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p census -- left-out",
            "src/outputs/census-left-out.txt",
            crate::programs::run
        ),
    ]
}
