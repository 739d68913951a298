//! `cargo xtask handout DIR`: the student edition. The repository's files as git sees them
//! (tracked, and new files it does not ignore), without the teacher's `solutions/` crate,
//! with the workspace, the lock file and `.gitignore` rewritten to match.

use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the student edition leaves out: the teacher's crate, and the test that makes a
/// student edition and looks for it there.
pub const LEFT_OUT: [&str; 2] = ["solutions/", "tests/handout.rs"];

/// The lines that enclose the teacher's part of `.ci/run`.
const TEACHER: (&str, &str) = ("# BEGIN teacher", "# END teacher");

/// The files of the repository at `root` that the student edition holds, relative to it.
pub fn files(root: &Path) -> Result<Vec<PathBuf>> {
    let output = Command::new("git")
        .args([
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "-z",
        ])
        .current_dir(root)
        .output()
        .context("cannot run git: the student edition is made from a git checkout")?;
    ensure!(
        output.status.success(),
        "git ls-files failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed = String::from_utf8(output.stdout).context("a file name is not UTF-8")?;
    Ok(listed
        .split('\0')
        .filter(|f| !f.is_empty() && !LEFT_OUT.iter().any(|out| f.starts_with(out)))
        .map(PathBuf::from)
        .filter(|f| root.join(f).is_file())
        .collect())
}

/// `text` of the file `path` as the student edition holds it.
pub fn rewrite(path: &Path, text: String) -> Result<String> {
    let rewritten = match path.to_str() {
        Some("Cargo.toml") => text.replace("\"solutions\", ", ""),
        Some("Cargo.lock") => without_package(&text, "solutions"),
        // The student commits their labs.
        Some(".gitignore") => text
            .lines()
            .filter(|l| {
                *l != "/labs/*.rs" && !l.contains("the student edition tracks them")
            })
            .map(|l| format!("{l}\n"))
            .collect(),
        Some(".ci/run") => {
            let mut inside = false;
            let mut kept = String::new();
            for line in text.lines() {
                if line.starts_with(TEACHER.0) {
                    inside = true;
                } else if line.starts_with(TEACHER.1) {
                    inside = false;
                } else if !inside {
                    kept.push_str(line);
                    kept.push('\n');
                }
            }
            kept
        }
        _ => return Ok(text),
    };
    if rewritten == text {
        bail!(
            "{}: found nothing of the solutions to take out",
            path.display()
        );
    }
    Ok(rewritten)
}

/// `lock` without the `[[package]]` entry of `name`.
fn without_package(lock: &str, name: &str) -> String {
    lock.split("\n[[package]]\n")
        .filter(|entry| !entry.starts_with(&format!("name = \"{name}\"\n")))
        .collect::<Vec<_>>()
        .join("\n[[package]]\n")
}

/// Writes the student edition of the repository at `root` into `dir`, which must not
/// exist or be empty. Returns how many files it wrote.
pub fn write(root: &Path, dir: &Path) -> Result<usize> {
    if dir.exists() && dir.read_dir()?.next().is_some() {
        bail!("{} is not empty", dir.display());
    }
    let files = files(root)?;
    for file in &files {
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().expect("a file has a parent"))?;
        let bytes = std::fs::read(root.join(file))?;
        let bytes = match String::from_utf8(bytes) {
            Ok(text) => rewrite(file, text)?.into_bytes(),
            Err(e) => e.into_bytes(),
        };
        std::fs::write(&to, bytes)
            .with_context(|| format!("cannot write {}", to.display()))?;
        // Keep scripts executable.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(root.join(file))?.permissions().mode();
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(mode))?;
        }
    }
    Ok(files.len())
}
