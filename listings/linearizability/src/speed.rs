//! The experiment of the chapter: our checker's times beside Porcupine's on the same
//! histories.
//!
//! Timings depend on the machine, so they are measured once and kept in a file
//! (`listings/linearizability/measurements.csv`, with the command, machine and date in
//! its header); [`report`] turns that file into the chapter's table and figure, the same
//! bytes every time. [`measure`] writes the file: it times our checker in-process and
//! reads Porcupine's times from the output of its own benchmarks (`go test -run XXX
//! -bench . -benchtime 1s` in a checkout of Porcupine, which the book does not include).

use crate::check::{Options, check_with};
use crate::models::{CasRegister, Kv};
use crate::parse;
use figures::{Axis, Chart, Corner, Mark, Series};
use notebook::{Error, Output};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
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

/// Times the checker on every history and writes the measurements file.
#[derive(clap::Parser, Debug)]
#[command(name = "measure")]
struct MeasureArgs {
    /// Porcupine's test data.
    #[arg(long, default_value = "../shared/data/porcupine")]
    data: PathBuf,
    /// The output of Porcupine's `go test -run XXX -bench . -benchtime 1s`, run just
    /// before.
    #[arg(long)]
    porcupine: PathBuf,
    /// Runs per history; the median is kept.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=1000))]
    repeat: u32,
    /// Where to write the measurements.
    #[arg(long, default_value = "listings/linearizability/measurements.csv")]
    out: PathBuf,
    /// A description of the machine, for the header.
    #[arg(long, default_value = "unspecified machine")]
    machine: String,
}

/// Measures: `cargo run --release -p linearizability --example measure -- --porcupine
/// FILE`.
pub fn measure(args: &[String]) -> Result<Output, Error> {
    let args: MeasureArgs = notebook::parse("measure", args)?;
    let go = std::fs::read_to_string(&args.porcupine)
        .map_err(|e| Error::Failed(format!("{}: {e}", args.porcupine.display())))?;
    let mut porcupine = BTreeMap::new();
    for line in go.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [name, _, ns, "ns/op", ..] = words.as_slice()
            && let Some(name) = name.strip_prefix("Benchmark")
            && let Ok(ns) = ns.parse::<f64>()
        {
            porcupine.insert(name.split('-').next().unwrap_or(name).to_owned(), ns / 1e6);
        }
    }
    let mut csv = String::new();
    let _ = writeln!(
        csv,
        "# cargo run --release -p linearizability --example measure -- --porcupine {} --repeat {} --machine {:?}",
        args.porcupine.display(),
        args.repeat,
        args.machine
    );
    let _ = writeln!(csv, "# machine: {}", args.machine);
    let _ = writeln!(
        csv,
        "# times in milliseconds, parsing excluded; ours is the median of {} runs",
        args.repeat
    );
    let _ = writeln!(
        csv,
        "history,linearizable,porcupine,ours,ours_without_eager_reads,ours_one_thread"
    );
    for (name, path) in histories() {
        let text = std::fs::read_to_string(args.data.join(&path))
            .map_err(|e| Error::Failed(format!("{path}: {e}")))?;
        let time = |options: Options| -> Result<(bool, f64), Error> {
            let mut times = Vec::new();
            let mut verdict = false;
            for _ in 0..args.repeat {
                let started = Instant::now();
                verdict = if path.starts_with("kv/") {
                    let h = parse::kv_edn(&text)
                        .map_err(|e| Error::Failed(format!("{path}: {e}")))?;
                    let started_check = Instant::now();
                    let v = check_with(&Kv, &h, options).is_linearizable();
                    times.push(started_check.elapsed().as_secs_f64() * 1e3);
                    v
                } else {
                    let h = parse::porcupine_etcd(&text)
                        .map_err(|e| Error::Failed(format!("{path}: {e}")))?;
                    let started_check = Instant::now();
                    let v = check_with(&CasRegister, &h, options).is_linearizable();
                    times.push(started_check.elapsed().as_secs_f64() * 1e3);
                    v
                };
                let _ = started;
            }
            times.sort_by(f64::total_cmp);
            Ok((verdict, times[times.len() / 2]))
        };
        let (verdict, ours) = time(Options::default())?;
        let (_, lazy) = time(Options {
            eager_reads: false,
            ..Options::default()
        })?;
        let (_, single) = time(Options {
            threads: 1,
            ..Options::default()
        })?;
        let go = porcupine
            .get(&go_name(&name))
            .map_or("".to_owned(), |t| format!("{t:.4}"));
        let _ = writeln!(csv, "{name},{verdict},{go},{ours:.4},{lazy:.4},{single:.4}");
    }
    let mut output = Output::text(format!("wrote {}\n", args.out.display()));
    output.files.push((args.out, csv.into_bytes()));
    Ok(output)
}

/// One row of the measurements.
struct Row {
    name: String,
    porcupine: Option<f64>,
    ours: f64,
    lazy: f64,
    single: f64,
}

fn read_rows(path: &Path) -> Result<(Vec<String>, Vec<Row>), Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("error: {}: {e}\n", path.display())))?;
    let mut header = Vec::new();
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(comment) = line.strip_prefix("# ") {
            header.push(comment.to_owned());
            continue;
        }
        if line.starts_with("history,") || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let number = |s: &str| s.parse::<f64>().ok();
        let bad = || {
            Error::Usage(format!(
                "error: {}:{}: expected history,linearizable,porcupine,ours,ours_without_eager_reads,ours_one_thread\n",
                path.display(),
                i + 1
            ))
        };
        let [name, _, go, ours, lazy, single] = f.as_slice() else {
            return Err(bad());
        };
        rows.push(Row {
            name: (*name).to_owned(),
            porcupine: number(go),
            ours: number(ours).ok_or_else(bad)?,
            lazy: number(lazy).ok_or_else(bad)?,
            single: number(single).ok_or_else(bad)?,
        });
    }
    Ok((header, rows))
}

/// Draws the table and the figure from the measurements.
#[derive(clap::Parser, Debug)]
#[command(name = "speed")]
struct ReportArgs {
    /// The measurements file.
    #[arg(long, default_value = "listings/linearizability/measurements.csv")]
    times: PathBuf,
    /// Also draw the figure into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// Reports: `cargo run --release -p linearizability --example speed -- --svg FILE`.
pub fn report(args: &[String]) -> Result<Output, Error> {
    let args: ReportArgs = notebook::parse("speed", args)?;
    let (header, rows) = read_rows(&args.times)?;
    let mut out = String::new();
    for line in header.iter().filter(|l| l.starts_with("machine")) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "times in ms; ratio = Porcupine / ours\n");
    let _ = writeln!(
        out,
        "{:<22} {:>10} {:>10} {:>7} {:>16} {:>12}",
        "history", "Porcupine", "ours", "ratio", "no eager reads", "one thread"
    );
    let line =
        |out: &mut String, name: &str, go: f64, ours: f64, lazy: f64, single: f64| {
            let _ = writeln!(
                out,
                "{name:<22} {go:>10.3} {ours:>10.3} {:>7.1} {lazy:>16.3} {single:>12.3}",
                go / ours
            );
        };
    let etcd: Vec<&Row> = rows.iter().filter(|r| r.name.starts_with("etcd")).collect();
    let sum = |f: &dyn Fn(&Row) -> f64| etcd.iter().map(|r| f(r)).sum::<f64>();
    line(
        &mut out,
        "etcd, all 102 files",
        sum(&|r| r.porcupine.unwrap_or(0.0)),
        sum(&|r| r.ours),
        sum(&|r| r.lazy),
        sum(&|r| r.single),
    );
    let mut slowest: Vec<&Row> = etcd.clone();
    slowest.sort_by(|a, b| {
        b.porcupine
            .unwrap_or(0.0)
            .total_cmp(&a.porcupine.unwrap_or(0.0))
    });
    for r in slowest.iter().take(3).chain(
        rows.iter()
            .filter(|r| !r.name.starts_with("etcd"))
            .collect::<Vec<_>>()
            .iter(),
    ) {
        line(
            &mut out,
            &r.name,
            r.porcupine.unwrap_or(f64::NAN),
            r.ours,
            r.lazy,
            r.single,
        );
    }
    let compared: Vec<&Row> = rows.iter().filter(|r| r.porcupine.is_some()).collect();
    let slower = compared
        .iter()
        .filter(|r| r.ours >= r.porcupine.unwrap_or(0.0))
        .count();
    let mut ratios: Vec<f64> = compared
        .iter()
        .map(|r| r.porcupine.unwrap_or(0.0) / r.ours)
        .collect();
    ratios.sort_by(f64::total_cmp);
    if let (Some(min), Some(max)) = (ratios.first(), ratios.last()) {
        let _ = writeln!(
            out,
            "\n{} histories: ours is faster on {}; ratio from {min:.1} to {max:.1}, median {:.1}",
            compared.len(),
            compared.len() - slower,
            ratios[ratios.len() / 2]
        );
    }
    let mut output = Output::default();
    if let Some(path) = args.svg {
        let points = |prefix: &str| -> Vec<(f64, f64)> {
            compared
                .iter()
                .filter(|r| r.name.starts_with(prefix))
                .map(|r| (r.porcupine.unwrap_or(0.0), r.ours))
                .collect()
        };
        let lo = compared
            .iter()
            .flat_map(|r| [r.ours, r.porcupine.unwrap_or(1.0)])
            .fold(f64::INFINITY, f64::min)
            / 2.0;
        let hi = compared
            .iter()
            .flat_map(|r| [r.ours, r.porcupine.unwrap_or(1.0)])
            .fold(0.0, f64::max)
            * 2.0;
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
        let _ = writeln!(out, "\nfigure: {}", path.display());
        output.files.push((path, chart.to_svg().into_bytes()));
    }
    output.stdout = out;
    Ok(output)
}
