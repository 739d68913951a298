//! A cell of the book: a command a reader runs, the text it prints and the files it
//! writes.
//!
//! Every example the book runs is a *program*: a pure function from its command-line
//! arguments to an [`Output`]. The example's `main` only hands that function to [`main`],
//! which writes the files and prints the text. The book machine (`xtask`) calls the same
//! function, in a child process per cell, to regenerate every output and figure the book
//! includes, and a test fails when a committed file differs from what the code produces
//! now. So what a
//! reader sees on the page is, byte for byte, what `cargo run` prints on their machine.

use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

// ANCHOR: program
/// What a program produces: the text it prints and the files it writes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    /// Everything the program prints on standard output.
    pub stdout: String,
    /// Files to write, as (path relative to the working directory, contents).
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Named values the book's prose quotes, as (name, the value as printed): a number
    /// in a sentence is one of these, never typed.
    pub values: Vec<(String, String)>,
}

/// A program of the book: arguments in (without the program name), output out.
/// It must be deterministic: the same arguments give the same bytes.
pub type Program = fn(&[String]) -> Result<Output, Error>;
// ANCHOR_END: program

/// Why a program did not produce its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `--help` or `--version` was asked for: print this text and succeed.
    Help(String),
    /// The arguments were wrong: print this text and exit with status 2.
    Usage(String),
    /// The program ran but failed: print this text and exit with status 1.
    Failed(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Help(text) | Error::Usage(text) | Error::Failed(text) => {
                f.write_str(text)
            }
        }
    }
}

impl std::error::Error for Error {}

impl Output {
    /// An output with only text.
    pub fn text(stdout: String) -> Self {
        Output {
            stdout,
            ..Output::default()
        }
    }

    /// Records `value`, formatted, under `name` (lowercase letters, digits and `-`), for
    /// the prose to quote as `{{#value CELL:name}}`.
    ///
    /// # Panics
    /// If `name` is not of that form or was recorded before: a program's bug.
    pub fn value(&mut self, name: &str, value: impl fmt::Display) {
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "a value's name is lowercase letters, digits and `-`: {name:?}"
        );
        assert!(
            self.values.iter().all(|(n, _)| n != name),
            "the value {name:?} is recorded twice"
        );
        self.values.push((name.to_owned(), value.to_string()));
    }

    /// Adds `file` to the files to write.
    pub fn file(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.push((path.into(), bytes.into()));
    }

    /// Adds a figure or diagram to the files to write, and prints the line that tells the
    /// reader where it goes: `{label}: {path}` (`figure: src/figures/x.svg`).
    pub fn figure(&mut self, label: &str, path: PathBuf, svg: impl Into<Vec<u8>>) {
        self.stdout
            .push_str(&format!("{label}: {}\n", path.display()));
        self.file(path, svg);
    }
}

impl fmt::Write for Output {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.stdout.push_str(s);
        Ok(())
    }
}

/// Parses `args` (without the program name) as the clap parser `P`, turning clap's help
/// and errors into [`Error::Help`] and [`Error::Usage`] with plain (uncoloured) text.
pub fn parse<P: clap::Parser>(name: &str, args: &[String]) -> Result<P, Error> {
    let argv = std::iter::once(name.to_owned()).chain(args.iter().cloned());
    P::try_parse_from(argv).map_err(|e| {
        let text = e.render().to_string();
        match e.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion => Error::Help(text),
            _ => Error::Usage(text),
        }
    })
}

/// The whole `main` of an example: runs `program` on the process arguments, writes its
/// files (creating their directories) and prints its text.
pub fn main(program: Program) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match program(&args) {
        Ok(output) => {
            for (path, bytes) in &output.files {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && let Err(e) = std::fs::create_dir_all(dir)
                {
                    eprintln!("error: cannot create {}: {e}", dir.display());
                    return ExitCode::from(1);
                }
                if let Err(e) = std::fs::write(path, bytes) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::from(1);
                }
            }
            // A closed pipe (`... | head`) is not an error worth a panic.
            let _ = std::io::stdout().write_all(output.stdout.as_bytes());
            ExitCode::SUCCESS
        }
        Err(Error::Help(text)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(Error::Usage(text)) => {
            eprint!("{text}");
            ExitCode::from(2)
        }
        Err(Error::Failed(text)) => {
            eprintln!("error: {text}");
            ExitCode::from(1)
        }
    }
}

/// What a measurement file records about where it was taken: timings depend on the
/// machine, so a file of timings names it, with the date and the compiler.
pub mod machine {
    use std::process::Command;

    /// The processor's model and the number of processors the system reports, from
    /// `/proc/cpuinfo` (`unknown` where that cannot be read).
    pub fn description() -> String {
        let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = info
            .lines()
            .find_map(|l| l.strip_prefix("model name")?.split(':').nth(1))
            .map_or("unknown processor".to_owned(), |m| m.trim().to_owned());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let memory = std::fs::read_to_string("/proc/meminfo")
            .unwrap_or_default()
            .lines()
            .find_map(|l| {
                l.strip_prefix("MemTotal:")?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(String::new(), |kb| {
                format!(", {} GiB", (kb + (1 << 19)) >> 20)
            });
        format!("{model}, {cores} cores{memory}")
    }

    /// The version of `rustc` on the path, as it prints it.
    pub fn rustc() -> String {
        Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map_or("rustc (unknown version)".to_owned(), |v| {
                v.trim().to_owned()
            })
    }

    /// Today's date in UTC, as `YYYY-MM-DD`.
    pub fn today() -> String {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let (y, m, d) = civil(secs / 86_400);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// The civil date of a day counted from 1970-01-01 (Hinnant's days-to-civil).
    fn civil(days: u64) -> (i64, u64, u64) {
        let z = days as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097) as u64;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe as i64 + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn days_become_dates() {
            assert_eq!(super::civil(0), (1970, 1, 1));
            assert_eq!(super::civil(20_793), (2026, 12, 6));
            assert_eq!(super::civil(11_016), (2000, 2, 29));
        }
    }
}

/// A command-line choice as a reader types it (`--bug skips-recovery`): its name as a
/// value of `clap`, or its `Debug` form if it has none.
pub fn choice<T: clap::ValueEnum + std::fmt::Debug>(value: &T) -> String {
    value
        .to_possible_value()
        .map_or(format!("{value:?}"), |v| v.get_name().to_owned())
}

/// `n` and a noun, plural unless `n` is 1: `count(1, "step")` is `1 step`, `count(3,
/// "step")` is `3 steps`.
pub fn count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A command whose output or figures a chapter shows: a *cell* of the book. Each chapter
/// crate lists its own cells (a `cells()` function), and the book machine gathers them,
/// runs each program and compares what it writes with the committed files.
#[derive(Clone, Copy)]
pub struct Cell {
    /// The command exactly as a reader types it from the repository root:
    /// `cargo run --release -p CRATE -- PROGRAM ARGS`.
    pub command: &'static str,
    /// The file (relative to the repository root) keeping the command and what it
    /// printed.
    pub output: &'static str,
    /// The crate's program, which the binary's `main` runs: `notebook::main(<program>)`.
    pub program: Program,
    /// The program's path, as the binary's `main` names it.
    pub program_path: &'static str,
    /// Whether the program takes tens of seconds: the everyday tests then only check that
    /// its files exist, and the slow check regenerates them.
    pub slow: bool,
}

/// A [`Cell`]: `cell!(COMMAND, OUTPUT, PROGRAM)`, or `cell!(slow: COMMAND, OUTPUT,
/// PROGRAM)` for one that takes tens of seconds.
#[macro_export]
macro_rules! cell {
    (slow: $command:expr, $output:expr, $program:path) => {
        $crate::Cell {
            command: $command,
            output: $output,
            program: $program,
            program_path: stringify!($program),
            slow: true,
        }
    };
    ($command:expr, $output:expr, $program:path) => {
        $crate::Cell {
            command: $command,
            output: $output,
            program: $program,
            program_path: stringify!($program),
            slow: false,
        }
    };
}
