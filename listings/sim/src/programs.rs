//! The simulator's own program: `cargo run --release -p sim -- throughput [measure|report]`.

use crate::throughput;
use notebook::{Error, Output};

/// The simulator's own program: `cargo run --release -p sim -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "sim")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// How many messages per second the simulator delivers: measured, and reported.
    Throughput(throughput::Args),
}

/// Runs the program its arguments name: `sim PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("sim", args)?;
    match cli.program {
        Program::Throughput(args) => throughput::throughput(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![notebook::cell!(
        "cargo run --release -p sim -- throughput",
        "src/outputs/sim-throughput.txt",
        crate::programs::run
    )]
}
