//! The book machine: builds, serves and checks *The Space Between*, and regenerates the
//! outputs and figures the book includes.
//!
//! The book-level tests (`tests/` at the repository root) call [`checks`]; `cargo xtask`
//! (`main.rs`) calls the same functions for readers and authors. See ARCHITECTURE.md.

pub mod architecture;
pub mod book;
pub mod cells;
pub mod checks;
pub mod handout;
mod html;
pub mod katex;
pub mod lab;
pub mod logs;
mod markdown;
pub mod prose;
pub mod serve;
pub mod values;

use std::path::PathBuf;

/// The repository root: the directory holding `book.toml` and the workspace `Cargo.toml`.
pub fn repository_root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .expect("xtask lives in the repository root")
        .to_path_buf()
}

/// Cargo's target directory, where the machine keeps what it downloads and builds.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository_root().join("target"))
}
