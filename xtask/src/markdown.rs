//! What the checks need to read in the book's Markdown: fenced code blocks and include
//! directives.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use std::path::{Path, PathBuf};

/// A fenced code block (three or more backticks, or tildes).
pub struct CodeBlock {
    /// The line of the opening fence, from 1.
    pub line: usize,
    /// The first word of the info string (`rust` in "```rust,ignore"), lower-cased.
    pub language: String,
    /// The block's text, without the fences.
    pub text: String,
}

/// Every fenced code block of a Markdown text, as CommonMark parses it.
pub fn code_blocks(markdown: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<CodeBlock> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let language = info
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                open = Some(CodeBlock {
                    line: line_of(markdown, range.start),
                    language,
                    text: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// The line (from 1) of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|&b| b == b'\n').count() + 1
}

/// What part of a file an include shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The whole file.
    Whole,
    /// The lines between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
    /// Lines `start..=end` (from 1; either end open).
    Lines(Option<usize>, Option<usize>),
}

/// An mdBook include directive: `{{#include path}}`, `{{#include path:anchor}}`,
/// `{{#include path:start:end}}`, and the same with `rustdoc_include`.
pub struct Include {
    /// The line of the directive in its Markdown file, from 1.
    pub line: usize,
    /// The directive as written.
    pub directive: String,
    /// The path as written, relative to the Markdown file's directory.
    pub path: PathBuf,
    /// The part of the file shown.
    pub selection: Selection,
}

/// The directives the checks understand: mdBook's two ways to include a file's text.
pub const INCLUDE_KINDS: [&str; 2] = ["include", "rustdoc_include"];

/// Every include directive in a Markdown text (escaped ones, `\{{#...}}`, are not
/// directives).
pub fn includes(markdown: &str) -> Vec<Include> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = markdown[from..].find("{{#").map(|i| from + i) {
        from = at + 3;
        if markdown[..at].ends_with('\\') {
            continue;
        }
        let Some(len) = markdown[at..].find("}}") else {
            break;
        };
        let directive = &markdown[at..at + len + 2];
        let inner = directive[3..directive.len() - 2].trim();
        let (kind, argument) =
            inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        if !INCLUDE_KINDS.contains(&kind) {
            continue;
        }
        let mut parts = argument.trim().split(':');
        let path = PathBuf::from(parts.next().unwrap_or(""));
        let rest: Vec<&str> = parts.collect();
        let selection = match rest.as_slice() {
            [] => Selection::Whole,
            [one] => match one.parse() {
                Ok(line) => Selection::Lines(Some(line), Some(line)),
                Err(_) => Selection::Anchor(one.trim().to_owned()),
            },
            [start, end, ..] => Selection::Lines(start.parse().ok(), end.parse().ok()),
        };
        found.push(Include {
            line: line_of(markdown, at),
            directive: directive.to_owned(),
            path,
            selection,
        });
    }
    found
}

/// Whether a line of a source file opens or closes the anchor `name`, as mdBook
/// recognises them (`ANCHOR: name` and `ANCHOR_END: name`, anywhere on the line, usually
/// in a comment).
pub fn anchor_lines(source: &str, name: &str) -> (Option<usize>, Option<usize>) {
    let mut start = None;
    let mut end = None;
    for (i, line) in source.lines().enumerate() {
        if start.is_none() && names_anchor(line, "ANCHOR:", name) {
            start = Some(i + 1);
        } else if start.is_some()
            && end.is_none()
            && names_anchor(line, "ANCHOR_END:", name)
        {
            end = Some(i + 1);
        }
    }
    (start, end)
}

fn names_anchor(line: &str, marker: &str, name: &str) -> bool {
    line.split(marker).skip(1).any(|after| {
        let word: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        word == name
    })
}

/// Every Markdown file under `dir`, sorted.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(dir, &mut |path| {
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path.to_path_buf());
        }
    });
    files.sort();
    files
}

/// Calls `visit` on every file under `dir`, recursively.
pub fn walk(dir: &Path, visit: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, visit);
        } else {
            visit(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms_and_skips_escapes() {
        let md = "a {{#include ../x.rs}}\n{{#rustdoc_include y.rs:main}}\n\\{{#include no.rs}}\n{{#include z.rs:3:7}} {{#include w.rs:4:}} {{#title T}}";
        let found = includes(md);
        let got: Vec<_> = found
            .iter()
            .map(|i| (i.line, i.path.clone(), i.selection.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, PathBuf::from("../x.rs"), Selection::Whole),
                (2, PathBuf::from("y.rs"), Selection::Anchor("main".into())),
                (4, PathBuf::from("z.rs"), Selection::Lines(Some(3), Some(7))),
                (4, PathBuf::from("w.rs"), Selection::Lines(Some(4), None)),
            ]
        );
    }

    #[test]
    fn finds_backtick_and_tilde_fences_of_any_length() {
        let md =
            "text\n````rust,ignore\nfn a() {}\n````\n~~~ Rust\nx\n~~~\n```\nplain\n```\n";
        let blocks = code_blocks(md);
        let got: Vec<_> = blocks
            .iter()
            .map(|b| (b.line, b.language.as_str(), b.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "rust", "fn a() {}\n"),
                (5, "rust", "x\n"),
                (8, "", "plain\n")
            ]
        );
    }

    #[test]
    fn anchors_need_both_ends_in_order() {
        let src = "// ANCHOR: a\nx\n// ANCHOR_END: a\n// ANCHOR_END: b\n// ANCHOR: b\n// ANCHOR: ab\n";
        assert_eq!(anchor_lines(src, "a"), (Some(1), Some(3)));
        assert_eq!(anchor_lines(src, "b"), (Some(5), None));
        assert_eq!(anchor_lines(src, "ab"), (Some(6), None));
    }
}
