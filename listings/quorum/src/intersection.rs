//! The program behind `cargo run --release -p quorum --example intersection`: how often
//! two random quorums miss each other, exactly and by seeded simulation, as a table and a
//! figure.

use crate::majority::majority;
use crate::probabilistic::{count_disjoint, disjoint_bound, disjoint_probability};
use figures::{Axis, Chart, Corner, Mark, Series};
use notebook::{Error, Output};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use std::fmt::Write;
use std::path::PathBuf;

/// How often two random quorums miss each other: exactly, by simulation, and the
/// e^(−k²/n) bound of probabilistic quorum systems.
#[derive(clap::Parser, Debug)]
#[command(name = "intersection")]
struct Args {
    /// Number of processes.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(4..=10_000))]
    n: u64,
    /// Pairs of quorums drawn for each quorum size.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    trials: u64,
    /// Seed of the random number generator: the same seed gives the same output.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also draw the figure into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// Runs the program on its command-line arguments (without the program name).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let args: Args = notebook::parse("intersection", args)?;
    let n = args.n as usize;
    let root_n = (n as f64).sqrt();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(args.seed);

    // One simulated estimate per quorum size up to 3√n, in order, from one seeded
    // generator.
    let sizes: Vec<usize> = (1..=((3.0 * root_n).round() as usize).min(n)).collect();
    let simulated: Vec<f64> = sizes
        .iter()
        .map(|&k| count_disjoint(n, k, args.trials, &mut rng) as f64 / args.trials as f64)
        .collect();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Two quorums of k out of n = {n} processes, drawn uniformly at random."
    );
    let _ = writeln!(
        out,
        "P(disjoint): exact C(n-k,k)/C(n,k); simulated over {} pairs (seed {});",
        args.trials, args.seed
    );
    let _ = writeln!(
        out,
        "bound exp(-k^2/n), which is exp(-l^2) for k = l*sqrt(n)."
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:>5} {:>8} {:>11} {:>11} {:>11}",
        "k", "l", "exact", "simulated", "bound"
    );
    for l in [0.5, 1.0, 1.5, 2.0, 2.5, 3.0] {
        let k = ((l * root_n).round() as usize).clamp(1, sizes.len());
        let _ = writeln!(
            out,
            "{k:>5} {:>8.2} {:>11} {:>11} {:>11}",
            k as f64 / root_n,
            probability(disjoint_probability(n, k)),
            probability(simulated[k - 1]),
            probability(disjoint_bound(n, k))
        );
    }
    // Majorities are drawn too, from the same generator: the theorem says no pair is
    // disjoint.
    let m = majority(n);
    let majorities =
        count_disjoint(n, m, args.trials, &mut rng) as f64 / args.trials as f64;
    let _ = writeln!(
        out,
        "{m:>5} {:>8.2} {:>11} {:>11} {:>11}  <- a majority: never disjoint",
        m as f64 / root_n,
        probability(disjoint_probability(n, m)),
        probability(majorities),
        probability(disjoint_bound(n, m))
    );

    let mut files = Vec::new();
    if let Some(path) = args.svg {
        let chart = figure(n, &sizes, &simulated, args.trials);
        let _ = writeln!(out, "\nfigure: {}", path.display());
        files.push((path, chart.to_svg().into_bytes()));
    }
    Ok(Output {
        stdout: out,
        files,
        ..Output::default()
    })
}

/// P(disjoint) against the quorum size on a log scale: exact, simulated and the bound.
fn figure(n: usize, sizes: &[usize], simulated: &[f64], trials: u64) -> Chart {
    let at = |f: &dyn Fn(usize) -> f64| sizes.iter().map(|&k| (k as f64, f(k))).collect();
    // Sizes no simulated pair hit have no dot: zero has no place on a log scale.
    let dots = sizes
        .iter()
        .zip(simulated)
        .filter(|&(_, &p)| p > 0.0)
        .map(|(&k, &p)| (k as f64, p))
        .collect();
    let floor = 0.5 / trials as f64;
    let last = *sizes.last().expect("at least one size") as f64;
    Chart {
        title: format!("Two random quorums of size k out of n = {n} miss each other"),
        x: Axis::linear("quorum size k (processes)", 0.0..last + 1.0),
        y: Axis::log(
            "P(disjoint)",
            floor.min(disjoint_probability(n, last as usize))..1.0,
        ),
        series: vec![
            Series::new(
                "exact C(n-k,k)/C(n,k)",
                at(&|k| disjoint_probability(n, k)),
                Mark::Line,
            ),
            Series::new(&format!("simulated ({trials} pairs)"), dots, Mark::Dots),
            Series::new(
                "bound exp(-k^2/n)",
                at(&|k| disjoint_bound(n, k)),
                Mark::Dashed,
            ),
        ],
        legend: Corner::UpperRight,
    }
}

/// A probability in scientific notation, or `0` when it is exactly zero.
fn probability(p: f64) -> String {
    if p == 0.0 {
        "0".into()
    } else {
        format!("{p:.3e}")
    }
}
