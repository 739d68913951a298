//! The experiment of the chapter: our checker's times beside Porcupine's on the same
//! histories, measured the same way.
//!
//! Timings depend on the machine, so they are measured once and kept in a file
//! (`listings/linearizability/measurements.csv`, whose header names the command, the
//! machine, the date, Go's version and Porcupine's commit); [`report`] turns that file into
//! the chapter's table and figure, the same bytes every time. [`measure`] writes the file.
//! Both checkers are timed alike: each repetition runs Porcupine's own benchmarks once
//! (its compiled test binary, `-test.benchtime 1x`: one check per history) and then ours
//! once per history and variant, in-process, so that the two alternate; parsing is
//! excluded on both sides.

use crate::check::{Options, check_with};
use crate::models::{CasRegister, Kv};
use crate::parse;
use figures::{Axis, Chart, Corner, Mark, Series};
use notebook::{Error, Output};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The histories, in the order of Porcupine's benchmarks: (name, path under the data
/// directory).
fn histories() -> Vec<(String, String)> {
    let etcd = (0..=102)
        .filter(|&n| n != 95)
        .map(|n| (format!("etcd_{n:03}"), format!("jepsen/etcd_{n:03}.log")));
    let kv = [
        "c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad",
    ]
    .map(|k| (k.to_owned(), format!("kv/{k}.txt")));
    etcd.chain(kv).collect()
}

/// Porcupine's benchmark name for a history.
fn go_name(name: &str) -> String {
    match name {
        "c01-ok" => "Kv1ClientOk".into(),
        "c01-bad" => "Kv1ClientBad".into(),
        "c10-ok" => "Kv10ClientsOk".into(),
        "c10-bad" => "Kv10ClientsBad".into(),
        "c50-ok" => "Kv50ClientsOk".into(),
        "c50-bad" => "Kv50ClientsBad".into(),
        etcd => format!("EtcdJepsen{}", etcd.trim_start_matches("etcd_")),
    }
}

/// Times both checkers on every history, alternating, and writes the measurements.
#[derive(clap::Args, Debug)]
pub(crate) struct MeasureArgs {
    /// A checkout of Porcupine in which its test binary has been built with
    /// `go test -c -o porcupine.test` (it reads its own copy of the same test data).
    #[arg(long, value_name = "DIR")]
    porcupine: PathBuf,
    /// Our copy of Porcupine's test data.
    #[arg(long, default_value = "data/porcupine")]
    data: PathBuf,
    /// Repetitions: each runs every history once with each checker.
    #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u32).range(1..=1000))]
    repeat: u32,
    /// Where to write the measurements (the book's own file is
    /// listings/linearizability/measurements.csv).
    #[arg(long, default_value = "target/linearizability-measurements.csv")]
    out: PathBuf,
}

/// The first line a command prints, or `unknown`.
fn first_line(command: &mut Command) -> String {
    command
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// One run of Porcupine's benchmarks, one check each: milliseconds by benchmark name.
fn porcupine_once(dir: &Path) -> Result<BTreeMap<String, f64>, Error> {
    let binary = dir.join("porcupine.test");
    let run = Command::new(&binary)
        .args(["-test.run", "XXX", "-test.bench", ".", "-test.benchtime", "1x"])
        .current_dir(dir)
        .output()
        .map_err(|e| {
            Error::Failed(format!(
                "cannot run {}: {e} (build it in the checkout with `go test -c -o porcupine.test`)",
                binary.display()
            ))
        })?;
    if !run.status.success() {
        return Err(Error::Failed(format!(
            "{} failed: {}",
            binary.display(),
            String::from_utf8_lossy(&run.stderr).trim()
        )));
    }
    let mut times = BTreeMap::new();
    for line in String::from_utf8_lossy(&run.stdout).lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [name, _, ns, "ns/op", ..] = words.as_slice()
            && let Some(name) = name.strip_prefix("Benchmark")
            && let Ok(ns) = ns.parse::<f64>()
        {
            times.insert(name.split('-').next().unwrap_or(name).to_owned(), ns / 1e6);
        }
    }
    Ok(times)
}

/// A history parsed once, ready to be checked many times.
enum Parsed {
    Etcd(process::History<crate::models::RegisterOp, crate::models::RegisterRet>),
    Kv(process::History<crate::models::KvOp, crate::models::KvRet>),
}

impl Parsed {
    /// Checks it once with `options`: the verdict and the milliseconds it took.
    fn check(&self, options: Options) -> (bool, f64) {
        let started = Instant::now();
        let verdict = match self {
            Parsed::Etcd(h) => check_with(&CasRegister, h, options).is_linearizable(),
            Parsed::Kv(h) => check_with(&Kv, h, options).is_linearizable(),
        };
        (verdict, started.elapsed().as_secs_f64() * 1e3)
    }
}

/// Measures: `cargo run --release -p linearizability -- measure --porcupine
/// DIR`.
pub(crate) fn measure(args: MeasureArgs) -> Result<Output, Error> {
    let mut parsed = Vec::new();
    for (name, path) in histories() {
        let text = std::fs::read_to_string(args.data.join(&path))
            .map_err(|e| Error::Failed(format!("{path}: {e}")))?;
        let failed = |e: parse::ParseError| Error::Failed(format!("{path}: {e}"));
        let history = if path.starts_with("kv/") {
            Parsed::Kv(parse::kv_edn(&text).map_err(failed)?.history)
        } else {
            Parsed::Etcd(parse::porcupine_etcd(&text).map_err(failed)?.history)
        };
        parsed.push((name, history));
    }
    let commit = first_line(
        Command::new("git")
            .arg("-C")
            .arg(&args.porcupine)
            .args(["rev-parse", "HEAD"]),
    );
    let mut csv = String::new();
    let _ = writeln!(
        csv,
        "# cargo run --release -p linearizability -- measure --porcupine {} --repeat {} --out {}",
        args.porcupine.display(),
        args.repeat,
        args.out.display()
    );
    let _ = writeln!(
        csv,
        "# machine: {}; {}; {}",
        notebook::machine::description(),
        notebook::machine::rustc(),
        notebook::machine::today()
    );
    let _ = writeln!(
        csv,
        "# porcupine: commit {commit}; {}",
        first_line(Command::new("go").arg("version"))
    );
    let _ = writeln!(
        csv,
        "# times in milliseconds, one check per sample, parsing excluded; {} repetitions, each \
         running Porcupine's benchmarks once and then ours",
        args.repeat
    );
    let _ = writeln!(
        csv,
        "history,linearizable,repetition,porcupine,ours,ours_without_eager_reads,ours_one_thread"
    );
    for repetition in 1..=args.repeat {
        let go = porcupine_once(&args.porcupine)?;
        for (name, history) in &parsed {
            let (verdict, ours) = history.check(Options::default());
            let (_, lazy) = history.check(Options {
                eager_reads: false,
                ..Options::default()
            });
            let (_, single) = history.check(Options {
                threads: 1,
                ..Options::default()
            });
            let go = go.get(&go_name(name)).ok_or_else(|| {
                Error::Failed(format!(
                    "Porcupine's benchmarks printed no time for {}",
                    go_name(name)
                ))
            })?;
            let _ = writeln!(
                csv,
                "{name},{verdict},{repetition},{go:.4},{ours:.4},{lazy:.4},{single:.4}"
            );
        }
    }
    let mut output = Output::text(format!("wrote {}\n", args.out.display()));
    output.file(args.out, csv);
    Ok(output)
}

/// The samples of one history: each variant's times, one per repetition, in order.
#[derive(Default)]
struct Row {
    name: String,
    porcupine: Vec<f64>,
    ours: Vec<f64>,
    lazy: Vec<f64>,
    single: Vec<f64>,
}

/// The median of samples (the upper one of an even count).
fn median(samples: &[f64]) -> f64 {
    sorted(samples)[samples.len() / 2]
}

/// Samples in increasing order.
fn sorted(samples: &[f64]) -> Vec<f64> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// Reads a measurements file: its header lines and a row per history, in file order.
fn read_rows(path: &Path) -> Result<(Vec<String>, Vec<Row>), Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Failed(format!("{}: {e}", path.display())))?;
    let mut header = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(comment) = line.strip_prefix("# ") {
            header.push(comment.to_owned());
            continue;
        }
        if line.starts_with("history,") || line.trim().is_empty() {
            continue;
        }
        let bad = || {
            Error::Failed(format!(
                "{}:{}: expected history,linearizable,repetition,porcupine,ours,\
                 ours_without_eager_reads,ours_one_thread with positive times, found `{line}`",
                path.display(),
                i + 1
            ))
        };
        let f: Vec<&str> = line.split(',').collect();
        let [name, _, _, go, ours, lazy, single] = f.as_slice() else {
            return Err(bad());
        };
        let time = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|t| t.is_finite() && *t > 0.0)
                .ok_or_else(bad)
        };
        let at = match rows.iter().position(|r| r.name == *name) {
            Some(at) => at,
            None => {
                rows.push(Row {
                    name: (*name).to_owned(),
                    ..Row::default()
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[at];
        row.porcupine.push(time(go)?);
        row.ours.push(time(ours)?);
        row.lazy.push(time(lazy)?);
        row.single.push(time(single)?);
    }
    if rows.is_empty() {
        return Err(Error::Failed(format!(
            "{} holds no measurements",
            path.display()
        )));
    }
    Ok((header, rows))
}

/// Draws the table and the figure from the measurements.
#[derive(clap::Args, Debug)]
pub(crate) struct ReportArgs {
    /// The measurements file.
    #[arg(long, default_value = "listings/linearizability/measurements.csv")]
    times: PathBuf,
    /// Also draw the figure into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// Reports: `cargo run --release -p linearizability -- speed --svg FILE`.
pub(crate) fn report(args: ReportArgs) -> Result<Output, Error> {
    let (header, rows) = read_rows(&args.times)?;
    let repetitions = rows[0].ours.len();
    if rows.iter().any(|r| r.ours.len() != repetitions) {
        return Err(Error::Failed(format!(
            "{}: not every history has {repetitions} repetitions",
            args.times.display()
        )));
    }
    let mut output = Output::default();
    for line in header
        .iter()
        .filter(|l| !l.starts_with("cargo ") && !l.starts_with("times"))
    {
        let _ = writeln!(output, "{line}");
    }
    let _ = writeln!(
        output,
        "times in ms, one check per sample, parsing excluded: the median of {repetitions} \
         repetitions\n(lowest–highest for the etcd total); ratio = Porcupine / ours\n"
    );
    let _ = writeln!(
        output,
        "{:<20} {:>21} {:>21} {:>6} {:>10} {:>10}",
        "history", "Porcupine", "ours", "ratio", "no eager", "one thread"
    );
    let etcd: Vec<&Row> = rows.iter().filter(|r| r.name.starts_with("etcd")).collect();
    // The etcd total of each repetition, in increasing order.
    let total = |f: &dyn Fn(&Row) -> &Vec<f64>| -> Vec<f64> {
        sorted(
            &(0..repetitions)
                .map(|k| etcd.iter().map(|r| f(r)[k]).sum())
                .collect::<Vec<f64>>(),
        )
    };
    let (go, ours) = (total(&|r| &r.porcupine), total(&|r| &r.ours));
    let (lazy, single) = (total(&|r| &r.lazy), total(&|r| &r.single));
    let spread =
        |v: &[f64]| format!("{:.1} ({:.1}–{:.1})", median(v), v[0], v[v.len() - 1]);
    let _ = writeln!(
        output,
        "{:<20} {:>21} {:>21} {:>6.1} {:>10.1} {:>10.1}",
        format!("etcd, all {}", etcd.len()),
        spread(&go),
        spread(&ours),
        median(&go) / median(&ours),
        median(&lazy),
        median(&single)
    );
    output.value("etcd-files", etcd.len());
    output.value("etcd-porcupine-ms", format!("{:.0}", median(&go)));
    output.value("etcd-ours-ms", format!("{:.0}", median(&ours)));
    output.value("etcd-lazy-ms", format!("{:.0}", median(&lazy)));
    output.value("etcd-single-ms", format!("{:.0}", median(&single)));
    output.value("etcd-ratio", format!("{:.1}", median(&go) / median(&ours)));
    let gap = median(&go) - median(&ours);
    output.value(
        "eager-share-percent",
        format!("{:.0}", 100.0 * (median(&lazy) - median(&ours)) / gap),
    );
    let mut slowest: Vec<&Row> = etcd.clone();
    slowest.sort_by(|a, b| median(&b.porcupine).total_cmp(&median(&a.porcupine)));
    let kv = rows.iter().filter(|r| !r.name.starts_with("etcd"));
    for r in slowest.iter().copied().take(3).chain(kv) {
        let _ = writeln!(
            output,
            "{:<20} {:>21.3} {:>21.3} {:>6.1} {:>10.3} {:>10.3}",
            r.name,
            median(&r.porcupine),
            median(&r.ours),
            median(&r.porcupine) / median(&r.ours),
            median(&r.lazy),
            median(&r.single)
        );
    }
    let ratio = |r: &Row| median(&r.porcupine) / median(&r.ours);
    let faster = rows.iter().filter(|r| ratio(r) > 1.0).count();
    let twice = rows.iter().filter(|r| ratio(r) >= 2.0).count();
    let mut ratios: Vec<f64> = rows.iter().map(ratio).collect();
    ratios.sort_by(f64::total_cmp);
    let (lowest, highest) = (ratios[0], ratios[ratios.len() - 1]);
    let _ = writeln!(
        output,
        "\n{} histories: ours is faster on {faster}, at least twice as fast on {twice}; ratio \
         from {lowest:.1} to {highest:.1}, median {:.1}",
        rows.len(),
        median(&ratios)
    );
    let one_thread_faster: Vec<&str> = rows
        .iter()
        .filter(|r| !r.name.starts_with("etcd") && median(&r.single) <= median(&r.ours))
        .map(|r| r.name.as_str())
        .collect();
    let listed = if one_thread_faster.is_empty() {
        "none".to_owned()
    } else {
        one_thread_faster.join(", ")
    };
    let _ = writeln!(
        output,
        "key-value histories on which one thread is as fast or faster: {listed}"
    );
    output.value("one-thread-faster", listed);
    output.value("histories", rows.len());
    output.value("faster", faster);
    output.value("twice", twice);
    output.value("ratio-lowest", format!("{lowest:.1}"));
    output.value("ratio-highest", format!("{highest:.1}"));
    output.value("ratio-median", format!("{:.1}", median(&ratios)));
    output.value("repetitions", repetitions);
    if let Some(path) = args.svg {
        let points = |prefix: &str| -> Vec<(f64, f64)> {
            rows.iter()
                .filter(|r| r.name.starts_with(prefix))
                .map(|r| (median(&r.porcupine), median(&r.ours)))
                .collect()
        };
        let all: Vec<f64> = rows
            .iter()
            .flat_map(|r| [median(&r.porcupine), median(&r.ours)])
            .collect();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min) / 2.0;
        let hi = all.iter().copied().fold(0.0, f64::max) * 2.0;
        let chart = Chart {
            title: "Checking time per history: ours against Porcupine".into(),
            x: Axis::log("Porcupine (ms)", lo..hi),
            y: Axis::log("ours (ms)", lo..hi),
            series: vec![
                Series::new("etcd histories", points("etcd"), Mark::Dots),
                Series::new("kv histories", points("c"), Mark::Dots),
                Series::new("equal time", vec![(lo, lo), (hi, hi)], Mark::Dashed),
                Series::new(
                    "twice as fast",
                    vec![(lo, lo / 2.0), (hi, hi / 2.0)],
                    Mark::Line,
                ),
            ],
            legend: Corner::LowerRight,
        };
        output.figure("\nfigure", path, chart.to_svg());
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_measurements_or_with_a_bad_time_is_an_error_naming_it() {
        let dir = std::env::temp_dir().join("linearizability-speed-test");
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.csv");
        std::fs::write(&empty, "# nothing measured\nhistory,linearizable,repetition,porcupine,ours,ours_without_eager_reads,ours_one_thread\n").unwrap();
        let args = |p: &Path| ReportArgs {
            times: p.to_path_buf(),
            svg: None,
        };
        assert!(
            matches!(report(args(&empty)), Err(Error::Failed(m)) if m.contains("no measurements"))
        );
        let zero = dir.join("zero.csv");
        std::fs::write(&zero, "etcd_000,false,1,0,1,1,1\n").unwrap();
        assert!(
            matches!(report(args(&zero)), Err(Error::Failed(m)) if m.contains("zero.csv:1"))
        );
    }
}
