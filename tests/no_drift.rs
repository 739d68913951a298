//! The book's no-drift guarantees, checked on the book itself. Each check is shown to catch
//! a broken book in `checks_catch_broken_books.rs`.

use std::path::PathBuf;
use xtask::{architecture, book, cells, checks, repository_root};

fn assert_clean(found: Vec<checks::Finding>) {
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        list.is_empty(),
        "{} problems:\n{}",
        list.len(),
        list.join("\n")
    );
}

#[test]
fn rust_blocks_only_include_compiled_code() {
    assert_clean(checks::code_blocks(&repository_root()));
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    assert_clean(checks::includes(&repository_root()));
}

#[test]
fn every_listing_crate_is_a_member_and_shown() {
    assert_clean(checks::listing_crates(&repository_root()));
}

#[test]
fn summary_and_chapter_files_agree() {
    assert_clean(checks::summary(&repository_root()));
}

#[test]
fn the_course_guides_chapter_graph_and_summary_agree() {
    assert_clean(checks::course(&repository_root()));
}

#[test]
fn no_measured_number_is_typed_into_the_prose() {
    assert_clean(checks::typed_numbers(&repository_root()));
}

#[test]
fn every_quoted_value_was_written_by_a_cell() {
    assert_clean(checks::values(&repository_root()));
}

#[test]
fn every_claim_names_the_test_that_asserts_it() {
    assert_clean(checks::claims(&repository_root()));
}

/// Runs each cell in a process of its own (`tests/bin/book_cell.rs`), with a time limit,
/// so a runaway program fails its own cell by name.
fn isolated(cell: &cells::Cell) -> anyhow::Result<cells::Files> {
    cells::Isolation::new(env!("CARGO_BIN_EXE_book-cell"), &[]).generate(cell)
}

#[test]
fn every_output_and_figure_is_what_its_code_generates() {
    assert_clean(checks::cells(
        &repository_root(),
        &cells::all(),
        false,
        isolated,
    ));
}

/// The slow cells too: `cargo test --workspace --test no_drift -- --ignored` (about fifteen minutes in the test
/// profile). `cargo xtask check` and `cargo xtask bless` always include them.
#[test]
#[ignore = "runs the slow cells: cargo test --workspace --test no_drift -- --ignored"]
fn every_output_and_figure_of_the_slow_cells_is_what_its_code_generates() {
    assert_clean(checks::cells(
        &repository_root(),
        &cells::all(),
        true,
        isolated,
    ));
}

#[test]
fn dependencies_point_the_way_architecture_md_says() {
    let metadata = architecture::metadata(&repository_root()).expect("cargo metadata");
    let packages = architecture::packages(&metadata);
    // The rules bind only if the packages they name were read.
    for name in architecture::FOUNDATIONS
        .iter()
        .chain(&architecture::WORLDS)
    {
        assert!(
            packages.contains_key(*name),
            "{name} is not in the workspace"
        );
    }
    let broken = architecture::broken_rules(&packages);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_rendered_book_has_no_raw_math_directives_broken_links_or_remote_requests() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("book");
    let build = book::build(&repository_root(), &dir).expect("the book builds");
    assert_clean(checks::rendered(&build));
}
