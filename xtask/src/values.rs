//! Values: the numbers a sentence quotes from a run, substituted from what the run wrote.
//!
//! A program records a named value in its `notebook::Output`; the cell that runs it keeps
//! the values in `src/values/CELL.toml` beside its output `src/outputs/CELL.txt`, and both
//! are regenerated and compared by the tests. A chapter quotes a value as
//! `{{#value CELL:NAME}}`; the [`Values`] preprocessor replaces the reference by the value
//! before mdBook's own preprocessors run, and [`references`] lets the checks report a
//! reference to a value that no cell wrote.

use anyhow::Result;
use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The directory, relative to the book's `src/`, that holds the values files.
pub const DIR: &str = "values";

/// The values file of the cell whose output is `output` (`src/outputs/NAME.txt` →
/// `src/values/NAME.toml`).
pub fn file_for_output(output: &Path) -> PathBuf {
    let stem = output.file_stem().unwrap_or_default();
    PathBuf::from("src")
        .join(DIR)
        .join(stem)
        .with_extension("toml")
}

/// The text of a values file: one `name = "value"` line per value, in the order recorded.
pub fn render(values: &[(String, String)]) -> String {
    values
        .iter()
        .map(|(name, value)| format!("{name} = {}\n", toml::Value::String(value.clone())))
        .collect()
}

/// A reference to a value in a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The line, from 1.
    pub line: usize,
    /// The byte range of the whole directive in the text.
    pub range: std::ops::Range<usize>,
    /// The cell: the stem of its output file.
    pub cell: String,
    /// The value's name.
    pub name: String,
}

const OPEN: &str = "{{#value ";

/// Every `{{#value CELL:NAME}}` in `markdown`, but escaped ones (`\{{#value ...}}`). A
/// directive without `:` or without its closing braces is returned with an empty name, for
/// the checks to report.
pub fn references(markdown: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = markdown[from..].find(OPEN).map(|i| from + i) {
        let body_start = at + OPEN.len();
        // `\{{#value ...}}` is an example of the syntax, not a reference: mdBook removes
        // the backslash.
        if markdown[..at].ends_with('\\') {
            from = body_start;
            continue;
        }
        let end = markdown[body_start..]
            .find("}}")
            .map(|i| body_start + i)
            .filter(|&end| !markdown[body_start..end].contains('\n'));
        let line = markdown[..at].matches('\n').count() + 1;
        let Some(end) = end else {
            found.push(Reference {
                line,
                range: at..body_start,
                cell: String::new(),
                name: String::new(),
            });
            from = body_start;
            continue;
        };
        let body = markdown[body_start..end].trim();
        let (cell, name) = body.split_once(':').unwrap_or((body, ""));
        found.push(Reference {
            line,
            range: at..end + 2,
            cell: cell.trim().to_owned(),
            name: name.trim().to_owned(),
        });
        from = end + 2;
    }
    found
}

/// The values of every cell, read from `src/values/` of the book at `root`:
/// cell → name → value. A file that is not a table of strings is an error.
pub fn load(root: &Path) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    let dir = root.join("src").join(DIR);
    let mut all = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(all);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| format!("{} is not TOML: {e}", path.display()))?;
        let mut values = BTreeMap::new();
        for (name, value) in table {
            let toml::Value::String(value) = value else {
                return Err(format!("{}: {name} is not a string", path.display()));
            };
            values.insert(name, value);
        }
        let cell = path.file_stem().unwrap_or_default().to_string_lossy();
        all.insert(cell.into_owned(), values);
    }
    Ok(all)
}

/// Why `reference` cannot be substituted from `values`, if it cannot.
pub fn problem(
    reference: &Reference,
    values: &BTreeMap<String, BTreeMap<String, String>>,
) -> Option<String> {
    if reference.name.is_empty() {
        return Some(format!(
            "`{OPEN}...` is not of the form `{OPEN}CELL:NAME}}}}` on one line"
        ));
    }
    let Some(cell) = values.get(&reference.cell) else {
        return Some(format!(
            "`{{{{#value {}:{}}}}}`: no cell wrote values to src/{DIR}/{}.toml",
            reference.cell, reference.name, reference.cell
        ));
    };
    if !cell.contains_key(&reference.name) {
        return Some(format!(
            "`{{{{#value {}:{}}}}}`: the cell wrote no value named `{}` (it wrote: {})",
            reference.cell,
            reference.name,
            reference.name,
            cell.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    None
}

/// `markdown` with every resolvable reference replaced by its value. Unresolvable ones are
/// left in place and logged as errors, so that the build's checks fail on them.
pub fn substitute(
    markdown: &str,
    values: &BTreeMap<String, BTreeMap<String, String>>,
    chapter: &str,
) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut last = 0;
    for reference in references(markdown) {
        if let Some(problem) = problem(&reference, values) {
            tracing::error!("{chapter}:{}: {problem}", reference.line);
            continue;
        }
        out.push_str(&markdown[last..reference.range.start]);
        out.push_str(&values[&reference.cell][&reference.name]);
        last = reference.range.end;
    }
    out.push_str(&markdown[last..]);
    out
}

/// The preprocessor that substitutes values; `book.toml` runs it before every other.
pub struct Values;

impl Preprocessor for Values {
    fn name(&self) -> &str {
        "values"
    }

    fn run(
        &self,
        ctx: &PreprocessorContext,
        mut book: Book,
    ) -> mdbook_driver::errors::Result<Book> {
        let values = load(&ctx.root).map_err(|e| anyhow::anyhow!(e))?;
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item {
                let name = chapter
                    .source_path
                    .as_ref()
                    .map_or(chapter.name.clone(), |p| p.display().to_string());
                chapter.content = substitute(&chapter.content, &values, &name);
            }
        });
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_with_their_lines_and_substituted() {
        let text = "a\nmean {{#value flp-rounds:mean-n3}} rounds, \\{{#value e:g}} {{#value x}} and {{#value y:z\n";
        let found = references(text);
        assert_eq!(found.len(), 3);
        assert_eq!(
            (found[0].line, &*found[0].cell, &*found[0].name),
            (2, "flp-rounds", "mean-n3")
        );
        assert_eq!((&*found[1].cell, &*found[1].name), ("x", ""));
        assert_eq!(found[2].name, "", "an unclosed directive");
        let mut values = BTreeMap::new();
        values.insert(
            "flp-rounds".to_owned(),
            BTreeMap::from([("mean-n3".to_owned(), "2.61".to_owned())]),
        );
        let out = substitute(text, &values, "test.md");
        assert!(
            out.starts_with("a\nmean 2.61 rounds, \\{{#value e:g}} {{#value x}}"),
            "{out}"
        );
    }

    #[test]
    fn values_files_round_trip_through_toml() {
        let values = vec![
            ("a".to_owned(), "2.58".to_owned()),
            ("b-quote".to_owned(), "say \"hi\"".to_owned()),
        ];
        let table: toml::Table = render(&values).parse().unwrap();
        assert_eq!(table["b-quote"].as_str(), Some("say \"hi\""));
        assert_eq!(
            file_for_output(Path::new("src/outputs/flp-lasso.txt")),
            PathBuf::from("src/values/flp-lasso.toml")
        );
    }
}
