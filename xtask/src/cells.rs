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
    fn generate(&self) -> Result<Vec<(PathBuf, Vec<u8>)>>;
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

    fn generate(&self) -> Result<Vec<(PathBuf, Vec<u8>)>> {
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

/// Runs every cell and writes its files under `root`; returns the paths written.
pub fn bless(root: &Path, cells: &[Cell]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for cell in cells {
        for (path, bytes) in Run::generate(cell)? {
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
