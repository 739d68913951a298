//! The cells of the book: every command whose output or figure the book includes.
//!
//! A cell is a command exactly as a reader types it from the repository root, the file
//! where its printed output is kept (the command, then the output), and the program the
//! example's
//! `main` runs. `cargo xtask bless` runs every program in-process and writes its files;
//! the book-level tests run them again and fail on any difference.

use anyhow::{Context, Result, bail};
use notebook::Program;
use std::path::{Path, PathBuf};

/// A command whose output or files the book includes.
pub struct Cell {
    /// The command as a reader types it: `cargo run --release -p CRATE --example NAME --
    /// ARGS`.
    pub command: &'static str,
    /// The file (relative to the repository root) keeping the command and its output, if
    /// the book shows the output.
    pub output: Option<&'static str>,
    /// The program the example runs.
    pub program: Program,
    /// The program's path, as the example's `main` names it.
    pub program_path: &'static str,
    /// Whether the program takes too long for every `cargo test` (tens of seconds): then
    /// the normal tests only check that its files exist and are shown, and
    /// `cargo test --workspace --test no_drift -- --ignored` regenerates and compares them.
    pub slow: bool,
}

macro_rules! cell {
    ($command:expr, $output:expr, $program:path) => {
        Cell {
            command: $command,
            output: $output,
            program: $program,
            program_path: stringify!($program),
            slow: false,
        }
    };
    (slow: $command:expr, $output:expr, $program:path) => {
        Cell {
            command: $command,
            output: $output,
            program: $program,
            program_path: stringify!($program),
            slow: true,
        }
    };
}

/// Every cell of the book, in reading order.
pub fn all() -> Vec<Cell> {
    vec![
        // Introduction
        cell!(
            "cargo run --release -p quorum --example intersection -- --n 100 --trials 100000 --seed 1 --svg src/figures/quorum-intersection.svg",
            Some("src/outputs/quorum-intersection.txt"),
            quorum::intersection::run
        ),
        // The network is not reliable
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --diagrams none",
            Some("src/outputs/fallacies.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy loss --writes 3 --out src/figures --diagrams both",
            Some("src/outputs/fallacy-loss.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy latency --writes 3 --out src/figures --diagrams naive",
            Some("src/outputs/fallacy-latency.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy bandwidth --writes 3 --out src/figures --diagrams naive",
            Some("src/outputs/fallacy-bandwidth.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy tampering --writes 3 --out src/figures --diagrams naive",
            Some("src/outputs/fallacy-tampering.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy partition --writes 3 --out src/figures --diagrams naive",
            Some("src/outputs/fallacy-partition.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy crash --writes 3 --out src/figures --diagrams naive",
            Some("src/outputs/fallacy-crash.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy cost --writes 3 --diagrams none",
            Some("src/outputs/fallacy-cost.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy heterogeneity --writes 3 --out src/figures --diagrams naive",
            Some("src/outputs/fallacy-heterogeneity.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy duplication --writes 3 --out src/figures --diagrams naive",
            Some("src/outputs/fallacy-duplication.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example fallacies -- --seed 1 --fallacy reordering --writes 3 --out src/figures --diagrams naive",
            Some("src/outputs/fallacy-reordering.txt"),
            replication::fallacies::run
        ),
        cell!(
            "cargo run --release -p sim --example throughput",
            Some("src/outputs/sim-throughput.txt"),
            sim::throughput::run
        ),
        cell!(
            "cargo run --release -p net --example replay -- --logs listings/net/recorded --svg src/figures/net-cluster.svg",
            Some("src/outputs/net-cluster.txt"),
            net::replay::run
        ),
        // Time, clocks, and the ordering of events
        cell!(
            "cargo run --release -p clocks --example stamps -- --seed 3 --svg src/figures/clocks-stamps.svg",
            Some("src/outputs/clocks-stamps.txt"),
            clocks::programs::stamps
        ),
        cell!(
            "cargo run --release -p clocks --example forgetful -- --svg src/figures/clocks-forgetful.svg",
            Some("src/outputs/clocks-forgetful.txt"),
            clocks::programs::forgetful
        ),
        cell!(
            "cargo run --release -p clocks --example inversions -- --seeds 20 --svg src/figures/clocks-inversions.svg",
            Some("src/outputs/clocks-inversions.txt"),
            clocks::programs::inversions
        ),
        // What "correct" means: linearizability
        cell!(
            "cargo run --release -p linearizability -- check --format porcupine-kv --model kv data/porcupine/kv/*.txt",
            Some("src/outputs/linearizability-kv.txt"),
            linearizability::cli::run
        ),
        cell!(
            "cargo run --release -p linearizability -- check --format porcupine-etcd --model cas-register data/porcupine/jepsen/etcd_00*.log",
            Some("src/outputs/linearizability-etcd.txt"),
            linearizability::cli::run
        ),
        cell!(
            "cargo run --release -p linearizability -- check --format porcupine-kv --model kv --explain data/porcupine/kv/c10-bad.txt",
            Some("src/outputs/linearizability-explain-kv.txt"),
            linearizability::cli::run
        ),
        cell!(
            "cargo run --release -p linearizability -- check --format porcupine-etcd --model cas-register --explain --svg src/figures/linearizability-etcd-000.svg data/porcupine/jepsen/etcd_000.log",
            Some("src/outputs/linearizability-explain-etcd.txt"),
            linearizability::cli::run
        ),
        cell!(
            "cargo run --release -p linearizability --example speed -- --svg src/figures/linearizability-speed.svg",
            Some("src/outputs/linearizability-speed.txt"),
            linearizability::speed::report
        ),
        // Checking every execution
        cell!(
            "cargo run --release -p modelcheck --example two_phase -- --rms 3 --no-time",
            Some("src/outputs/modelcheck-two-phase.txt"),
            modelcheck::programs::two_phase
        ),
        cell!(
            slow: "cargo run --release -p modelcheck --example explosion -- --up-to 9 --svg src/figures/modelcheck-explosion.svg",
            Some("src/outputs/modelcheck-explosion.txt"),
            modelcheck::programs::explosion
        ),
        cell!(
            "cargo run --release -p modelcheck --example two_phase -- --rms 3 --bug --no-time",
            Some("src/outputs/modelcheck-two-phase-bug.txt"),
            modelcheck::programs::two_phase
        ),
        cell!(
            "cargo run --release -p modelcheck --example commit -- --rms 3",
            Some("src/outputs/modelcheck-commit.txt"),
            modelcheck::programs::commit
        ),
        cell!(
            "cargo run --release -p modelcheck --example commit -- --rms 3 --loss --duplication",
            Some("src/outputs/modelcheck-commit-faults.txt"),
            modelcheck::programs::commit
        ),
        cell!(
            "cargo run --release -p modelcheck --example commit -- --rms 3 --bug --svg src/figures/modelcheck-commit-bug.svg",
            Some("src/outputs/modelcheck-commit-bug.txt"),
            modelcheck::programs::commit
        ),
        cell!(
            "cargo run --release -p modelcheck --example preemption -- --svg src/figures/modelcheck-preemption.svg",
            Some("src/outputs/modelcheck-preemption.txt"),
            modelcheck::programs::preemption
        ),
        cell!(
            "cargo run --release -p modelcheck --example speed",
            Some("src/outputs/modelcheck-speed.txt"),
            modelcheck::programs::speed
        ),
        // CAP
        cell!(
            "cargo run --release -p cap --example partition -- --register abd --seed 1 --svg src/figures/cap-partition-abd.svg",
            Some("src/outputs/cap-partition-abd.txt"),
            cap::programs::partition
        ),
        cell!(
            "cargo run --release -p cap --example partition -- --register available --seed 1 --svg src/figures/cap-partition-available.svg",
            Some("src/outputs/cap-partition-available.txt"),
            cap::programs::partition
        ),
        cell!(
            "cargo run --release -p cap --example pacelc -- --svg src/figures/cap-pacelc.svg",
            Some("src/outputs/cap-pacelc.txt"),
            cap::programs::pacelc
        ),
        // Quorums
        cell!(
            "cargo run --release -p abd --example check -- --scenario write-read",
            Some("src/outputs/abd-check.txt"),
            abd::programs::check
        ),
        cell!(
            "cargo run --release -p abd --example check -- --scenario write-read --duplication",
            Some("src/outputs/abd-check-duplication.txt"),
            abd::programs::check
        ),
        cell!(
            "cargo run --release -p abd --example check -- --scenario write-read --crashes 1 --restarts",
            Some("src/outputs/abd-check-restarts.txt"),
            abd::programs::check
        ),
        cell!(
            slow: "cargo run --release -p abd --example check -- --scenario write-read --duplication --crashes 1 --restarts",
            Some("src/outputs/abd-check-all.txt"),
            abd::programs::check
        ),
        cell!(
            "cargo run --release -p abd --example check -- --scenario write-read-read --variant no-write-back --svg src/figures/abd-no-write-back.svg",
            Some("src/outputs/abd-no-write-back.txt"),
            abd::programs::check
        ),
        cell!(
            "cargo run --release -p abd --example check -- --scenario write-read --variant forgetful --crashes 1 --restarts",
            Some("src/outputs/abd-forgetful.txt"),
            abd::programs::check
        ),
        cell!(
            slow: "cargo run --release -p abd --example check -- --scenario write-read-read",
            Some("src/outputs/abd-check-write-read-read.txt"),
            abd::programs::check
        ),
        cell!(
            "cargo run --release -p abd --example simulate -- --seeds 200",
            Some("src/outputs/abd-simulate.txt"),
            abd::programs::simulate
        ),
        cell!(
            "cargo run --release -p abd --example simulate -- --seeds 200 --variant no-write-back",
            Some("src/outputs/abd-simulate-no-write-back.txt"),
            abd::programs::simulate
        ),
        cell!(
            "cargo run --release -p abd --example delays",
            Some("src/outputs/abd-delays.txt"),
            abd::programs::delays
        ),
        cell!(
            "cargo run --release -p abd --example latency -- --svg src/figures/abd-latency.svg",
            Some("src/outputs/abd-latency.txt"),
            abd::programs::latency
        ),
        cell!(
            "cargo run --release -p abd --example availability -- --svg src/figures/abd-availability.svg",
            Some("src/outputs/abd-availability.txt"),
            abd::programs::availability
        ),
        // FLP
        cell!(
            "cargo run --release -p flp --example adversary -- --protocol majority-of-rest --svg src/figures/flp-majority-of-rest.svg",
            Some("src/outputs/flp-majority-of-rest.txt"),
            flp::programs::adversary
        ),
        cell!(
            "cargo run --release -p flp --example adversary -- --protocol wait-for-all --svg src/figures/flp-wait-for-all.svg",
            Some("src/outputs/flp-wait-for-all.txt"),
            flp::programs::adversary
        ),
        cell!(
            "cargo run --release -p flp --example adversary -- --protocol coordinator",
            Some("src/outputs/flp-coordinator.txt"),
            flp::programs::adversary
        ),
        cell!(
            "cargo run --release -p flp --example adversary -- --protocol rounds --stages 12 --svg src/figures/flp-rounds.svg",
            Some("src/outputs/flp-rounds.txt"),
            flp::programs::adversary
        ),
        cell!(
            "cargo run --release -p flp --example lasso -- --svg src/figures/flp-lasso.svg",
            Some("src/outputs/flp-lasso.txt"),
            flp::programs::lasso
        ),
        cell!(
            "cargo run --release -p flp --example lasso -- --inputs 001",
            Some("src/outputs/flp-lasso-001.txt"),
            flp::programs::lasso
        ),
        cell!(
            slow: "cargo run --release -p flp --example lasso -- --inputs 0111",
            Some("src/outputs/flp-lasso-4.txt"),
            flp::programs::lasso
        ),
        cell!(
            "cargo run --release -p flp --example ben_or -- --n 5 --f 2 --seeds 1000",
            Some("src/outputs/flp-ben-or.txt"),
            flp::programs::ben_or
        ),
        cell!(
            "cargo run --release -p flp --example rounds -- --seeds 1000 --svg src/figures/flp-ben-or-rounds.svg",
            Some("src/outputs/flp-ben-or-rounds.txt"),
            flp::programs::rounds
        ),
        cell!(
            "cargo run --release -p flp --example ben_or -- --n 5 --f 2 --seeds 1000 --majority-of-received",
            Some("src/outputs/flp-ben-or-bug.txt"),
            flp::programs::ben_or
        ),
        cell!(
            "cargo run --release -p flp --example coordinator -- --detector oracle",
            Some("src/outputs/flp-oracle.txt"),
            flp::programs::coordinator
        ),
        cell!(
            "cargo run --release -p flp --example coordinator -- --detector timeout",
            Some("src/outputs/flp-timeout.txt"),
            flp::programs::coordinator
        ),
        cell!(
            "cargo run --release -p flp --example coordinator -- --detector timeout --silence-is-consent",
            Some("src/outputs/flp-silence.txt"),
            flp::programs::coordinator
        ),
        cell!(
            "cargo run --release -p flp --example timing -- --svg src/figures/flp-timing.svg",
            Some("src/outputs/flp-timing.txt"),
            flp::programs::timing
        ),
        cell!(
            "cargo run --release -p flp --example coordinator -- --detector oracle --ignores-timestamps --seeds 1000",
            Some("src/outputs/flp-oracle-bug.txt"),
            flp::programs::coordinator
        ),
        cell!(
            "cargo run --release -p flp --example mixes",
            Some("src/outputs/flp-mixes.txt"),
            flp::programs::mixes
        ),
        cell!(
            "cargo run --release -p flp --example coordinator_check",
            Some("src/outputs/flp-coordinator-check.txt"),
            flp::programs::coordinator_check
        ),
        cell!(
            slow: "cargo run --release -p flp --example coordinator_check -- --rounds 2 --ignores-timestamps --svg src/figures/flp-coordinator-check.svg",
            Some("src/outputs/flp-coordinator-check-bug.txt"),
            flp::programs::coordinator_check
        ),
        // Paxos Made Simple
        cell!(
            "cargo run --release -p paxos --example check -- --no-time",
            Some("src/outputs/paxos-check.txt"),
            paxos::programs::check
        ),
        cell!(
            slow: "cargo run --release -p paxos --example check -- --duplication --no-time",
            Some("src/outputs/paxos-check-duplication.txt"),
            paxos::programs::check
        ),
        cell!(
            slow: "cargo run --release -p paxos --example check -- --loss --no-time",
            Some("src/outputs/paxos-check-loss.txt"),
            paxos::programs::check
        ),
        cell!(
            slow: "cargo run --release -p paxos --example check -- --crashes 1 --restarts --no-time",
            Some("src/outputs/paxos-check-restarts.txt"),
            paxos::programs::check
        ),
        cell!(
            "cargo run --release -p paxos --example check -- --bug ignores-accepted --no-time --svg src/figures/paxos-ignores-accepted.svg",
            Some("src/outputs/paxos-ignores-accepted.txt"),
            paxos::programs::check
        ),
        cell!(
            "cargo run --release -p paxos --example check -- --bug hasty-learner --no-time",
            Some("src/outputs/paxos-hasty-learner.txt"),
            paxos::programs::check
        ),
        cell!(
            slow: "cargo run --release -p paxos --example check -- --bug forgets-promise --crashes 1 --restarts --no-time --svg src/figures/paxos-forgets-promise.svg",
            Some("src/outputs/paxos-forgets-promise.txt"),
            paxos::programs::check
        ),
        cell!(
            slow: "cargo run --release -p paxos --example lasso -- --acceptors 2 --svg src/figures/paxos-lasso.svg",
            Some("src/outputs/paxos-lasso.txt"),
            paxos::programs::lasso
        ),
        cell!(
            "cargo run --release -p paxos --example duel -- --seed 1 --svg src/figures/paxos-duel.svg",
            Some("src/outputs/paxos-duel.txt"),
            paxos::programs::duel
        ),
        cell!(
            "cargo run --release -p paxos --example decide -- --acceptors 3 --seeds 200",
            Some("src/outputs/paxos-decide.txt"),
            paxos::programs::decide
        ),
        cell!(
            "cargo run --release -p paxos --example simulate -- --acceptors 3 --seeds 200",
            Some("src/outputs/paxos-simulate.txt"),
            paxos::programs::simulate
        ),
        cell!(
            slow: "cargo run --release -p paxos --example simulate -- --acceptors 5 --seeds 200",
            Some("src/outputs/paxos-simulate-5.txt"),
            paxos::programs::simulate
        ),
        cell!(
            slow: "cargo run --release -p paxos --example simulate -- --acceptors 7 --seeds 200",
            Some("src/outputs/paxos-simulate-7.txt"),
            paxos::programs::simulate
        ),
        cell!(
            "cargo run --release -p paxos --example simulate -- --policy backoff --bug lowest-accepted --seeds 200 --svg src/figures/paxos-lowest-accepted.svg",
            Some("src/outputs/paxos-lowest-accepted.txt"),
            paxos::programs::simulate
        ),
        cell!(
            "cargo run --release -p paxos --example gst -- --seeds 200",
            Some("src/outputs/paxos-gst.txt"),
            paxos::programs::gst
        ),
    ]
}

/// The directories that hold only generated files: each file in them comes from a cell.
pub const GENERATED_DIRS: [&str; 3] = ["src/outputs", "src/figures", "src/values"];

impl Cell {
    /// The crate and example the command runs (`None`: the crate's binary), and the
    /// arguments after `--`, with wildcards expanded as a shell would, from the current
    /// directory.
    pub fn parse(&self) -> Result<(&str, Option<&str>, Vec<String>)> {
        let words: Vec<&str> = self.command.split_whitespace().collect();
        let (head, args) = match words.iter().position(|&w| w == "--") {
            Some(at) => (&words[..at], &words[at + 1..]),
            None => (&words[..], &[][..]),
        };
        let (package, example) = match head {
            [
                "cargo",
                "run",
                "--release",
                "-p",
                package,
                "--example",
                example,
            ] => (*package, Some(*example)),
            ["cargo", "run", "--release", "-p", package] => (*package, None),
            _ => bail!(
                "`{}` is not of the form `cargo run --release -p CRATE [--example NAME] -- ARGS`",
                self.command
            ),
        };
        let mut expanded = Vec::new();
        for arg in args {
            if arg.contains('*') {
                let matches = glob(arg);
                if matches.is_empty() {
                    bail!("`{arg}` in `{}` matches no file", self.command);
                }
                expanded.extend(matches);
            } else {
                expanded.push(arg.to_string());
            }
        }
        Ok((package, example, expanded))
    }

    /// The files the cell keeps, without running it: its output file, its values file if
    /// one is committed, and the file named after each `--svg`.
    pub fn declared_files(&self, root: &Path) -> Result<Vec<PathBuf>> {
        let (_, _, args) = self.parse()?;
        let mut files: Vec<PathBuf> = args
            .windows(2)
            .filter(|w| w[0] == "--svg")
            .map(|w| PathBuf::from(&w[1]))
            .collect();
        files.extend(self.output.map(PathBuf::from));
        if let Some(output) = self.output {
            let values = crate::values::file_for_output(Path::new(output));
            if root.join(&values).is_file() {
                files.push(values);
            }
        }
        Ok(files)
    }

    /// The source file of the program's `main`.
    pub fn main_file(&self) -> Result<PathBuf> {
        let (package, example, _) = self.parse()?;
        Ok(match example {
            Some(example) => {
                PathBuf::from(format!("listings/{package}/examples/{example}.rs"))
            }
            None => PathBuf::from(format!("listings/{package}/src/main.rs")),
        })
    }

    /// Runs the program and returns every file the cell keeps, relative to the repository
    /// root: its output file (the command, then what it printed) and the files it wrote.
    pub fn generate(&self) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let (_, _, args) = self.parse()?;
        let output = (self.program)(&args)
            .with_context(|| format!("`{}` failed", self.command))?;
        let mut files = output.files;
        if let Some(path) = self.output {
            let text = format!("$ {}\n{}", self.command, output.stdout);
            files.push((PathBuf::from(path), text.into_bytes()));
            if !output.values.is_empty() {
                let values = crate::values::render(&output.values);
                files.push((
                    crate::values::file_for_output(Path::new(path)),
                    values.into_bytes(),
                ));
            }
        } else if !output.values.is_empty() {
            bail!(
                "`{}` records values but keeps no output file beside them",
                self.command
            );
        }
        Ok(files)
    }
}

/// The files a shell would give for `pattern`, a path whose last component may hold `*`,
/// sorted.
fn glob(pattern: &str) -> Vec<String> {
    let (dir, name) = pattern.rsplit_once('/').unwrap_or((".", pattern));
    let Some((prefix, suffix)) = name.split_once('*') else {
        return vec![pattern.to_owned()];
    };
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| {
            f.len() >= prefix.len() + suffix.len()
                && f.starts_with(prefix)
                && f.ends_with(suffix)
        })
        .map(|f| {
            if pattern.contains('/') {
                format!("{dir}/{f}")
            } else {
                f
            }
        })
        .collect();
    found.sort();
    found
}

/// Runs every cell and writes its files under `root`; returns the paths written.
pub fn bless(root: &Path, cells: &[Cell]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for cell in cells {
        for (path, bytes) in cell.generate()? {
            let full = root.join(&path);
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&full, bytes)
                .with_context(|| format!("cannot write {}", full.display()))?;
            written.push(path);
        }
    }
    Ok(written)
}
