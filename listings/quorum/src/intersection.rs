//! The program behind `cargo run --release -p quorum -- intersection`: how often
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
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
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

/// One row of the table: a quorum size, the exact probability that two quorums of that
/// size are disjoint, how many of the simulated pairs were, and the bound.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The quorum size.
    pub k: usize,
    /// The exact probability.
    pub exact: f64,
    /// Disjoint pairs among the simulated ones.
    pub count: u64,
    /// The bound e^(−k²/n).
    pub bound: f64,
    /// How far the count lies from its expectation, in standard deviations of a binomial
    /// count (`None` when the exact probability is 0 or 1).
    pub deviation: Option<f64>,
}

/// The experiment: for each quorum size up to 3√n, `trials` pairs drawn from one
/// generator seeded with `seed`, in order; returns every row and, last, the row of a
/// majority.
pub fn experiment(n: usize, trials: u64, seed: u64) -> Vec<Row> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let largest = ((3.0 * (n as f64).sqrt()).round() as usize).min(n);
    let row = |k: usize, count: u64| {
        let exact = disjoint_probability(n, k);
        let spread = (trials as f64 * exact * (1.0 - exact)).sqrt();
        Row {
            k,
            exact,
            count,
            bound: disjoint_bound(n, k),
            deviation: (spread > 0.0)
                .then(|| (count as f64 - trials as f64 * exact) / spread),
        }
    };
    let mut rows: Vec<Row> = (1..=largest)
        .map(|k| row(k, count_disjoint(n, k, trials, &mut rng)))
        .collect();
    // Majorities are drawn too, from the same generator: the theorem says no pair is
    // disjoint.
    let m = majority(n);
    rows.push(row(m, count_disjoint(n, m, trials, &mut rng)));
    rows
}

/// The sizes the table shows: ℓ√n for ℓ = 0.5, 1, ..., 3.
pub fn shown(n: usize) -> Vec<usize> {
    let root_n = (n as f64).sqrt();
    let largest = ((3.0 * root_n).round() as usize).min(n);
    [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
        .map(|l: f64| ((l * root_n).round() as usize).clamp(1, largest))
        .to_vec()
}

/// Runs the program on its command-line arguments (without the program name).
pub(crate) fn run(args: Args) -> Result<Output, Error> {
    let n = args.n as usize;
    let root_n = (n as f64).sqrt();
    let rows = experiment(n, args.trials, args.seed);
    let (majority, sizes) = rows.split_last().expect("at least the majority's row");

    let mut output = Output::default();
    let _ = writeln!(
        output,
        "Two quorums of k out of n = {n} processes, drawn uniformly at random."
    );
    let _ = writeln!(
        output,
        "P(disjoint): exact C(n-k,k)/C(n,k); simulated over {} pairs (seed {});",
        args.trials, args.seed
    );
    let _ = writeln!(
        output,
        "bound exp(-k^2/n), which is exp(-l^2) for k = l*sqrt(n); dev: the simulated count's"
    );
    let _ = writeln!(
        output,
        "distance from its expectation, in standard deviations.\n"
    );
    let _ = writeln!(
        output,
        "{:>5} {:>8} {:>11} {:>11} {:>11} {:>6}",
        "k", "l", "exact", "simulated", "bound", "dev"
    );
    let shown: Vec<&Row> = shown(n).into_iter().map(|k| &sizes[k - 1]).collect();
    for row in shown.iter().copied().chain([majority]) {
        let _ = write!(
            output,
            "{:>5} {:>8.2} {:>11} {:>11} {:>11} {:>6}",
            row.k,
            row.k as f64 / root_n,
            probability(row.exact),
            probability(row.count as f64 / args.trials as f64),
            probability(row.bound),
            row.deviation.map_or("-".into(), |d| format!("{d:+.1}")),
        );
        if row.k == majority.k {
            let _ = write!(output, "  <- a majority: never disjoint");
        }
        let _ = writeln!(output);
    }
    // The row farthest from its expectation, for the prose.
    let farthest = shown
        .iter()
        .filter(|r| r.deviation.is_some())
        .max_by(|a, b| {
            a.deviation
                .unwrap_or(0.0)
                .abs()
                .total_cmp(&b.deviation.unwrap_or(0.0).abs())
        })
        .expect("a row with a deviation");
    output.value("farthest-k", farthest.k);
    output.value("farthest-count", farthest.count);
    output.value(
        "farthest-expected",
        format!("{:.0}", farthest.exact * args.trials as f64),
    );
    output.value(
        "farthest-deviation",
        format!("{:.1}", farthest.deviation.unwrap_or(0.0).abs()),
    );
    output.value("trials", args.trials);
    output.value("largest-k", shown.last().map_or(0, |r| r.k));
    if let Some(path) = args.svg {
        let all: Vec<usize> = sizes.iter().map(|r| r.k).collect();
        let simulated: Vec<f64> = sizes
            .iter()
            .map(|r| r.count as f64 / args.trials as f64)
            .collect();
        let chart = figure(n, &all, &simulated, args.trials);
        output.figure("\nfigure", path, chart.to_svg());
    }
    Ok(output)
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
