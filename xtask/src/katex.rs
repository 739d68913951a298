//! KaTeX's stylesheet and fonts, shipped with the book so that it makes no request off
//! the machine.
//!
//! mdbook-katex renders every formula to HTML at build time with the KaTeX it bundles
//! (0.16.4 for mdbook-katex 0.10.0), and by default links that version's stylesheet from
//! a CDN. The book sets `no-css = true` instead and links `katex/katex.min.css` from
//! `theme/head.hbs`. The stylesheet, its fonts and KaTeX's licence are kept, unmodified,
//! in `theme/katex/` (from the `katex` package, version [`VERSION`]); this module copies
//! them next to the pages, so that building the book needs nothing but a Rust toolchain.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The KaTeX version whose HTML mdbook-katex writes: the stylesheet must be the same
/// version.
pub const VERSION: &str = "0.16.4";

/// The directory of the book at `root` that holds KaTeX's stylesheet, fonts and licence.
pub fn assets(root: &Path) -> PathBuf {
    root.join("theme/katex")
}

/// Copies the stylesheet, its fonts and KaTeX's licence from the book at `root` into
/// `book_dir/katex/`. A book without them gets nothing: if its pages link the stylesheet,
/// the link check reports it missing.
pub fn install_into(root: &Path, book_dir: &Path) -> Result<()> {
    let from = assets(root);
    if !from.is_dir() {
        return Ok(());
    }
    let dest = book_dir.join("katex");
    let fonts = dest.join("fonts");
    std::fs::create_dir_all(&fonts)
        .with_context(|| format!("cannot create {}", fonts.display()))?;
    for file in ["katex.min.css", "LICENSE"] {
        std::fs::copy(from.join(file), dest.join(file))
            .with_context(|| format!("cannot copy {}", from.join(file).display()))?;
    }
    let entries = std::fs::read_dir(from.join("fonts"))
        .with_context(|| format!("cannot read {}", from.join("fonts").display()))?;
    for entry in entries {
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
        let css = std::fs::read_to_string(
            assets(&crate::repository_root()).join("katex.min.css"),
        )
        .unwrap();
        // The minified stylesheet announces its version in a rule of its own.
        assert!(
            css.contains(&format!("\"{VERSION}\"")),
            "theme/katex/katex.min.css is not KaTeX {VERSION}"
        );
    }
}
