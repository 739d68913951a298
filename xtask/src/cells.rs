//! The cells of the book: every command whose output or figure the book includes.
//!
//! A cell ([`notebook::Cell`]) is a command exactly as a reader types it from the
//! repository root, the file where its printed output is kept (the command, then the
//! output), and the program the crate's binary runs. Each chapter crate lists its cells;
//! [`all`] gathers them. `cargo xtask bless` runs every program and writes its files; the
//! book-level tests run them again and fail on any difference.

use anyhow::{Context, Result, bail};
pub use notebook::Cell;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Every cell of the book, in reading order: each chapter crate lists its own.
pub fn all() -> Vec<Cell> {
    [
        quorum::programs::cells(),
        replication::programs::cells(),
        sim::programs::cells(),
        clocks::programs::cells(),
        linearizability::cli::cells(),
        modelcheck::programs::cells(),
        flp::programs::cells(),
        abd::programs::cells(),
        cap::programs::cells(),
        paxos::programs::cells(),
        multipaxos::programs::cells(),
        census::programs::cells(),
        labs::programs::cells(),
    ]
    .concat()
}

/// The directories that hold only generated files: each file in them comes from a cell.
pub const GENERATED_DIRS: [&str; 3] = ["src/outputs", "src/figures", "src/values"];

/// What the book machine does with a cell: find its crate and arguments, its files, the
/// `main` that must run its program, and generate what it prints and writes.
pub trait Run {
    /// The crate the command runs and the arguments after `--`, with wildcards expanded
    /// as a shell would, from the current directory.
    fn parse(&self) -> Result<(&str, Vec<String>)>;
    /// The files the cell keeps, without running it: its output file, its values file if
    /// one is committed, and the file named after each `--svg`.
    fn declared_files(&self, root: &Path) -> Result<Vec<PathBuf>>;
    /// The source file of the binary's `main`, and the call it must make.
    fn main_file(&self) -> Result<(PathBuf, String)>;
    /// Runs the program and returns every file the cell keeps, relative to the repository
    /// root: its output file (the command, then what it printed), its values and the files
    /// it wrote.
    fn generate(&self) -> Result<Files>;
}

impl Run for Cell {
    fn parse(&self) -> Result<(&str, Vec<String>)> {
        let words: Vec<&str> = self.command.split_whitespace().collect();
        let (head, args) = match words.iter().position(|&w| w == "--") {
            Some(at) => (&words[..at], &words[at + 1..]),
            None => (&words[..], &[][..]),
        };
        let ["cargo", "run", "--release", "-p", package] = head else {
            bail!(
                "`{}` is not of the form `cargo run --release -p CRATE -- PROGRAM ARGS`",
                self.command
            );
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
        Ok((package, expanded))
    }

    fn declared_files(&self, root: &Path) -> Result<Vec<PathBuf>> {
        let (_, args) = self.parse()?;
        let mut files: Vec<PathBuf> = args
            .windows(2)
            .filter(|w| w[0] == "--svg")
            .map(|w| PathBuf::from(&w[1]))
            .collect();
        files.push(PathBuf::from(self.output));
        let values = crate::values::file_for_output(Path::new(self.output));
        if root.join(&values).is_file() {
            files.push(values);
        }
        Ok(files)
    }

    fn main_file(&self) -> Result<(PathBuf, String)> {
        let (package, _) = self.parse()?;
        let path = match self.program_path.strip_prefix("crate::") {
            Some(rest) => format!("{package}::{rest}"),
            None => self.program_path.to_owned(),
        };
        Ok((
            PathBuf::from(format!("listings/{package}/src/main.rs")),
            format!("notebook::main({path})"),
        ))
    }

    fn generate(&self) -> Result<Files> {
        let (_, args) = self.parse()?;
        let output = (self.program)(&args)
            .with_context(|| format!("`{}` failed", self.command))?;
        let mut files = output.files;
        let text = format!("$ {}\n{}", self.command, output.stdout);
        files.push((PathBuf::from(self.output), text.into_bytes()));
        if !output.values.is_empty() {
            let values = crate::values::render(&output.values);
            files.push((
                crate::values::file_for_output(Path::new(self.output)),
                values.into_bytes(),
            ));
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

/// The files one cell keeps, relative to the repository root, with their contents.
pub type Files = Vec<(PathBuf, Vec<u8>)>;

/// How long one cell may run in [`Isolation`] before it is stopped and fails by name.
/// The slowest cell, chapter 11's check of two ballots with a crash and restart, takes
/// about nine minutes in the test profile on a two-core machine: twice that is allowed.
pub const TIME_LIMIT: Duration = Duration::from_secs(1200);

/// Runs each cell in a process of its own, so that a program that panics, aborts or
/// never ends fails its own cell, by name, instead of the whole check.
///
/// The child is `program` with `args`, started in the current directory with
/// `BOOK_CELL` set to the cell's command and `BOOK_CELL_DIR` to an empty directory; it
/// writes each file the cell keeps under that directory, at its path relative to the
/// repository root ([`child`] does that), and exits with success. Whatever it prints on
/// standard error explains a failure.
#[derive(Debug, Clone)]
pub struct Isolation {
    /// The child program: `book-cell`, or `cargo xtask` itself.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// How long one cell may run.
    pub time_limit: Duration,
    /// Where the children's directories go; each child gets one, removed after it.
    pub scratch: PathBuf,
}

impl Isolation {
    /// Children that run `program` with `args`, for at most [`TIME_LIMIT`] each, in
    /// scratch directories under Cargo's target directory.
    pub fn new(program: impl Into<PathBuf>, args: &[&str]) -> Self {
        Isolation {
            program: program.into(),
            args: args.iter().map(|&a| a.to_owned()).collect(),
            time_limit: TIME_LIMIT,
            scratch: crate::target_dir().join("cells"),
        }
    }

    /// Runs `cell` in a child process and returns the files it keeps.
    pub fn generate(&self, cell: &Cell) -> Result<Files> {
        // One directory per child, never shared: checks may run side by side.
        static CHILDREN: AtomicUsize = AtomicUsize::new(0);
        let child_number = CHILDREN.fetch_add(1, Ordering::Relaxed);
        let dir = self
            .scratch
            .join(format!("{}-{child_number}", std::process::id()));
        let result = self.generate_in(cell, &dir);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    fn generate_in(&self, cell: &Cell, dir: &Path) -> Result<Files> {
        let files = dir.join("files");
        let stderr_path = dir.join("stderr");
        if dir.exists() {
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("cannot empty {}", dir.display()))?;
        }
        std::fs::create_dir_all(&files)
            .with_context(|| format!("cannot create {}", files.display()))?;
        let stderr = std::fs::File::create(&stderr_path)?;
        let started = Instant::now();
        let mut child = std::process::Command::new(&self.program)
            .args(&self.args)
            .env("BOOK_CELL", cell.command)
            .env("BOOK_CELL_DIR", &files)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("cannot start {}", self.program.display()))?;
        let Some(status) = wait_at_most(&mut child, started, self.time_limit)? else {
            bail!(
                "`{}` ran longer than {} s and was stopped",
                cell.command,
                self.time_limit.as_secs()
            );
        };
        if !status.success() {
            let said = std::fs::read_to_string(&stderr_path).unwrap_or_default();
            bail!("`{}` failed ({status}): {}", cell.command, said.trim_end());
        }
        let mut kept = Vec::new();
        collect(&files, &files, &mut kept)?;
        kept.sort();
        Ok(kept)
    }
}

/// Waits for `child`, started at `started`, for at most `limit` after it: its status, or
/// `None` if it ran longer and was killed.
pub fn wait_at_most(
    child: &mut std::process::Child,
    started: Instant,
    limit: Duration,
) -> Result<Option<std::process::ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() > limit {
            // It may have ended meanwhile: either way it is gone after this.
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every file under `dir`, with its path relative to `base`.
fn collect(base: &Path, dir: &Path, into: &mut Files) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(base, &path, into)?;
        } else {
            let bytes = std::fs::read(&path)?;
            let relative = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
            into.push((relative, bytes));
        }
    }
    Ok(())
}

/// The child side of [`Isolation`]: runs the cell of `cells` whose command is in
/// `BOOK_CELL` and writes its files under `BOOK_CELL_DIR`.
pub fn child(cells: &[Cell]) -> Result<()> {
    let command = std::env::var("BOOK_CELL").context("BOOK_CELL is not set")?;
    let dir = std::env::var_os("BOOK_CELL_DIR").context("BOOK_CELL_DIR is not set")?;
    write_cell(cells, &command, Path::new(&dir))
}

/// Runs the cell of `cells` whose command is `command` and writes the files it keeps
/// under `dir`, at their paths relative to the repository root.
pub fn write_cell(cells: &[Cell], command: &str, dir: &Path) -> Result<()> {
    let Some(cell) = cells.iter().find(|c| c.command == command) else {
        bail!("no cell runs `{command}`");
    };
    for (path, bytes) in cell.generate()? {
        let full = dir.join(&path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, bytes)
            .with_context(|| format!("cannot write {}", full.display()))?;
    }
    Ok(())
}

/// Generates `cells` with `generate`, several at a time (one per core), and returns the
/// results in the order of `cells`. `report` hears of each cell as it finishes, with the
/// time it took.
pub fn generate_all<G, R>(cells: &[&Cell], generate: G, report: R) -> Vec<Result<Files>>
where
    G: Fn(&Cell) -> Result<Files> + Sync,
    R: Fn(&Cell, Duration, &Result<Files>) + Sync,
{
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<Files>>>> =
        cells.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers.min(cells.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(cell) = cells.get(i) else { break };
                    let started = Instant::now();
                    let result = generate(cell);
                    report(cell, started.elapsed(), &result);
                    *results[i].lock().expect("no worker panics holding it") =
                        Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .expect("no worker panics holding it")
                .expect("every cell was generated")
        })
        .collect()
}

/// Runs every cell through `generate` and writes its files under `root`; returns the
/// paths written. Each cell is reported on standard error as it finishes.
pub fn bless<G>(root: &Path, cells: &[Cell], generate: G) -> Result<Vec<PathBuf>>
where
    G: Fn(&Cell) -> Result<Files> + Sync,
{
    let chosen: Vec<&Cell> = cells.iter().collect();
    let results = generate_all(&chosen, generate, |cell, took, result| {
        let verdict = if result.is_ok() { "ran" } else { "FAILED" };
        eprintln!(
            "{verdict} `{}` in {:.1} s",
            cell.command,
            took.as_secs_f64()
        );
    });
    let mut written = Vec::new();
    let mut failed = Vec::new();
    for result in results {
        match result {
            Ok(files) => {
                for (path, bytes) in files {
                    let full = root.join(&path);
                    if let Some(dir) = full.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    std::fs::write(&full, bytes)
                        .with_context(|| format!("cannot write {}", full.display()))?;
                    written.push(path);
                }
            }
            Err(e) => failed.push(format!("{e:#}")),
        }
    }
    if !failed.is_empty() {
        bail!(
            "{} cells failed (the others' files are written):\n{}",
            failed.len(),
            failed.join("\n")
        );
    }
    Ok(written)
}
