//! Building the book with mdBook and mdbook-katex, as libraries pinned by `Cargo.lock`.

use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use mdbook_katex::preprocess::KatexProcessor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A finished build.
pub struct Build {
    /// The directory holding the rendered HTML.
    pub dir: PathBuf,
    /// Every warning and error mdBook and its preprocessors logged while building.
    pub warnings: Vec<String>,
}

/// Builds the book at `root` into `dir` (which is emptied first).
///
/// The KaTeX preprocessor configured in `book.toml` runs in-process (the `mdbook_katex`
/// library) instead of as the external `mdbook-katex` command, and so does the book's own
/// preprocessor of quoted values ([`crate::values`]). When `book.toml` sets
/// `no-css = true`, the KaTeX stylesheet and fonts are copied next to the pages.
pub fn build(root: &Path, dir: &Path) -> Result<Build> {
    // Builds keep the process-wide log: one at a time, so each gets its own warnings.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    crate::logs::init(tracing::Level::WARN);
    crate::logs::take_warnings();

    let mut book = MDBook::load(root)
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .with_context(|| format!("cannot load the book at {}", root.display()))?;
    book.config.build.build_dir = dir.to_path_buf();
    if book.config.contains_key("preprocessor.values") {
        book.with_preprocessor(crate::values::Values);
    }
    let katex = book.config.contains_key("preprocessor.katex");
    if katex {
        book.with_preprocessor(KatexProcessor);
    }
    book.build().map_err(|e| anyhow::anyhow!("{e:#}"))?;
    if katex
        && book
            .config
            .get::<bool>("preprocessor.katex.no-css")
            .ok()
            .flatten()
            == Some(true)
    {
        crate::katex::install_into(root, dir)?;
    }
    Ok(Build {
        dir: dir.to_path_buf(),
        warnings: crate::logs::take_warnings(),
    })
}
