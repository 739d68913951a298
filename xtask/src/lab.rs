//! `cargo xtask lab`: the labs and judged exercises. Without a name it lists them; with
//! one it makes sure the student's file exists (a copy of the frozen starting point) and
//! runs the judge with that file compiled in, under a time limit.

use anyhow::{Context, Result, bail};
use labs::registry::{self, Entry};
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// The longest a judge may run: the judges bound their own searches, so only a student's
/// handler that never returns reaches it.
pub const TIME_LIMIT: Duration = Duration::from_secs(20 * 60);

/// Prints every lab and judged exercise.
pub fn list() {
    print!("{}", labs::programs::list());
}

/// Copies the starting point of `entry` to the student's file if it does not exist, or
/// if `reset` (keeping the old file beside it as `.rs.bak`). Returns what it did.
pub fn prepare(root: &Path, entry: &Entry, reset: bool) -> Result<Option<String>> {
    let file = root.join(entry.file());
    let exists = file.is_file();
    if exists && !reset {
        return Ok(None);
    }
    std::fs::create_dir_all(file.parent().expect("labs/NAME.rs has a parent"))?;
    let mut said = String::new();
    if exists {
        let backup = file.with_extension("rs.bak");
        std::fs::rename(&file, &backup)
            .with_context(|| format!("cannot move {} aside", file.display()))?;
        said = format!("{} is now {}; ", entry.file(), backup.display());
    }
    std::fs::write(&file, entry.start)
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(Some(format!(
        "{said}{} holds the starting point",
        entry.file()
    )))
}

/// Judges the student's file for `name`: `seed` replays one seed, `seeds` sets how many,
/// `draw` draws every simulated run.
/// Returns the judge's exit status (non-zero when a check failed).
pub fn judge(
    root: &Path,
    name: &str,
    seed: Option<u64>,
    seeds: Option<u64>,
    draw: bool,
    reset: bool,
) -> Result<ExitStatus> {
    let Some(entry) = registry::find(name) else {
        let names: Vec<&str> = registry::ENTRIES.iter().map(|e| e.name).collect();
        bail!(
            "no lab or exercise is called {name:?}; the names are: {}",
            names.join(", ")
        );
    };
    if let Some(said) = prepare(root, entry, reset)? {
        eprintln!("{said}");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root).args([
        "run",
        "--release",
        "--package",
        "labs",
        "--features",
        &format!("labs/{}", entry.feature()),
        "--",
        "judge",
        name,
    ]);
    if let Some(seed) = seed {
        command.args(["--seed", &seed.to_string()]);
    }
    if let Some(seeds) = seeds {
        command.args(["--seeds", &seeds.to_string()]);
    }
    if draw {
        command.arg("--draw");
    }
    let started = Instant::now();
    let mut child = command.spawn().context("cannot run cargo")?;
    match crate::cells::wait_at_most(&mut child, started, TIME_LIMIT)? {
        Some(status) => Ok(status),
        None => bail!(
            "the judge of {name} ran for more than {} minutes: does a handler loop forever?",
            TIME_LIMIT.as_secs() / 60
        ),
    }
}
