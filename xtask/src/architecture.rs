//! The dependency rules of ARCHITECTURE.md, checked on `cargo metadata`: the process model
//! knows no world, the worlds know no chapter, and no two binaries share a name.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The process model and the plumbing under everything: they depend on no crate of the
/// workspace.
pub const FOUNDATIONS: [&str; 3] = ["process", "notebook", "figures"];

/// The worlds a process runs in, and the checker of their histories: they depend on the
/// foundations only, never on a chapter.
pub const WORLDS: [&str; 4] = ["sim", "modelcheck", "net", "linearizability"];

/// The teacher's crate: reference solutions, left out of the student edition
/// (`cargo xtask handout`), so no crate may depend on it.
pub const SOLUTIONS: &str = "solutions";

/// What `cargo metadata` says of one package: its workspace dependencies (of every kind)
/// and its binaries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    /// The workspace crates it depends on, with the kind (`normal`, `dev`, `build`).
    pub depends_on: Vec<(String, String)>,
    /// Its binaries' names.
    pub binaries: Vec<String>,
}

/// The workspace's packages, read from the JSON of `cargo metadata --format-version 1
/// --no-deps`.
pub fn packages(metadata: &Value) -> BTreeMap<String, Package> {
    let listed = metadata["packages"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = listed.iter().filter_map(|p| p["name"].as_str()).collect();
    listed
        .iter()
        .map(|p| {
            let depends_on = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| {
                    let name = d["name"].as_str()?;
                    let kind = d["kind"].as_str().unwrap_or("normal");
                    names
                        .contains(&name)
                        .then(|| (name.to_owned(), kind.to_owned()))
                })
                .collect();
            let binaries = p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| {
                    t["kind"]
                        .as_array()
                        .is_some_and(|k| k.contains(&"bin".into()))
                })
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect();
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            (
                name,
                Package {
                    depends_on,
                    binaries,
                },
            )
        })
        .collect()
}

/// Every way `packages` breaks the rules, as sentences.
pub fn broken_rules(packages: &BTreeMap<String, Package>) -> Vec<String> {
    let mut found = Vec::new();
    for (name, package) in packages {
        let allowed: &[&str] = if FOUNDATIONS.contains(&name.as_str()) {
            &[]
        } else if WORLDS.contains(&name.as_str()) {
            &FOUNDATIONS
        } else {
            continue;
        };
        for (dependency, kind) in &package.depends_on {
            if !allowed.contains(&dependency.as_str()) {
                let what = if FOUNDATIONS.contains(&name.as_str()) {
                    "a foundation depends on no crate of the workspace"
                } else {
                    "a world depends on the foundations only"
                };
                found.push(format!("{name} depends on {dependency} ({kind}): {what}"));
            }
        }
    }
    for (name, package) in packages {
        if let Some((_, kind)) = package.depends_on.iter().find(|(d, _)| d == SOLUTIONS) {
            found.push(format!(
                "{name} depends on {SOLUTIONS} ({kind}): nothing does, so that the student \
                 edition, which leaves it out, still builds"
            ));
        }
    }
    let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, package) in packages {
        for binary in &package.binaries {
            owners.entry(binary).or_default().push(name);
        }
    }
    for (binary, crates) in owners.into_iter().filter(|(_, c)| c.len() > 1) {
        found.push(format!(
            "the binary {binary} is built by {}: no two binaries share a name",
            crates.join(" and ")
        ));
    }
    found
}

/// Runs `cargo metadata` on the workspace at `root` and returns its JSON.
pub fn metadata(root: &Path) -> anyhow::Result<Value> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}
