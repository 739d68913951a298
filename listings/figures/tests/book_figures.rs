//! No figure the book shows prints a label over another label or over a mark.

use std::fs;
use std::path::Path;

/// The figures the chapters include, as `<img src="figures/NAME.svg"`.
fn included(book: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in fs::read_dir(book).expect("the book's sources are readable") {
        let path = entry.expect("the book's sources are readable").path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let chapter = fs::read_to_string(&path).expect("a chapter is readable");
        for (at, _) in chapter.match_indices("<img src=\"figures/") {
            let rest = &chapter[at + "<img src=\"figures/".len()..];
            if let Some(name) = rest.split('"').next().filter(|n| n.ends_with(".svg")) {
                names.push(name.to_owned());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn no_figure_of_the_book_overprints_a_label() {
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src");
    let names = included(&book);
    assert!(!names.is_empty(), "no chapter includes a figure");
    let mut problems = Vec::new();
    for name in &names {
        let path = book.join("figures").join(name);
        let svg = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for overlap in figures::overlap::overlaps(&svg) {
            problems.push(format!("{name}: {overlap}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} overlaps in the book's figures:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
