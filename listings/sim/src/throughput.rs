//! How fast is the simulator? The program behind
//! `cargo run --release -p sim -- throughput`: `measure` times the relay workload
//! and writes the timings, with the machine they were taken on, to a file; `report`
//! (the default) reads that file and prints what the network chapter quotes. Timings
//! depend on the machine, so the book keeps one measured file
//! (`listings/sim/measurements.csv`) instead of timing anything in its tests.

use crate::relay::relay;
use notebook::{Error, Output};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The workload measured: processes and hops of the relay, and its seed.
const WORKLOAD: (usize, u32, u64) = (10, 2_000, 1);

/// The committed measurements.
const MEASUREMENTS: &str = "listings/sim/measurements.csv";

/// How many messages per second the simulator delivers.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Time the relay workload and write the timings.
    Measure {
        /// How many runs to time.
        #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u32).range(1..=1_000))]
        repeat: u32,
        /// Where to write the timings (the book's own file is listings/sim/measurements.csv).
        #[arg(long, default_value = "target/sim-measurements.csv")]
        out: PathBuf,
    },
    /// Print the timings of a measurements file (the default).
    Report {
        /// The file to read.
        #[arg(long, default_value = MEASUREMENTS)]
        from: PathBuf,
    },
}

/// Runs the program.
pub(crate) fn throughput(args: Args) -> Result<Output, Error> {
    match args.command {
        Some(Command::Measure { repeat, out }) => measure(repeat, out),
        Some(Command::Report { from }) => report(&from),
        None => report(Path::new(MEASUREMENTS)),
    }
}

fn measure(repeat: u32, out: PathBuf) -> Result<Output, Error> {
    let (n, hops, seed) = WORKLOAD;
    let delivered = relay(n, hops, seed); // also warms up
    let mut text = format!(
        "# cargo run --release -p sim -- throughput measure --repeat {repeat} --out {}\n\
         # machine: {}; {}; {}\n\
         # the relay workload: {n} processes, {hops} hops, seed {seed}: {delivered} messages delivered per run\n\
         run,seconds,messages_per_second\n",
        out.display(),
        notebook::machine::description(),
        notebook::machine::rustc(),
        notebook::machine::today(),
    );
    for i in 1..=repeat {
        let start = Instant::now();
        let count = relay(n, hops, seed);
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(count, delivered, "the same seed delivers the same messages");
        let _ = writeln!(text, "{i},{seconds:.6},{:.0}", delivered as f64 / seconds);
    }
    let mut output =
        Output::text(format!("wrote {} runs to {}\n", repeat, out.display()));
    output.file(out, text);
    Ok(output)
}

/// The rates of a measurements file, in messages per second, and its header lines.
fn read(from: &Path) -> Result<(Vec<String>, Vec<f64>), Error> {
    let text = std::fs::read_to_string(from)
        .map_err(|e| Error::Failed(format!("cannot read {}: {e}", from.display())))?;
    let mut header = Vec::new();
    let mut rates = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(comment) = line.strip_prefix("# ") {
            header.push(comment.to_owned());
            continue;
        }
        if line.starts_with("run,") || line.trim().is_empty() {
            continue;
        }
        let rate = line
            .split(',')
            .nth(2)
            .and_then(|r| r.parse::<f64>().ok())
            .filter(|r| r.is_finite() && *r > 0.0)
            .ok_or_else(|| {
                Error::Failed(format!(
                    "{}:{}: expected `run,seconds,messages_per_second`, found `{line}`",
                    from.display(),
                    i + 1
                ))
            })?;
        rates.push(rate);
    }
    if rates.is_empty() {
        return Err(Error::Failed(format!(
            "{} holds no measurements",
            from.display()
        )));
    }
    Ok((header, rates))
}

fn report(from: &Path) -> Result<Output, Error> {
    let (header, mut rates) = read(from)?;
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    let (low, high) = (rates[0], rates[rates.len() - 1]);
    let millions = |r: f64| format!("{:.1}", r / 1e6);
    let mut output = Output::default();
    for line in header.iter().filter(|l| !l.starts_with("cargo ")) {
        let _ = writeln!(output, "{line}");
    }
    let _ = writeln!(
        output,
        "\n{} runs on one core: median {} million messages per second (lowest {}, highest {})",
        rates.len(),
        millions(median),
        millions(low),
        millions(high)
    );
    output.value("median-millions", millions(median));
    output.value("low-millions", millions(low));
    output.value("high-millions", millions(high));
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_measurements_is_an_error_naming_it() {
        let dir = std::env::temp_dir().join("sim-throughput-test");
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.csv");
        std::fs::write(&empty, "# nothing\nrun,seconds,messages_per_second\n").unwrap();
        assert!(
            matches!(report(&empty), Err(Error::Failed(m)) if m.contains("no measurements"))
        );
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, "1,0.1,fast\n").unwrap();
        assert!(matches!(report(&bad), Err(Error::Failed(m)) if m.contains("bad.csv:1")));
    }
}
