//! The programs of the chapter "Checking every execution".

use crate::checker::{Checker, Search};
use crate::two_phase::{TwoPhase, consistent};
use notebook::{Error, Output};
use std::fmt::Write;

/// Checks Lamport's TwoPhase commit specification exhaustively and prints what it covered.
#[derive(clap::Parser, Debug)]
#[command(name = "two_phase")]
struct TwoPhaseArgs {
    /// Resource managers (1 to 16).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=16))]
    rms: u32,
    /// Also check every size from --rms up to this one, one line each.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
    up_to: Option<u32>,
    /// Explore one representative of each class of states that differ only by a permutation
    /// of the resource managers.
    #[arg(long)]
    symmetry: bool,
    /// Depth-first instead of breadth-first.
    #[arg(long)]
    dfs: bool,
    /// Check the planted bug: a TM that commits once any manager has voted.
    #[arg(long)]
    bug: bool,
    /// Leave out the time and the rate (which differ from run to run).
    #[arg(long)]
    no_time: bool,
}

/// `cargo run --release -p modelcheck --example two_phase -- --rms N [--symmetry]`.
pub fn two_phase(args: &[String]) -> Result<Output, Error> {
    let args: TwoPhaseArgs = notebook::parse("two_phase", args)?;
    let last = args.up_to.unwrap_or(args.rms);
    if last < args.rms {
        return Err(Error::Usage(format!(
            "error: --up-to {last} is smaller than --rms {}\n",
            args.rms
        )));
    }
    let mut out = String::new();
    let search = if args.dfs {
        Search::DepthFirst
    } else {
        Search::BreadthFirst
    };
    for rms in args.rms..=last {
        let system = TwoPhase {
            rms: rms as usize,
            commits_without_all_votes: args.bug,
        };
        let report = Checker::new(&system)
            .invariant("TCConsistent", |s| consistent(&system, s))
            .search(search)
            .symmetry(args.symmetry)
            .run();
        let _ = writeln!(
            out,
            "TwoPhase, {rms} resource managers{}{}{}",
            if args.symmetry { ", symmetry" } else { "" },
            if args.dfs { ", depth-first" } else { "" },
            if args.bug { ", planted bug" } else { "" }
        );
        let _ = writeln!(out, "  distinct states: {}", report.distinct);
        let _ = writeln!(out, "  states generated: {}", report.generated);
        let _ = writeln!(out, "  depth: {}", report.depth);
        if !args.no_time {
            let _ = writeln!(
                out,
                "  time: {:.3} s ({:.0} states/s)",
                report.elapsed.as_secs_f64(),
                report.rate()
            );
        }
        match &report.violation {
            None => {
                let _ = writeln!(out, "  TCConsistent holds in every reachable state");
            }
            Some(violation) => {
                let _ = writeln!(
                    out,
                    "  TCConsistent is violated after {} steps:",
                    violation.trace.len() - 1
                );
                for (i, (action, state)) in violation.trace.iter().enumerate() {
                    let step = action.map_or("initial".to_owned(), |a| format!("{a:?}"));
                    let _ = writeln!(out, "  {i:>3}. {step:<20} {state:?}");
                }
            }
        }
    }
    Ok(Output::text(out))
}
