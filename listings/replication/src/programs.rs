//! The programs of chapter 2, as one binary: `cargo run --release -p replication --
//! PROGRAM [ARGS]`.

use crate::{cluster, fallacies};
use notebook::{Error, Output};

/// The programs of chapter 2, "The network is not reliable": `cargo run --release -p replication -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "replication")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// The naive and repaired primary-backup protocols under each fallacy of distributed computing.
    Fallacies(fallacies::Args),
    /// A cluster of real processes on this machine, over UDP on loopback, driven from a prompt.
    Cluster(cluster::Args),
    /// The merged logs of a run of real nodes, as text and as a space-time diagram.
    Replay(net::replay::Args),
}

/// Runs the program its arguments name: `replication PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("replication", args)?;
    match cli.program {
        Program::Fallacies(args) => fallacies::run(args),
        Program::Cluster(args) => cluster::run(args),
        Program::Replay(args) => net::replay::run(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --diagrams none",
            "src/outputs/fallacies.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy loss --writes 3 --out src/figures --diagrams both",
            "src/outputs/fallacy-loss.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy latency --writes 3 --out src/figures --diagrams naive",
            "src/outputs/fallacy-latency.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy bandwidth --writes 3 --out src/figures --diagrams naive",
            "src/outputs/fallacy-bandwidth.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy tampering --writes 3 --out src/figures --diagrams naive",
            "src/outputs/fallacy-tampering.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy partition --writes 3 --out src/figures --diagrams naive",
            "src/outputs/fallacy-partition.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy crash --writes 3 --out src/figures --diagrams naive",
            "src/outputs/fallacy-crash.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy cost --writes 3 --diagrams none",
            "src/outputs/fallacy-cost.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy heterogeneity --writes 3 --out src/figures --diagrams naive",
            "src/outputs/fallacy-heterogeneity.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy duplication --writes 3 --out src/figures --diagrams naive",
            "src/outputs/fallacy-duplication.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- fallacies --seed 1 --fallacy reordering --writes 3 --out src/figures --diagrams naive",
            "src/outputs/fallacy-reordering.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p replication -- replay --logs listings/net/recorded --svg src/figures/net-cluster.svg",
            "src/outputs/net-cluster.txt",
            crate::programs::run
        ),
    ]
}
