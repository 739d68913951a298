//! The programs of the Introduction, as one binary: `cargo run --release -p quorum --
//! PROGRAM [ARGS]`.

use crate::intersection;
use notebook::{Error, Output};

/// The programs of the Introduction: `cargo run --release -p quorum -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "quorum")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// How often two random quorums miss each other: exactly, simulated, and the bound.
    Intersection(intersection::Args),
}

/// Runs the program its arguments name: `quorum PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("quorum", args)?;
    match cli.program {
        Program::Intersection(args) => intersection::run(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![notebook::cell!(
        "cargo run --release -p quorum -- intersection --n 100 --trials 100000 --seed 1 --svg src/figures/quorum-intersection.svg",
        "src/outputs/quorum-intersection.txt",
        crate::programs::run
    )]
}
