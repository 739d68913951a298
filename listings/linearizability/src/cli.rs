//! The programs of chapter 4, as one binary: `cargo run --release -p linearizability --
//! check ...` judges histories; `speed` and `measure` are the experiment against
//! Porcupine.

use crate::check::{Options, Verdict, check_with, undefined};
use crate::explain::{self, Describe, HasOutput};
use crate::model::Model;
use crate::models::{
    CasRegister, KnossosCasRegister, Kv, MultiRegister, Mutex, Register, RegisterOp,
    RegisterRet,
};
use crate::parse::{self, ParseError, Parsed};
use clap::{Parser, Subcommand, ValueEnum};
use notebook::{Error, Output};
use process::History;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Checks histories for linearizability.
#[derive(Parser, Debug)]
#[command(name = "linearizability")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check each FILE and print `FILE: linearizable`, `FILE: not linearizable`, or
    /// `FILE: unknown` if the check ran out of time.
    Check {
        /// The format of the files.
        #[arg(long, value_enum)]
        format: Format,
        /// The sequential specification to check against.
        #[arg(long, value_enum)]
        model: ModelName,
        /// Also print how long each check took (parsing excluded).
        #[arg(long)]
        time: bool,
        /// For a history that is not linearizable, print the evidence.
        #[arg(long)]
        explain: bool,
        /// Answer `unknown` for a history whose check takes longer than this, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
        timeout: u64,
        /// For a history that is not linearizable, draw the evidence into this SVG file
        /// (with one FILE only).
        #[arg(long, value_name = "PATH")]
        svg: Option<PathBuf>,
        /// The histories.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The comparison with Porcupine: a table and a figure from the measurements file.
    Speed(crate::speed::ReportArgs),
    /// Time Porcupine's benchmarks and this checker alternately, into a measurements file.
    Measure(crate::speed::MeasureArgs),
}

/// History formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Jepsen's etcd logs as in Porcupine's test data (`INFO jepsen.util - 2 :invoke
    /// :write 4`).
    PorcupineEtcd,
    /// Porcupine's key-value histories: one EDN map per line, with `:key`.
    PorcupineKv,
    /// Jepsen's EDN operations: one map per line, or one list or vector of maps; the
    /// nemesis's operations are ignored.
    JepsenEdn,
}

/// Sequential specifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ModelName {
    /// Compare-and-set register with Porcupine's etcd semantics.
    CasRegister,
    /// Compare-and-set register with Knossos' semantics (failures did not happen).
    KnossosCasRegister,
    /// Key-value store, checked key by key.
    Kv,
    /// Read/write register.
    Register,
    /// Knossos' registers read and written by `:txn` transactions (jepsen-edn).
    MultiRegister,
    /// Knossos' lock, with `:acquire` and `:release` (jepsen-edn).
    Mutex,
}

/// Runs the program on its command-line arguments (without the program name).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let Cli { command } = notebook::parse("linearizability", args)?;
    let (format, model, time, explain, timeout, svg, files) = match command {
        Command::Check {
            format,
            model,
            time,
            explain,
            timeout,
            svg,
            files,
        } => (format, model, time, explain, timeout, svg, files),
        Command::Speed(args) => return crate::speed::report(args),
        Command::Measure(args) => return crate::speed::measure(args),
    };
    if svg.is_some() && files.len() != 1 {
        return Err(Error::Usage(
            "error: --svg draws one history: give exactly one FILE\n".into(),
        ));
    }
    // What reads and checks a file, chosen before any is read.
    let checker: Checker = match (model, format) {
        (ModelName::CasRegister, Format::PorcupineEtcd | Format::JepsenEdn) => {
            |judge, text| judge.judge(&CasRegister, judge.registers(text))
        }
        (ModelName::KnossosCasRegister, Format::PorcupineEtcd | Format::JepsenEdn) => {
            |judge, text| judge.judge(&KnossosCasRegister, judge.registers(text))
        }
        (ModelName::Register, Format::PorcupineEtcd | Format::JepsenEdn) => {
            |judge, text| judge.judge(&Register, judge.registers(text))
        }
        (ModelName::Kv, Format::PorcupineKv | Format::JepsenEdn) => {
            |judge, text| judge.judge(&Kv, parse::kv_edn(text))
        }
        (ModelName::MultiRegister, Format::JepsenEdn) => {
            |judge, text| judge.judge(&MultiRegister, parse::jepsen_edn_txn(text))
        }
        (ModelName::Mutex, Format::JepsenEdn) => {
            |judge, text| judge.judge(&Mutex, parse::jepsen_edn_mutex(text))
        }
        (model, format) => {
            return Err(Error::Usage(format!(
                "error: --model {} does not read --format {}\n",
                name(model),
                name(format)
            )));
        }
    };
    let mut texts = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::Usage(format!("error: {}: {e}\n", file.display())))?;
        texts.push(text);
    }
    let mut output = Output::default();
    for (file, text) in files.iter().zip(&texts) {
        let judge = Judge {
            file,
            format,
            model,
            time,
            explain,
            budget: Duration::from_secs(timeout),
        };
        let report = checker(&judge, text)?;
        let _ = write!(output.stdout, "{}: {}", file.display(), report.line);
        output.stdout.push_str(&report.details);
        if let (Some(path), Some(timeline)) = (&svg, report.timeline) {
            let _ = writeln!(output.stdout, "timeline: {}", path.display());
            output.files.push((path.clone(), timeline.into_bytes()));
        }
    }
    Ok(output)
}

/// A choice as it is typed on the command line.
fn name(choice: impl ValueEnum) -> String {
    choice
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

/// Reads a file and checks it.
type Checker = fn(&Judge<'_>, &str) -> Result<Report, Error>;

/// How to read and report on one file.
struct Judge<'a> {
    file: &'a Path,
    format: Format,
    model: ModelName,
    time: bool,
    explain: bool,
    budget: Duration,
}

impl Judge<'_> {
    /// Reads a register's history in the file's format.
    fn registers(
        &self,
        text: &str,
    ) -> Result<Parsed<RegisterOp, RegisterRet>, ParseError> {
        match self.format {
            Format::PorcupineEtcd => parse::porcupine_etcd(text),
            Format::PorcupineKv | Format::JepsenEdn => parse::jepsen_edn_register(text),
        }
    }

    /// Checks a history read from the file: an unreadable file, or an operation the model
    /// does not define, is an error with the line.
    fn judge<M>(
        &self,
        model: &M,
        parsed: Result<Parsed<M::Input, M::Output>, ParseError>,
    ) -> Result<Report, Error>
    where
        M: Model,
        M::Input: Describe + HasOutput<Output = M::Output>,
    {
        let file = self.file.display();
        let Parsed { history, lines } = parsed.map_err(|e| {
            Error::Usage(format!("error: {file}:{}: {}\n", e.line, e.message))
        })?;
        if let Some(i) = undefined(model, &history) {
            let op = &history.operations[i];
            return Err(Error::Usage(format!(
                "error: {file}:{}: {}: an operation --model {} does not define\n",
                lines[i],
                op.request.describe(op.returned.as_ref().map(|(o, _)| o)),
                name(self.model)
            )));
        }
        Ok(judge(model, &history, self))
    }
}

struct Report {
    line: String,
    details: String,
    timeline: Option<String>,
}

fn judge<M>(model: &M, history: &History<M::Input, M::Output>, how: &Judge<'_>) -> Report
where
    M: Model,
    M::Input: Describe + HasOutput<Output = M::Output>,
{
    let started = Instant::now();
    let options = Options {
        budget: Some(how.budget),
        ..Options::default()
    };
    let verdict = check_with(model, history, options);
    let elapsed = started.elapsed();
    let (time, explain) = (how.time, how.explain);
    let timing = if time {
        format!(" ({:.3} ms)", elapsed.as_secs_f64() * 1e3)
    } else {
        String::new()
    };
    match verdict {
        Verdict::Linearizable => Report {
            line: format!("linearizable{timing}\n"),
            details: String::new(),
            timeline: None,
        },
        Verdict::Unknown(budget) => Report {
            line: format!("unknown: no answer within {} s{timing}\n", budget.as_secs()),
            details: String::new(),
            timeline: None,
        },
        Verdict::NotLinearizable(evidence) => Report {
            line: format!("not linearizable{timing}\n"),
            details: if explain {
                explain::text(model, history, &evidence, 6)
            } else {
                String::new()
            },
            timeline: Some(
                explain::timeline(
                    history,
                    &evidence,
                    6,
                    "Where the search for a linearization gets furthest",
                )
                .to_svg(),
            ),
        },
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p linearizability -- check --format porcupine-kv --model kv data/porcupine/kv/*.txt",
            "src/outputs/linearizability-kv.txt",
            crate::cli::run
        ),
        notebook::cell!(
            "cargo run --release -p linearizability -- check --format porcupine-etcd --model cas-register data/porcupine/jepsen/etcd_00*.log",
            "src/outputs/linearizability-etcd.txt",
            crate::cli::run
        ),
        notebook::cell!(
            "cargo run --release -p linearizability -- check --format porcupine-kv --model kv --explain data/porcupine/kv/c10-bad.txt",
            "src/outputs/linearizability-explain-kv.txt",
            crate::cli::run
        ),
        notebook::cell!(
            "cargo run --release -p linearizability -- check --format porcupine-etcd --model cas-register --explain --svg src/figures/linearizability-etcd-000.svg data/porcupine/jepsen/etcd_000.log",
            "src/outputs/linearizability-explain-etcd.txt",
            crate::cli::run
        ),
        notebook::cell!(
            "cargo run --release -p linearizability -- speed --svg src/figures/linearizability-speed.svg",
            "src/outputs/linearizability-speed.txt",
            crate::cli::run
        ),
    ]
}
