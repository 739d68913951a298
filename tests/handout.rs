//! The student edition holds no solution, and is a workspace cargo can read. (That it builds
//! and passes its own tests is checked by `.ci/run`, which builds it.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use xtask::{handout, repository_root};

/// The lines of the teacher's files that no other file of the repository holds: what a
/// leak would show.
fn distinctive_lines(root: &Path) -> BTreeSet<String> {
    let theirs = xtask::handout::files(root).expect("git lists the files");
    let mut elsewhere = BTreeSet::new();
    for file in &theirs {
        if let Ok(text) = std::fs::read_to_string(root.join(file)) {
            elsewhere.extend(text.lines().map(|l| l.trim().to_owned()));
        }
    }
    let mut lines = BTreeSet::new();
    let mut stack = vec![root.join("solutions")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("solutions/ is readable") {
            let path = entry.expect("solutions/ is readable").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                lines.extend(
                    text.lines()
                        .map(|l| l.trim().to_owned())
                        .filter(|l| l.len() >= 30 && !elsewhere.contains(l)),
                );
            }
        }
    }
    lines
}

#[test]
fn the_student_edition_holds_no_solution_and_is_a_workspace() {
    let root = repository_root();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("student-edition");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("the old edition can be removed");
    }
    let written = handout::write(&root, &dir).expect("the handout is written");
    assert!(written > 100, "{written} files");
    assert!(!dir.join("solutions").exists());
    let secrets = distinctive_lines(&root);
    assert!(
        secrets.len() > 100,
        "too few distinctive lines to look for: {}",
        secrets.len()
    );
    let mut leaks = Vec::new();
    for file in handout::files(&root).expect("git lists the files") {
        let Ok(text) = std::fs::read_to_string(dir.join(&file)) else {
            continue;
        };
        for line in text.lines() {
            if secrets.contains(line.trim()) {
                leaks.push(format!("{}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "solutions in the student edition:\n{}",
        leaks.join("\n")
    );
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
    assert!(!manifest.contains("solutions") && !lock.contains("name = \"solutions\""));
    let ci = std::fs::read_to_string(dir.join(".ci/run")).unwrap();
    assert!(
        ci.contains("cargo test --workspace") && !ci.contains("handout"),
        "{ci}"
    );
    let gitignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(
        !gitignore.contains("/labs/*.rs\n"),
        "the student's labs are tracked"
    );
    // Cargo reads the edition's workspace, and finds every member but the solutions.
    let metadata =
        xtask::architecture::metadata(&dir).expect("cargo reads the workspace");
    let packages = xtask::architecture::packages(&metadata);
    assert!(packages.contains_key("labs") && !packages.contains_key("solutions"));
}

#[test]
fn the_handout_refuses_a_directory_that_is_not_empty() {
    let root = repository_root();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("not-empty");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("something"), "x").unwrap();
    let error = handout::write(&root, &dir).unwrap_err();
    assert!(error.to_string().contains("is not empty"), "{error}");
}
