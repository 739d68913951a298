//! The program behind `cargo run --release -p linearizability -- check ...`.

use crate::check::{Verdict, check};
use crate::explain::{self, Describe, HasOutput};
use crate::model::Model;
use crate::models::{CasRegister, KnossosCasRegister, Kv, Register};
use crate::parse::{self, ParseError};
use clap::{Parser, Subcommand, ValueEnum};
use notebook::{Error, Output};
use process::History;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Checks histories for linearizability.
#[derive(Parser, Debug)]
#[command(name = "linearizability")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check each FILE and print `FILE: linearizable` or `FILE: not linearizable`.
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
        /// For a history that is not linearizable, draw the evidence into this SVG file
        /// (with one FILE only).
        #[arg(long, value_name = "PATH")]
        svg: Option<PathBuf>,
        /// The histories.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// History formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Jepsen's etcd logs as in Porcupine's test data (`INFO jepsen.util - 2 :invoke
    /// :write 4`).
    PorcupineEtcd,
    /// Porcupine's key-value histories: one EDN map per line, with `:key`.
    PorcupineKv,
    /// Jepsen's EDN operations: one map per line, or a vector of maps.
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
}

/// Runs the program on its command-line arguments (without the program name).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let Cli {
        command:
            Command::Check {
                format,
                model,
                time,
                explain,
                svg,
                files,
            },
    } = notebook::parse("linearizability", args)?;
    if svg.is_some() && files.len() != 1 {
        return Err(Error::Usage(
            "error: --svg draws one history: give exactly one FILE\n".into(),
        ));
    }
    let mut texts = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::Usage(format!("error: {}: {e}\n", file.display())))?;
        texts.push(text);
    }
    let unreadable = |file: &PathBuf, e: ParseError| {
        Error::Usage(format!(
            "error: {}:{}: {}\n",
            file.display(),
            e.line,
            e.message
        ))
    };
    let mut output = Output::default();
    for (file, text) in files.iter().zip(&texts) {
        let report = match (format, model) {
            (Format::PorcupineKv, ModelName::Kv) | (Format::JepsenEdn, ModelName::Kv) => {
                judge(
                    &Kv,
                    &parse::kv_edn(text).map_err(|e| unreadable(file, e))?,
                    time,
                    explain,
                )
            }
            (Format::PorcupineKv, _) => {
                return Err(Error::Usage(
                    "error: --format porcupine-kv goes with --model kv\n".into(),
                ));
            }
            (_, ModelName::Kv) => {
                return Err(Error::Usage(
                    "error: --model kv needs --format porcupine-kv or jepsen-edn\n"
                        .into(),
                ));
            }
            (Format::PorcupineEtcd | Format::JepsenEdn, register) => {
                let history = if format == Format::PorcupineEtcd {
                    parse::porcupine_etcd(text)
                } else {
                    parse::jepsen_edn_register(text)
                }
                .map_err(|e| unreadable(file, e))?;
                match register {
                    ModelName::CasRegister => {
                        judge(&CasRegister, &history, time, explain)
                    }
                    ModelName::KnossosCasRegister => {
                        judge(&KnossosCasRegister, &history, time, explain)
                    }
                    _ => judge(&Register, &history, time, explain),
                }
            }
        };
        let _ = write!(output.stdout, "{}: {}", file.display(), report.line);
        output.stdout.push_str(&report.details);
        if let (Some(path), Some(timeline)) = (&svg, report.timeline) {
            let _ = writeln!(output.stdout, "timeline: {}", path.display());
            output.files.push((path.clone(), timeline.into_bytes()));
        }
    }
    Ok(output)
}

struct Report {
    line: String,
    details: String,
    timeline: Option<String>,
}

fn judge<M>(
    model: &M,
    history: &History<M::Input, M::Output>,
    time: bool,
    explain: bool,
) -> Report
where
    M: Model,
    M::Input: Describe + HasOutput<Output = M::Output>,
{
    let started = Instant::now();
    let verdict = check(model, history);
    let elapsed = started.elapsed();
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
                    "Why the history is not linearizable",
                )
                .to_svg(),
            ),
        },
    }
}
