//! What a judge reports: one line per check, passed or failed, with points; a failure
//! names the property broken, the seed or the shortest trace, and where its run is drawn.
//! It never says what a correct protocol would have done.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How a judge runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The simulator's seeds: `seeds` of them from `first` (fresh on every run, unless a
    /// seed is replayed with `--seed`, and then only that one).
    pub first: u64,
    /// How many seeds each simulated check runs.
    pub seeds: u64,
    /// Where the judge draws failing runs.
    pub diagrams: PathBuf,
    /// Whether the simulated checks draw every run, passing or not (to look at one's own
    /// protocol at work: best with a single seed).
    pub draw_every_run: bool,
}

impl Options {
    /// `seeds` seeds from `first`, diagrams under the workspace's `target/labs/NAME`.
    pub fn new(name: &str, first: u64, seeds: u64) -> Options {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let workspace = workspace.canonicalize().unwrap_or(workspace);
        Options {
            first,
            seeds,
            diagrams: workspace.join("target").join("labs").join(name),
            draw_every_run: false,
        }
    }

    /// The seeds of a simulated check.
    pub fn seeds(&self) -> impl Iterator<Item = u64> + use<> {
        let first = self.first;
        (0..self.seeds).map(move |i| first.wrapping_add(i))
    }

    /// Draws a run that passed, with `svg`, if every run is to be drawn.
    pub fn draw_passing(&self, name: &str, svg: impl FnOnce() -> String) {
        if self.draw_every_run {
            self.draw(name, svg());
        }
    }

    /// Writes `svg` to the file `name` among the diagrams, and returns its path; `None` if
    /// it could not be written (the failure is reported all the same).
    pub fn draw(&self, name: &str, svg: String) -> Option<PathBuf> {
        let path = self.diagrams.join(format!("{name}.svg"));
        std::fs::create_dir_all(&self.diagrams).ok()?;
        std::fs::write(&path, svg).ok()?;
        // Named from where the judge runs (the repository's root), if it is below it.
        let here = std::env::current_dir()
            .ok()
            .and_then(|d| d.canonicalize().ok());
        match here.and_then(|here| path.strip_prefix(here).ok().map(Path::to_path_buf)) {
            Some(relative) => Some(relative),
            None => Some(path),
        }
    }
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The property held everywhere the check looked.
    Pass,
    /// It did not.
    Fail {
        /// What broke, where: the property, the seed or the trace, never the fix.
        why: String,
        /// A drawing of the failing run.
        diagram: Option<PathBuf>,
        /// The command that replays it, if a seed does.
        replay: Option<String>,
    },
}

/// One check of a judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What it checks, and in which world.
    pub name: String,
    /// What it is worth.
    pub points: u32,
    /// How it went.
    pub outcome: Outcome,
}

impl Check {
    /// A check worth `points` that passed.
    pub fn pass(name: impl Into<String>, points: u32) -> Check {
        Check {
            name: name.into(),
            points,
            outcome: Outcome::Pass,
        }
    }

    /// A check worth `points` that failed for `why`.
    pub fn fail(name: impl Into<String>, points: u32, why: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            points,
            outcome: Outcome::Fail {
                why: why.into(),
                diagram: None,
                replay: None,
            },
        }
    }

    /// A check that passed unless `problems` says otherwise (the first problem is the
    /// reason, with how many more there were).
    pub fn from_problems(
        name: impl Into<String>,
        points: u32,
        problems: &[String],
    ) -> Check {
        match problems {
            [] => Check::pass(name, points),
            [only] => Check::fail(name, points, only.clone()),
            [first, rest @ ..] => {
                Check::fail(name, points, format!("{first} (and {} more)", rest.len()))
            }
        }
    }

    /// This check with the failing run drawn at `diagram`.
    pub fn drawn(mut self, diagram: Option<PathBuf>) -> Check {
        if let Outcome::Fail { diagram: d, .. } = &mut self.outcome {
            *d = diagram;
        }
        self
    }

    /// This check with the command that replays its failure.
    pub fn replayed_by(mut self, command: String) -> Check {
        if let Outcome::Fail { replay, .. } = &mut self.outcome {
            *replay = Some(command);
        }
        self
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Pass
    }
}

/// Everything a judge found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
}

impl Report {
    /// The points earned and the points possible.
    pub fn score(&self) -> (u32, u32) {
        let earned = self.checks.iter().filter(|c| c.passed()).map(|c| c.points);
        (earned.sum(), self.checks.iter().map(|c| c.points).sum())
    }

    /// Whether every check passed (and there was one).
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(Check::passed)
    }

    /// Runs `check`, which may call the student's code; a panic in it fails the check
    /// `name`, with the panic's message and where it happened.
    pub fn run(&mut self, name: &str, points: u32, check: impl FnOnce() -> Check) {
        let result = guarded(check);
        self.checks.push(match result {
            Ok(check) => check,
            Err(panic) => {
                Check::fail(name, points, format!("the code panicked: {panic}"))
            }
        });
    }
}

impl fmt::Display for Report {
    /// One line per check, PASS or FAIL with its points, a failure's reason, drawing and
    /// replay indented under it; then the score.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.checks.iter().map(|c| c.name.chars().count()).max();
        let width = width.unwrap_or(0);
        for check in &self.checks {
            let (verdict, earned) = match check.outcome {
                Outcome::Pass => ("PASS", check.points),
                Outcome::Fail { .. } => ("FAIL", 0),
            };
            writeln!(
                f,
                "  {verdict}  {:<width$}  {earned}/{}",
                check.name, check.points
            )?;
            if let Outcome::Fail {
                why,
                diagram,
                replay,
            } = &check.outcome
            {
                for line in why.lines() {
                    writeln!(f, "        {line}")?;
                }
                if let Some(path) = diagram {
                    writeln!(
                        f,
                        "        the failing run is drawn in {}",
                        path.display()
                    )?;
                }
                if let Some(command) = replay {
                    writeln!(f, "        replay it: {command}")?;
                }
            }
        }
        let (earned, possible) = self.score();
        writeln!(f, "score {earned}/{possible}")
    }
}

/// The message of the last panic on this thread, and where it happened.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs `f`, catching a panic: `Err` with its message and location. While `f` runs, a
/// panic prints nothing of its own (the report says it).
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(format!("{message}{at}"));
    }));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|_| {
        LAST_PANIC
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_else(|| "a panic".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_fails_its_check_with_its_message_and_place() {
        let mut report = Report::default();
        report.run("fine", 1, || Check::pass("fine", 1));
        report.run("broken", 2, || todo!("the backup's handler"));
        assert_eq!(report.score(), (1, 3));
        assert!(!report.passed());
        let Outcome::Fail { why, .. } = &report.checks[1].outcome else {
            panic!("the panic failed nothing");
        };
        assert!(
            why.contains("not yet implemented: the backup's handler"),
            "{why}"
        );
        assert!(why.contains("judge.rs:"), "{why}");
        let shown = report.to_string();
        assert!(
            shown.contains("PASS  fine") && shown.contains("FAIL  broken"),
            "{shown}"
        );
        assert!(shown.ends_with("score 1/3\n"), "{shown}");
    }

    #[test]
    fn no_checks_is_no_pass() {
        assert!(!Report::default().passed());
    }
}
