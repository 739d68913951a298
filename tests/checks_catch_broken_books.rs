//! Every no-drift check rejects a book broken in the way it guards against.
//!
//! `tests/fixtures/good` is a small book that passes every check. Each test copies it, breaks
//! one thing, and asserts that the right check reports it, in the right file.

use notebook::Output;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use xtask::book;
use xtask::cells::{self, Cell, Isolation, Run};
use xtask::checks::{self, Finding};

/// A fresh copy of the good fixture, named after the test.
fn fixture(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    let to = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fixtures")
        .join(name);
    let _ = std::fs::remove_dir_all(&to);
    copy_dir(&from, &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn append(root: &Path, file: &str, text: &str) {
    let old = std::fs::read_to_string(root.join(file)).unwrap();
    write(root, file, &(old + text));
}

fn replace(root: &Path, file: &str, from: &str, to: &str) {
    let old = std::fs::read_to_string(root.join(file)).unwrap();
    assert!(old.contains(from), "{file} has no `{from}`");
    write(root, file, &old.replace(from, to));
}

/// Asserts that something was found, that all of it is about `words`, and that it names `file`.
/// (The rendered book repeats a chapter in `index.html` and `print.html`, so one problem in the
/// Markdown may be found in several pages.)
fn assert_one(found: Vec<Finding>, file: &str, words: &str) {
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        !found.is_empty(),
        "expected a finding about `{words}` in {file}, got none"
    );
    assert!(
        found.iter().all(|f| f.message.contains(words)),
        "expected only findings about `{words}`, got:\n{}",
        list.join("\n")
    );
    assert!(
        found.iter().any(|f| f.file == Path::new(file)),
        "expected a finding in {file}, got:\n{}",
        list.join("\n")
    );
}

const SVG: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>\n";

fn demo_program(_: &[String]) -> Result<Output, notebook::Error> {
    let mut output = Output::text("hello\n".into());
    output.file("src/figures/demo.svg", SVG);
    output.value("greetings", 1);
    Ok(output)
}

fn demo_cell() -> Cell {
    Cell {
        command: "cargo run --release -p demo -- demo --x 1",
        output: "src/outputs/demo.txt",
        program: demo_program,
        program_path: "demo::program",
        slow: false,
    }
}

fn build(root: &Path) -> book::Build {
    book::build(root, &root.join("book")).expect("the fixture builds")
}

// The good fixture passes every check: the tests below fail for the reason they name.

#[test]
fn the_good_fixture_passes_every_check() {
    let root = fixture("good");
    let mut found = checks::code_blocks(&root);
    found.extend(checks::includes(&root));
    found.extend(checks::listing_crates(&root));
    found.extend(checks::summary(&root));
    found.extend(checks::typed_numbers(&root));
    found.extend(checks::values(&root));
    found.extend(checks::claims(&root));
    found.extend(checks::cells(&root, &[demo_cell()], true, Run::generate));
    found.extend(checks::rendered(&build(&root)));
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(list.is_empty(), "{}", list.join("\n"));
}

// Code blocks.

#[test]
fn rust_typed_into_markdown_is_caught_in_any_fence() {
    for (i, fence) in ["```", "````", "~~~"].iter().enumerate() {
        let root = fixture(&format!("typed-rust-{i}"));
        append(
            &root,
            "src/chapter.md",
            &format!("\n{fence}rust,ignore\nfn main() {{}}\n{fence}\n"),
        );
        assert_one(
            checks::code_blocks(&root),
            "src/chapter.md",
            "typed code (`fn main() {}`)",
        );
    }
}

#[test]
fn output_typed_into_a_console_block_is_caught() {
    let root = fixture("typed-output");
    append(
        &root,
        "src/chapter.md",
        "\n```console\n$ cargo run\nhello\n```\n",
    );
    assert_one(
        checks::code_blocks(&root),
        "src/chapter.md",
        "typed output (`hello`)",
    );
}

// Includes.

#[test]
fn an_include_of_a_missing_file_is_caught() {
    let root = fixture("missing-file");
    replace(&root, "src/chapter.md", "lib.rs:add", "nope.rs:add");
    assert_one(
        checks::includes(&root),
        "src/chapter.md",
        "names a missing file",
    );
}

#[test]
fn an_include_of_a_missing_anchor_is_caught() {
    let root = fixture("missing-anchor");
    replace(&root, "src/chapter.md", "lib.rs:add", "lib.rs:sub");
    assert_one(
        checks::includes(&root),
        "src/chapter.md",
        "no `ANCHOR: sub`",
    );
}

#[test]
fn an_anchor_without_its_end_is_caught() {
    let root = fixture("missing-anchor-end");
    replace(&root, "listings/demo/src/lib.rs", "// ANCHOR_END: add", "");
    assert_one(
        checks::includes(&root),
        "src/chapter.md",
        "no `ANCHOR_END: add`",
    );
}

#[test]
fn an_include_outside_listings_and_src_is_caught() {
    let root = fixture("outside");
    append(
        &root,
        "src/chapter.md",
        "\n```toml\n{{#include ../book.toml}}\n```\n",
    );
    assert_one(
        checks::includes(&root),
        "src/chapter.md",
        "outside listings/, src/ and data/",
    );
}

#[test]
fn an_include_of_lines_past_the_end_is_caught() {
    let root = fixture("lines");
    append(
        &root,
        "src/chapter.md",
        "\n```rust\n{{#include ../listings/demo/src/lib.rs:2:99}}\n```\n",
    );
    assert_one(checks::includes(&root), "src/chapter.md", "lines 2 to 99");
}

// Listing crates.

#[test]
fn a_listing_crate_outside_the_workspace_is_caught() {
    let root = fixture("not-member");
    replace(
        &root,
        "Cargo.toml",
        "members = [\"listings/*\"]",
        "members = []",
    );
    assert_one(
        checks::listing_crates(&root),
        "Cargo.toml",
        "listings/demo is not a member",
    );
}

#[test]
fn a_listing_crate_no_chapter_includes_is_caught() {
    let root = fixture("not-shown");
    write(
        &root,
        "listings/unseen/Cargo.toml",
        "[package]\nname = \"unseen\"\n",
    );
    assert_one(
        checks::listing_crates(&root),
        "listings/unseen/Cargo.toml",
        "no chapter includes anything",
    );
}

// SUMMARY.md.

#[test]
fn summary_naming_a_missing_file_is_caught() {
    let root = fixture("summary-missing");
    append(&root, "src/SUMMARY.md", "- [Gone](gone.md)\n");
    assert_one(checks::summary(&root), "src/SUMMARY.md", "names `gone.md`");
}

#[test]
fn a_chapter_missing_from_summary_is_caught() {
    let root = fixture("summary-orphan");
    write(&root, "src/orphan.md", "# Orphan\n");
    assert_one(checks::summary(&root), "src/orphan.md", "not in SUMMARY.md");
}

// Numbers in the prose.

#[test]
fn a_typed_number_is_caught_and_labels_mathematics_and_values_are_not() {
    for (i, typed) in ["4.25 ms", "25% of runs", "3× faster", "181,094 states"]
        .iter()
        .enumerate()
    {
        let root = fixture(&format!("typed-number-{i}"));
        append(
            &root,
            "src/chapter.md",
            &format!(
                "\nFigure 1.2 shows {typed}, and $x = 0.5$ (exercise 3.1) [Lam01, §2.4].\n"
            ),
        );
        let number = typed.split(' ').next().unwrap();
        assert_one(
            checks::typed_numbers(&root),
            "src/chapter.md",
            &format!("{number} is typed into the prose"),
        );
    }
}

#[test]
fn a_value_no_cell_wrote_is_caught_in_the_source_and_in_the_rendered_book() {
    for (i, reference) in [
        "{{#value demo:missing}}",
        "{{#value nocell:greetings}}",
        "{{#value demo}}",
    ]
    .iter()
    .enumerate()
    {
        let root = fixture(&format!("missing-value-{i}"));
        append(
            &root,
            "src/chapter.md",
            &format!("\nIt took {reference} ms.\n"),
        );
        let found = checks::values(&root);
        assert!(
            found.len() == 1 && found[0].file == Path::new("src/chapter.md"),
            "{found:?}"
        );
        assert!(!checks::rendered(&build(&root)).is_empty());
    }
}

#[test]
fn a_claim_naming_a_missing_test_is_caught() {
    let root = fixture("claim-missing-test");
    replace(
        &root,
        "src/chapter.md",
        "lib.rs::greets_once",
        "lib.rs::greets_twice",
    );
    assert_one(
        checks::claims(&root),
        "src/chapter.md",
        "which listings/demo/src/lib.rs does not define",
    );
}

#[test]
fn a_values_file_no_cell_writes_is_caught() {
    let root = fixture("orphan-values");
    write(&root, "src/values/stale.toml", "x = \"1\"\n");
    assert_one(
        checks::cells(&root, &[demo_cell()], true, Run::generate),
        "src/values/stale.toml",
        "no cell generates this file",
    );
}

// Generated outputs and figures.

#[test]
fn an_output_that_drifted_from_its_code_is_caught() {
    let root = fixture("drifted-output");
    replace(&root, "src/outputs/demo.txt", "hello", "hallo");
    assert_one(
        checks::cells(&root, &[demo_cell()], true, Run::generate),
        "src/outputs/demo.txt",
        "differs from what",
    );
}

#[test]
fn a_figure_that_drifted_from_its_code_is_caught() {
    let root = fixture("drifted-figure");
    replace(
        &root,
        "src/figures/demo.svg",
        "width=\"10\"",
        "width=\"11\"",
    );
    assert_one(
        checks::cells(&root, &[demo_cell()], true, Run::generate),
        "src/figures/demo.svg",
        "differs from what",
    );
}

#[test]
fn a_missing_output_is_caught() {
    let root = fixture("missing-output");
    std::fs::remove_file(root.join("src/outputs/demo.txt")).unwrap();
    assert_one(
        checks::cells(&root, &[demo_cell()], true, Run::generate),
        "src/outputs/demo.txt",
        "missing",
    );
}

#[test]
fn a_slow_cell_whose_files_are_missing_is_caught_without_running_it() {
    let root = fixture("slow-missing");
    std::fs::remove_file(root.join("src/outputs/demo.txt")).unwrap();
    let slow = Cell {
        slow: true,
        command: "cargo run --release -p demo -- demo --svg src/figures/demo.svg",
        ..demo_cell()
    };
    assert_one(
        checks::cells(&root, &[slow], false, Run::generate),
        "src/outputs/demo.txt",
        "missing",
    );
}

#[test]
fn a_generated_file_no_cell_generates_is_caught() {
    let root = fixture("orphan-figure");
    write(&root, "src/figures/stale.svg", SVG);
    assert_one(
        checks::cells(&root, &[demo_cell()], true, Run::generate),
        "src/figures/stale.svg",
        "no cell generates",
    );
}

#[test]
fn a_binary_that_runs_another_program_is_caught() {
    let root = fixture("wrong-main");
    replace(
        &root,
        "listings/demo/src/main.rs",
        "demo::program",
        "demo::other",
    );
    assert_one(
        checks::cells(&root, &[demo_cell()], true, Run::generate),
        "listings/demo/src/main.rs",
        "notebook::main(demo::program)",
    );
}

// The rendered book.

#[test]
fn a_formula_katex_cannot_render_is_caught() {
    let root = fixture("katex");
    append(
        &root,
        "src/chapter.md",
        "\nA broken formula: $\\frac{1}{$.\n",
    );
    let found = checks::rendered(&build(&root));
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        list.iter().any(|f| f.contains("the build logged")),
        "{list:?}"
    );
    assert!(
        list.iter().any(|f| f.contains("unrendered math")),
        "{list:?}"
    );
}

#[test]
fn a_raw_directive_left_in_the_page_is_caught() {
    let root = fixture("raw-directive");
    append(
        &root,
        "src/chapter.md",
        "\n```rust\n{{#include ../listings/demo/src/nope.rs}}\n```\n",
    );
    let found = checks::rendered(&build(&root));
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        list.iter().any(|f| f.contains("a raw mdBook directive")),
        "{list:?}"
    );
}

#[test]
fn a_broken_internal_link_is_caught() {
    let root = fixture("broken-link");
    append(&root, "src/chapter.md", "\nSee [nowhere](nowhere.md).\n");
    assert_one(
        checks::rendered(&build(&root)),
        "chapter.html",
        "points at nothing: nowhere.html",
    );
}

#[test]
fn a_link_to_a_missing_heading_is_caught() {
    let root = fixture("broken-fragment");
    append(
        &root,
        "src/chapter.md",
        "\nSee [a section](chapter.md#no-such-section).\n",
    );
    assert_one(
        checks::rendered(&build(&root)),
        "chapter.html",
        "no id `no-such-section`",
    );
}

#[test]
fn a_missing_image_is_caught() {
    let root = fixture("broken-image");
    append(&root, "src/chapter.md", "\n![gone](figures/gone.svg)\n");
    assert_one(
        checks::rendered(&build(&root)),
        "chapter.html",
        "<img> points at nothing: figures/gone.svg",
    );
}

#[test]
fn a_request_off_the_machine_is_caught() {
    let root = fixture("remote");
    append(
        &root,
        "src/chapter.md",
        "\n<img src=\"https://example.org/x.png\" alt=\"remote\">\n",
    );
    assert_one(
        checks::rendered(&build(&root)),
        "chapter.html",
        "requests https://example.org/x.png",
    );
}

#[test]
fn the_katex_stylesheet_from_a_cdn_is_caught() {
    let root = fixture("katex-cdn");
    replace(&root, "book.toml", "no-css = true", "no-css = false");
    let found = checks::rendered(&build(&root));
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        list.iter()
            .any(|f| f.contains("<link> requests https://cdn.jsdelivr.net/npm/katex")),
        "{list:?}"
    );
}

// Cells run in processes of their own.

/// Children that run `script` in `sh`, stopped after `limit`.
fn shell(script: &str, limit: Duration) -> Isolation {
    Isolation {
        time_limit: limit,
        ..Isolation::new("sh", &["-c", script])
    }
}

#[test]
fn a_runaway_cell_is_stopped_and_fails_by_name() {
    let started = Instant::now();
    let error = shell("sleep 60", Duration::from_millis(300))
        .generate(&demo_cell())
        .unwrap_err()
        .to_string();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it was not stopped"
    );
    assert!(error.contains(demo_cell().command), "{error}");
    assert!(error.contains("ran longer than"), "{error}");
}

#[test]
fn a_failing_cell_fails_by_name_with_what_it_said() {
    let root = fixture("failing-cell");
    let isolation = shell("echo 'it broke' >&2; exit 3", Duration::from_secs(60));
    let found = checks::cells(&root, &[demo_cell()], true, |c| isolation.generate(c));
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        found
            .iter()
            .any(|f| f.message.contains(demo_cell().command)
                && f.message.contains("it broke")),
        "{}",
        list.join("\n")
    );
}

#[test]
fn an_isolated_cell_keeps_the_files_its_child_wrote() {
    let script = r#"test "$BOOK_CELL" = "cargo run --release -p demo -- demo --x 1" || exit 1
        mkdir -p "$BOOK_CELL_DIR/src/outputs" &&
        printf hello > "$BOOK_CELL_DIR/src/outputs/demo.txt""#;
    let files = shell(script, Duration::from_secs(60))
        .generate(&demo_cell())
        .unwrap();
    assert_eq!(
        files,
        vec![(PathBuf::from("src/outputs/demo.txt"), b"hello".to_vec())]
    );
}

#[test]
fn the_child_writes_what_the_cell_generates_and_refuses_an_unknown_cell() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("child-writes");
    let _ = std::fs::remove_dir_all(&dir);
    cells::write_cell(&[demo_cell()], demo_cell().command, &dir).unwrap();
    for (path, bytes) in demo_cell().generate().unwrap() {
        assert_eq!(
            std::fs::read(dir.join(&path)).unwrap(),
            bytes,
            "{}",
            path.display()
        );
    }
    let error =
        cells::write_cell(&[demo_cell()], "cargo run --release -p demo -- other", &dir)
            .unwrap_err()
            .to_string();
    assert!(error.contains("no cell runs"), "{error}");
}

// The dependency rules.

#[test]
fn a_world_that_knows_a_chapter_a_foundation_that_knows_a_world_and_a_shared_binary_name_are_caught()
 {
    use xtask::architecture::{broken_rules, packages};
    let metadata: serde_json::Value = serde_json::from_str(
        r#"{"packages": [
            {"name": "process", "dependencies": [{"name": "sim", "kind": null}], "targets": []},
            {"name": "sim", "dependencies": [{"name": "replication", "kind": "dev"},
                                             {"name": "process", "kind": null},
                                             {"name": "rand", "kind": null}],
             "targets": [{"name": "check", "kind": ["bin"]}]},
            {"name": "replication", "dependencies": [{"name": "sim", "kind": null}],
             "targets": [{"name": "check", "kind": ["bin"]}, {"name": "replication", "kind": ["lib"]}]}
        ]}"#,
    )
    .unwrap();
    let read = packages(&metadata);
    assert_eq!(
        read["sim"].depends_on.len(),
        2,
        "rand is not of the workspace"
    );
    let broken = broken_rules(&read);
    assert_eq!(broken.len(), 3, "{broken:#?}");
    assert!(
        broken[0].starts_with("process depends on sim (normal)"),
        "{}",
        broken[0]
    );
    assert!(
        broken[1].starts_with("sim depends on replication (dev)"),
        "{}",
        broken[1]
    );
    assert!(
        broken[2].starts_with("the binary check is built by replication and sim"),
        "{}",
        broken[2]
    );
}
