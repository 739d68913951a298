//! KaTeX's stylesheet and fonts, shipped with the book so that it makes no request off
//! the machine.
//!
//! mdbook-katex renders every formula to HTML at build time with the KaTeX it bundles
//! (0.16.4 for mdbook-katex 0.10.0), and by default links that version's stylesheet from
//! a CDN. The book sets
//! `no-css = true` instead and links `katex/katex.min.css` from `theme/head.hbs`; this
//! module puts the stylesheet and its fonts there. They come from the `katex` package of
//! the npm registry, pinned with its integrity hash in `xtask/katex/package-lock.json`
//! and installed by `npm ci` into the target directory the first time the book is built.

use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The KaTeX version whose HTML mdbook-katex writes: the stylesheet must be the same
/// version.
pub const VERSION: &str = "0.16.4";

/// Where the pinned package is installed.
fn install_dir() -> PathBuf {
    crate::target_dir().join("katex-assets")
}

/// The installed package's `dist` directory, installing it first if needed.
pub fn dist() -> Result<PathBuf> {
    static INSTALLING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = install_dir();
    let package = dir.join("node_modules/katex");
    if installed_version(&package).as_deref() != Some(VERSION) {
        install(&dir)?;
    }
    let version = installed_version(&package);
    ensure!(
        version.as_deref() == Some(VERSION),
        "npm installed katex {version:?} into {}, not {VERSION}",
        dir.display()
    );
    Ok(package.join("dist"))
}

fn installed_version(package: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(package.join("package.json")).ok()?;
    let after = manifest.split("\"version\"").nth(1)?;
    Some(after.split('"').nth(1)?.to_owned())
}

fn install(dir: &Path) -> Result<()> {
    let pinned = crate::repository_root().join("xtask/katex");
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(pinned.join(file), dir.join(file))
            .with_context(|| format!("cannot copy {file} into {}", dir.display()))?;
    }
    tracing::info!("installing KaTeX {VERSION} stylesheet and fonts with npm ci");
    let status = Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(dir)
        .status()
        .context(
            "cannot run npm, which installs KaTeX's stylesheet and fonts for the book: \
             install Node.js and npm (Debian: apt-get install nodejs npm)",
        )?;
    if !status.success() {
        bail!("`npm ci` in {} failed with {status}", dir.display());
    }
    Ok(())
}

/// Copies the stylesheet, its fonts and KaTeX's licence into `book_dir/katex/`.
pub fn install_into(book_dir: &Path) -> Result<()> {
    let dist = dist()?;
    let dest = book_dir.join("katex");
    let fonts = dest.join("fonts");
    std::fs::create_dir_all(&fonts)
        .with_context(|| format!("cannot create {}", fonts.display()))?;
    std::fs::copy(dist.join("katex.min.css"), dest.join("katex.min.css"))?;
    std::fs::copy(dist.join("../LICENSE"), dest.join("LICENSE"))?;
    for entry in std::fs::read_dir(dist.join("fonts"))? {
        let entry = entry?;
        std::fs::copy(entry.path(), fonts.join(entry.file_name()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_matches_the_katex_that_renders_the_formulas() {
        assert_eq!(::katex::KATEX_VERSION.trim(), VERSION);
        let pinned = crate::repository_root().join("xtask/katex/package.json");
        let manifest = std::fs::read_to_string(pinned).unwrap();
        assert!(manifest.contains(&format!("\"katex\": \"{VERSION}\"")));
    }
}
