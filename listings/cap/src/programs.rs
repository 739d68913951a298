//! The programs of the chapter "CAP".

use crate::available::Available;
use crate::partition::{self, HEAL, Register, SIDES};
use abd::measure::{Load, measure, measure_with};
use abd::register::Variant;
use figures::chart::{Axis, Chart, Corner, Mark, Series};
use linearizability::check::Verdict;
use linearizability::explain;
use linearizability::models::Register as RegisterModel;
use notebook::{Error, Output};
use sim::quantile;
use sim::{Config, Latency};
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Runs one register through a partition and judges its history.
#[derive(clap::Args, Debug)]
pub(crate) struct PartitionArgs {
    /// The register.
    #[arg(long, value_enum)]
    register: Register,
    /// The seed: delays, think times, reads or writes, which process.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to draw the run [default: target/partition-REGISTER-SEED.svg].
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p cap -- partition --register abd|available --seed N`.
pub(crate) fn partition(args: PartitionArgs) -> Result<Output, Error> {
    let outcome = partition::run(args.register, args.seed);
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "{:?} register, 3 processes, seed {}: partition {{p0}} | {{p1, p2}} from 0 to {} ms",
        args.register,
        args.seed,
        HEAL.nanos() / 1_000_000
    );
    for (client, side) in SIDES.iter().enumerate() {
        let (during, answered) = outcome.during_partition(client);
        let names: Vec<String> = side.iter().map(|p| format!("p{p}")).collect();
        let plural = if during.len() == 1 { "" } else { "s" };
        let _ = writeln!(
            output.stdout,
            "  {} side ({}): {} operation{plural} asked during the partition, {answered} answered",
            if client == 0 { "minority" } else { "majority" },
            names.join(", "),
            during.len(),
        );
        let late = during
            .iter()
            .find(|o| o.returned.as_ref().is_none_or(|(_, at)| *at >= HEAL));
        if let Some(late) = late {
            let asked = late.invoked.as_millis_f64();
            if let Some((_, at)) = &late.returned {
                let waited = at.as_millis_f64() - asked;
                output.value("late-asked-ms", format!("{asked:.1}"));
                output.value("late-answered-ms", format!("{:.1}", at.as_millis_f64()));
                output.value("late-waited-ms", format!("{waited:.0}"));
            }
            let _ = match &late.returned {
                Some((_, at)) => writeln!(
                    output.stdout,
                    "    asked at {asked:.1} ms, answered at {:.1} ms: after the partition healed",
                    at.as_millis_f64()
                ),
                None => {
                    writeln!(output.stdout, "    asked at {asked:.1} ms, never answered")
                }
            };
        }
    }
    match &outcome.verdict {
        Verdict::Linearizable => {
            let _ = writeln!(output.stdout, "  linearizability checker: linearizable");
        }
        Verdict::Unknown(budget) => {
            let _ = writeln!(
                output.stdout,
                "  linearizability checker: unknown, no answer within {} s",
                budget.as_secs()
            );
        }
        Verdict::NotLinearizable(evidence) => {
            let _ =
                writeln!(output.stdout, "  linearizability checker: not linearizable");
            output.stdout.push_str(&explain::text(
                &RegisterModel,
                &outcome.history,
                evidence,
                3,
            ));
        }
    }
    let _ = writeln!(
        output.stdout,
        "  after the partition heals, the processes hold {}",
        if outcome.converged {
            "the same value"
        } else {
            "different values"
        }
    );
    let path = args.svg.unwrap_or_else(|| {
        let name = format!("partition-{:?}-{}.svg", args.register, args.seed);
        PathBuf::from("target").join(name.to_lowercase())
    });
    output.figure("  diagram", path, outcome.diagram.to_svg());
    Ok(output)
}

/// Else, when there is no partition: what linearizability costs in latency.
#[derive(clap::Args, Debug)]
pub(crate) struct PacelcArgs {
    /// Operations per register and network (one client, half reads).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..))]
    operations: u32,
    /// The seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Draw latency against the distance between the processes into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p cap -- pacelc [--svg PATH]`.
pub(crate) fn pacelc(args: PacelcArgs) -> Result<Output, Error> {
    let ms = Duration::from_millis;
    let networks = [
        Latency::Constant(ms(1)),
        Latency::Uniform {
            min: Duration::from_micros(500),
            max: Duration::from_micros(1500),
        },
        Latency::Exponential {
            min: Duration::from_micros(500),
            mean: Duration::from_micros(500),
        },
        Latency::LogNormal {
            median: ms(1),
            sigma: 0.5,
        },
        Latency::LogNormal {
            median: ms(1),
            sigma: 1.0,
        },
        Latency::Pareto {
            scale: Duration::from_micros(500),
            alpha: 2.0,
        },
    ];
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "No partition, 3 processes, one client, {} operations (half reads);\n\
         operation latency in ms, median and 99th percentile:",
        args.operations
    );
    let _ = writeln!(
        output.stdout,
        "  {:<36} {:>13} {:>13}",
        "", "ABD", "available"
    );
    let _ = writeln!(
        output.stdout,
        "  {:<36} {:>13} {:>13}",
        "message delays", "median p99", "median p99"
    );
    for latency in &networks {
        let name = latency.to_string();
        let [abd, available] = latencies(latency.clone(), args.operations, args.seed);
        let cell =
            |l: &[f64]| format!("{:>5.2} {:>6.2}", quantile(l, 0.5), quantile(l, 0.99));
        let _ = writeln!(
            output.stdout,
            "  {name:<36} {:>13} {:>13}",
            cell(&abd),
            cell(&available)
        );
    }
    // The distance between the processes: the median one-way delay, from one rack
    // to across a continent; the spread stays that of a log-normal with sigma 0.5.
    let medians = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0];
    let mut series: Vec<Series> = ["ABD median", "ABD 99th percentile"]
        .iter()
        .chain(&["available, median and 99th percentile"])
        .zip([Mark::Line, Mark::Dashed, Mark::Line])
        .map(|(name, mark)| Series::new(name, Vec::new(), mark))
        .collect();
    let _ = writeln!(
        output.stdout,
        "\nLog-normal delays, sigma 0.5, as the processes move apart; latency in ms:\n  \
         {:>22} {:>13} {:>13}\n  {:>22} {:>13} {:>13}",
        "", "ABD", "available", "median one-way delay", "median p99", "median p99"
    );
    for &median in &medians {
        let latency = Latency::LogNormal {
            median: Duration::from_secs_f64(median / 1e3),
            sigma: 0.5,
        };
        let [abd, available] = latencies(latency, args.operations, args.seed);
        let cell =
            |l: &[f64]| format!("{:>6.2} {:>6.2}", quantile(l, 0.5), quantile(l, 0.99));
        let _ = writeln!(
            output.stdout,
            "  {median:>19} ms {:>13} {:>13}",
            cell(&abd),
            cell(&available)
        );
        if median == medians[0] || median == medians[medians.len() - 1] {
            let at = format!("{}us", (median * 1e3).round());
            output.value(
                &format!("median-{at}"),
                format!("{:.2}", quantile(&abd, 0.5)),
            );
            output.value(&format!("p99-{at}"), format!("{:.2}", quantile(&abd, 0.99)));
        }
        series[0].points.push((median, quantile(&abd, 0.5)));
        series[1].points.push((median, quantile(&abd, 0.99)));
        series[2].points.push((median, quantile(&available, 0.99)));
    }
    if let Some(path) = args.svg {
        let chart = Chart {
            title: "Else, latency: what a linearizable read or write costs".into(),
            x: Axis::linear("median one-way message delay (ms)", 0.0..40.0),
            y: Axis::linear("operation latency (ms)", 0.0..300.0),
            series,
            legend: Corner::UpperLeft,
        };
        output.figure("figure", path, chart.to_svg());
    }
    Ok(output)
}

/// Sorted operation latencies of ABD and of the available register, in ms, with
/// message delays drawn from `latency`.
fn latencies(latency: Latency, operations: u32, seed: u64) -> [Vec<f64>; 2] {
    let mut config = Config::default();
    config.network.latency = latency;
    let load = || Load {
        clients: 1,
        operations: operations as usize,
        reads: 0.5,
        targets: (0..3).collect(),
        timeout: Duration::from_secs(10),
    };
    let abd = measure(3, Variant::Abd, config.clone(), seed, load());
    let available = measure_with(Available::cluster(3), config, seed, load());
    [abd, available].map(|run| abd::measure::latencies(&run.history, |_| true))
}

/// The programs of chapter 10, "CAP": `cargo run --release -p cap -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "cap")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// One register through a partition, its history judged.
    Partition(PartitionArgs),
    /// Else, latency: what linearizability costs with no partition.
    Pacelc(PacelcArgs),
}

/// Runs the program its arguments name: `cap PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("cap", args)?;
    match cli.program {
        Program::Partition(args) => partition(args),
        Program::Pacelc(args) => pacelc(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p cap -- partition --register abd --seed 1 --svg src/figures/cap-partition-abd.svg",
            "src/outputs/cap-partition-abd.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p cap -- partition --register available --seed 1 --svg src/figures/cap-partition-available.svg",
            "src/outputs/cap-partition-available.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p cap -- pacelc --svg src/figures/cap-pacelc.svg",
            "src/outputs/cap-pacelc.txt",
            crate::programs::run
        ),
    ]
}
