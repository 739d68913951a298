//! The no-drift checks. Each returns what it found wrong; the book passes when all are
//! empty.
//!
//! mdBook itself is lenient: a missing include is only logged, a missing anchor gives an
//! empty block, a formula KaTeX cannot render stays in the page as raw LaTeX, and the
//! build still succeeds. These checks make each of those a failure, and add the book's
//! own rules: no Rust typed into Markdown, every listing crate shown, every output and
//! figure regenerated.

use crate::book::Build;
use crate::cells::{Cell, Files, GENERATED_DIRS, Run};
use crate::html;
use crate::markdown::{self, Selection};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Something wrong with the book, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file, relative to the root of the book's repository where possible.
    pub file: PathBuf,
    /// The line, from 1, where one applies.
    pub line: Option<usize>,
    /// What is wrong, and what to do about it.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

fn finding(root: &Path, file: &Path, line: Option<usize>, message: String) -> Finding {
    let file = file.strip_prefix(root).unwrap_or(file).to_path_buf();
    Finding {
        file,
        line,
        message,
    }
}

/// Rust code blocks hold nothing but include directives, and console blocks nothing but
/// commands (`$ ...`) and includes: code and outputs come from compiled, run code.
pub fn code_blocks(root: &Path) -> Vec<Finding> {
    let root = &normalize(root);
    let mut found = Vec::new();
    for file in markdown::markdown_files(&root.join("src")) {
        let text = read(&file);
        for block in markdown::code_blocks(&text) {
            let rust = matches!(block.language.as_str(), "rust" | "rs");
            let console = block.language == "console";
            if !rust && !console {
                continue;
            }
            for (offset, line) in block.text.lines().enumerate() {
                let line = line.trim();
                let include = line.starts_with("{{#")
                    && line.ends_with("}}")
                    && markdown::includes(line).len() == 1;
                let command = console && line.starts_with("$ ");
                if line.is_empty() || include || command {
                    continue;
                }
                let message = if rust {
                    format!(
                        "a Rust code block holds typed code (`{line}`): include it from a crate under listings/"
                    )
                } else {
                    format!(
                        "a console block holds typed output (`{line}`): include the output a cell generates"
                    )
                };
                found.push(finding(root, &file, Some(block.line + 1 + offset), message));
                break;
            }
        }
    }
    found
}

/// The widest line of code the book's page shows without scrolling, in characters.
pub const CODE_WIDTH: usize = 92;

/// Every include names an existing file under `listings/`, `src/` or `data/`, and its anchor or
/// lines, and every line of Rust it shows fits the page.
pub fn includes(root: &Path) -> Vec<Finding> {
    let root = &normalize(root);
    let mut found = Vec::new();
    for (file, include, target) in all_includes(root) {
        let mut report = |message: String| {
            found.push(finding(root, &file, Some(include.line), message))
        };
        let directive = &include.directive;
        let inside = ["listings", "src", "data"]
            .iter()
            .any(|dir| target.starts_with(root.join(dir)));
        if !inside {
            report(format!(
                "{directive} names a file outside listings/, src/ and data/"
            ));
            continue;
        }
        let Ok(source) = std::fs::read_to_string(&target) else {
            report(format!("{directive} names a missing file"));
            continue;
        };
        let lines: Vec<&str> = source.lines().collect();
        let mut shown = 0..0;
        match &include.selection {
            Selection::Whole => shown = 0..lines.len(),
            Selection::Anchor(name) => match markdown::anchor_lines(&source, name) {
                (Some(start), Some(end)) => shown = start..end - 1,
                (None, _) => {
                    report(format!("{directive}: no `ANCHOR: {name}` in the file"))
                }
                (Some(_), None) => report(format!(
                    "{directive}: no `ANCHOR_END: {name}` after `ANCHOR: {name}`"
                )),
            },
            Selection::Lines(start, end) => {
                let count = lines.len();
                let start = start.unwrap_or(1);
                let end = end.unwrap_or(count);
                if start == 0 || start > end || end > count {
                    report(format!(
                        "{directive}: lines {start} to {end} are not within the file's {count} lines"
                    ));
                } else {
                    shown = start - 1..end;
                }
            }
        }
        // Code wider than the book's column is cut off on the page.
        let wide = lines[shown.clone()]
            .iter()
            .enumerate()
            .find(|(_, l)| l.chars().count() > CODE_WIDTH);
        if target.extension().is_some_and(|e| e == "rs")
            && let Some((n, line)) = wide
        {
            report(format!(
                "{directive}: line {} of the file is {} characters wide; the book shows {CODE_WIDTH}",
                shown.start + n + 1,
                line.chars().count()
            ));
        }
    }
    found
}

/// No chapter types a measured number into its prose: a decimal, a percentage, a ratio
/// or a comma-grouped integer in a sentence must be a value reference
/// (`{{#value CELL:NAME}}`), inside mathematics, in a citation or a table of published
/// values, or on the allow-list beside the check (`xtask/src/typed-numbers.allow`).
pub fn typed_numbers(root: &Path) -> Vec<Finding> {
    let root = &normalize(root);
    let allowed = crate::prose::allowed_phrases();
    let mut found = Vec::new();
    for file in chapter_files(root) {
        for (line, number) in crate::prose::typed_numbers(&read(&file), &allowed) {
            found.push(finding(
                root,
                &file,
                Some(line),
                format!(
                    "{number} is typed into the prose: quote the value the program wrote \
                     ({{{{#value CELL:NAME}}}}), or write it as mathematics if it is not a \
                     measurement"
                ),
            ));
        }
    }
    found
}

/// Every value a chapter quotes (`{{#value CELL:NAME}}`) was written by a cell.
pub fn values(root: &Path) -> Vec<Finding> {
    let root = &normalize(root);
    let values = match crate::values::load(root) {
        Ok(values) => values,
        Err(message) => {
            return vec![finding(
                root,
                &root.join("src").join(crate::values::DIR),
                None,
                message,
            )];
        }
    };
    let mut found = Vec::new();
    for file in chapter_files(root) {
        for reference in crate::values::references(&read(&file)) {
            if let Some(problem) = crate::values::problem(&reference, &values) {
                found.push(finding(root, &file, Some(reference.line), problem));
            }
        }
    }
    found
}

/// Every claim a chapter reads off an output names, in a comment beside it
/// (`<!-- asserted by: FILE::TEST -->`), a test function that exists in that file, so
/// that a change of the pattern, not only of a number, fails a test.
pub fn claims(root: &Path) -> Vec<Finding> {
    const MARK: &str = "<!-- asserted by:";
    let root = &normalize(root);
    let mut found = Vec::new();
    for file in chapter_files(root) {
        let text = read(&file);
        for (index, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find(MARK) {
                let after = &rest[at + MARK.len()..];
                let Some(end) = after.find("-->") else { break };
                let named = after[..end].trim();
                rest = &after[end..];
                let problem = match named.rsplit_once("::") {
                    None => Some("is not of the form FILE::TEST".to_owned()),
                    Some((path, test)) => {
                        let source = read(&root.join(path));
                        let defines = source.contains(&format!("fn {test}("));
                        let inside = ["listings/", "tests/", "xtask/"]
                            .iter()
                            .any(|dir| path.starts_with(dir));
                        if !inside {
                            Some(
                                "names a file outside listings/, tests/ and xtask/"
                                    .to_owned(),
                            )
                        } else if source.is_empty() {
                            Some(format!("names {path}, which does not exist"))
                        } else if !defines {
                            Some(format!("names {test}, which {path} does not define"))
                        } else {
                            None
                        }
                    }
                };
                if let Some(problem) = problem {
                    found.push(finding(
                        root,
                        &file,
                        Some(index + 1),
                        format!("`asserted by: {named}` {problem}"),
                    ));
                }
            }
        }
    }
    found
}

/// The chapters: every Markdown file of `src/` but `SUMMARY.md`.
fn chapter_files(root: &Path) -> Vec<PathBuf> {
    markdown::markdown_files(&root.join("src"))
        .into_iter()
        .filter(|f| f.file_name().is_none_or(|n| n != "SUMMARY.md"))
        .collect()
}

/// Every include of every chapter: (Markdown file, directive, resolved target).
fn all_includes(root: &Path) -> Vec<(PathBuf, markdown::Include, PathBuf)> {
    let mut all = Vec::new();
    for file in markdown::markdown_files(&root.join("src")) {
        let dir = file.parent().expect("a file has a directory").to_path_buf();
        for include in markdown::includes(&read(&file)) {
            let target = normalize(&dir.join(&include.path));
            all.push((file.clone(), include, target));
        }
    }
    all
}

/// Every crate under `listings/` is a workspace member and is included by some chapter.
pub fn listing_crates(root: &Path) -> Vec<Finding> {
    let root = &normalize(root);
    let mut found = Vec::new();
    let manifest = root.join("Cargo.toml");
    let members = match workspace_members(root) {
        Ok(members) => members,
        Err(message) => return vec![finding(root, &manifest, None, message)],
    };
    let included: Vec<PathBuf> = all_includes(root)
        .into_iter()
        .map(|(_, _, target)| target)
        .collect();
    for krate in crate_dirs(&root.join("listings")) {
        let name = krate
            .strip_prefix(root)
            .unwrap_or(&krate)
            .display()
            .to_string();
        if !members.contains(&krate) {
            found.push(finding(
                root,
                &manifest,
                None,
                format!("{name} is not a member of the workspace"),
            ));
        }
        if !included.iter().any(|target| target.starts_with(&krate)) {
            found.push(finding(
                root,
                &krate.join("Cargo.toml"),
                None,
                format!("no chapter includes anything from {name}"),
            ));
        }
    }
    found
}

/// The directories of the workspace's members, from `[workspace] members` (exact paths,
/// or a directory followed by `/*`) less `exclude`.
fn workspace_members(root: &Path) -> Result<BTreeSet<PathBuf>, String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read: {e}"))?;
    let manifest: toml::Table =
        text.parse().map_err(|e| format!("not valid TOML: {e}"))?;
    let list = |key: &str| -> Vec<String> {
        manifest
            .get("workspace")
            .and_then(|w| w.get(key))
            .and_then(|m| m.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut members = BTreeSet::new();
    for pattern in list("members") {
        match pattern.strip_suffix("/*") {
            Some(dir) => members.extend(crate_dirs(&root.join(dir))),
            None => {
                members.insert(normalize(&root.join(&pattern)));
            }
        }
    }
    for excluded in list("exclude") {
        members.remove(&normalize(&root.join(excluded)));
    }
    Ok(members)
}

/// The subdirectories of `dir` that hold a `Cargo.toml`.
fn crate_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| normalize(&e.path())))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// `SUMMARY.md` names only existing files, and names every chapter file in `src/`.
pub fn summary(root: &Path) -> Vec<Finding> {
    let root = &normalize(root);
    let src = root.join("src");
    let path = src.join("SUMMARY.md");
    let text = read(&path);
    let parsed = match mdbook_summary::parse_summary(&text) {
        Ok(parsed) => parsed,
        Err(e) => {
            return vec![finding(root, &path, None, format!("cannot parse: {e:#}"))];
        }
    };
    let mut named = BTreeSet::new();
    let mut stack: Vec<&mdbook_summary::SummaryItem> = parsed
        .prefix_chapters
        .iter()
        .chain(&parsed.numbered_chapters)
        .chain(&parsed.suffix_chapters)
        .collect();
    let mut found = Vec::new();
    while let Some(item) = stack.pop() {
        let mdbook_summary::SummaryItem::Link(link) = item else {
            continue;
        };
        stack.extend(&link.nested_items);
        if let Some(location) = &link.location {
            let file = normalize(&src.join(location));
            if !file.is_file() {
                found.push(finding(
                    root,
                    &path,
                    None,
                    format!(
                        "names `{}` ({}), which does not exist",
                        location.display(),
                        link.name
                    ),
                ));
            }
            named.insert(file);
        }
    }
    for file in markdown::markdown_files(&src) {
        if file != path && !named.contains(&normalize(&file)) {
            found.push(finding(
                root,
                &file,
                None,
                "is not in SUMMARY.md: no reader can reach it".into(),
            ));
        }
    }
    found.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
    found
}

/// The chapters of the course guide's dependency graph (`listings/labs/chapters.toml`)
/// are those of `SUMMARY.md` before its appendices: the same titles in the same order,
/// each with a file exactly when `SUMMARY.md` gives it one (and the same file).
pub fn course(root: &Path) -> Vec<Finding> {
    let root = &normalize(root);
    let data = Path::new("listings/labs/chapters.toml");
    let text = read(&root.join(data));
    let planned = match labs::course::parse(&text) {
        Ok(chapters) => chapters,
        Err(e) => return vec![finding(root, data, None, e)],
    };
    let path = root.join("src/SUMMARY.md");
    let parsed = match mdbook_summary::parse_summary(&read(&path)) {
        Ok(parsed) => parsed,
        Err(e) => {
            return vec![finding(root, &path, None, format!("cannot parse: {e:#}"))];
        }
    };
    let mut summary = Vec::new();
    for item in &parsed.numbered_chapters {
        match item {
            mdbook_summary::SummaryItem::PartTitle(title) if title == "Appendices" => {
                break;
            }
            mdbook_summary::SummaryItem::Link(link) => summary.push((
                link.name.clone(),
                link.location.as_ref().map(|l| l.display().to_string()),
            )),
            _ => {}
        }
    }
    let mut found = Vec::new();
    let count = planned.len().max(summary.len());
    for i in 0..count {
        let ours = planned.get(i).map(|c| (c.title.clone(), c.file.clone()));
        let theirs = summary.get(i).cloned();
        if ours != theirs {
            let show = |c: &Option<(String, Option<String>)>| match c {
                None => "nothing".to_owned(),
                Some((title, None)) => format!("{title:?} (not written)"),
                Some((title, Some(file))) => format!("{title:?} ({file})"),
            };
            found.push(finding(
                root,
                data,
                None,
                format!(
                    "chapter {} is {} here and {} in SUMMARY.md",
                    i + 1,
                    show(&ours),
                    show(&theirs)
                ),
            ));
        }
    }
    found
}

/// Every generated file equals what its cell generates now; every file in the generated
/// directories comes from a cell; each cell's binary runs its program and the book shows
/// what it generates. Slow cells are only checked to have their files unless `run_slow`.
/// `generate` runs a cell: [`Run::generate`] in this process, or
/// [`Isolation::generate`](crate::cells::Isolation::generate) in a child of its own.
pub fn cells<G>(root: &Path, cells: &[Cell], run_slow: bool, generate: G) -> Vec<Finding>
where
    G: Fn(&Cell) -> anyhow::Result<Files> + Sync,
{
    let root = &normalize(root);
    let mut found = Vec::new();
    let mut generated: BTreeMap<PathBuf, &str> = BTreeMap::new();
    let chapters: String = markdown::markdown_files(&root.join("src"))
        .iter()
        .map(|f| read(f))
        .collect();
    let mut to_run = Vec::new();
    for cell in cells {
        let (main, call) = match cell.main_file() {
            Ok((main, call)) => (root.join(main), call),
            Err(e) => {
                found.push(finding(
                    root,
                    Path::new("xtask/src/cells.rs"),
                    None,
                    format!("{e:#}"),
                ));
                continue;
            }
        };
        if !read(&main).contains(&call) {
            found.push(finding(
                root,
                &main,
                None,
                format!(
                    "`{}` runs this program, whose main must be `{call}`",
                    cell.command
                ),
            ));
        }
        if cell.slow && !run_slow {
            // Not regenerated here: its files must exist and be shown.
            for path in cell.declared_files(root).unwrap_or_default() {
                generated.insert(path.clone(), cell.command);
                let name = shown_as(&path);
                if !root.join(&path).is_file() {
                    let message = format!(
                        "missing: `{}` generates it; run `cargo xtask bless`",
                        cell.command
                    );
                    found.push(finding(root, &path, None, message));
                }
                if !is_values(&path) && !chapters.contains(&name) {
                    let message = format!(
                        "no chapter shows {name}, which `{}` generates",
                        cell.command
                    );
                    found.push(finding(root, &path, None, message));
                }
            }
        } else {
            to_run.push(cell);
        }
    }
    let results = crate::cells::generate_all(&to_run, generate, |cell, took, result| {
        let verdict = if result.is_ok() { "ran" } else { "FAILED" };
        eprintln!(
            "{verdict} `{}` in {:.1} s",
            cell.command,
            took.as_secs_f64()
        );
    });
    for (cell, result) in to_run.into_iter().zip(results) {
        let files = match result {
            Ok(files) => files,
            Err(e) => {
                // Its files are not orphans: the failure is the one finding.
                for path in cell.declared_files(root).unwrap_or_default() {
                    generated.insert(path, cell.command);
                }
                found.push(finding(
                    root,
                    Path::new("xtask/src/cells.rs"),
                    None,
                    format!("{e:#}"),
                ));
                continue;
            }
        };
        for (path, bytes) in files {
            if let Some(other) = generated.insert(path.clone(), cell.command) {
                found.push(finding(
                    root,
                    &path,
                    None,
                    format!("generated by two cells: `{other}` and `{}`", cell.command),
                ));
            }
            let name = shown_as(&path);
            if !is_values(&path) && !chapters.contains(&name) {
                found.push(finding(
                    root,
                    &path,
                    None,
                    format!(
                        "no chapter shows {name}, which `{}` generates",
                        cell.command
                    ),
                ));
            }
            match std::fs::read(root.join(&path)) {
                Err(_) => found.push(finding(
                    root,
                    &path,
                    None,
                    format!("missing: `{}` generates it; run `cargo xtask bless`", cell.command),
                )),
                Ok(committed) if committed != bytes => found.push(finding(
                    root,
                    &path,
                    first_difference(&committed, &bytes),
                    format!(
                        "differs from what `{}` generates now; run `cargo xtask bless` and review the diff",
                        cell.command
                    ),
                )),
                Ok(_) => {}
            }
        }
    }
    for dir in GENERATED_DIRS {
        markdown::walk(&root.join(dir), &mut |file| {
            let relative = file.strip_prefix(root).unwrap_or(file);
            if !generated.contains_key(relative) {
                found.push(finding(
                    root,
                    file,
                    None,
                    "no cell generates this file: delete it, or add its cell".into(),
                ));
            }
        });
    }
    found
}

/// What a chapter that shows the generated file `path` contains: the file's name.
fn shown_as(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `path` is a values file: it goes with its cell's output file, which a chapter
/// shows, and a chapter need not quote every value a program records.
fn is_values(path: &Path) -> bool {
    path.starts_with(Path::new("src").join(crate::values::DIR))
}

/// The first line (from 1) where two texts differ.
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    Some(a[..at].iter().filter(|&&c| c == b'\n').count() + 1)
}

/// The rendered book: nothing logged, no raw directive or formula left, every internal
/// link and image resolves, and no page or stylesheet requests anything off the machine.
pub fn rendered(build: &Build) -> Vec<Finding> {
    let root = &normalize(&build.dir);
    let mut found: Vec<Finding> = build
        .warnings
        .iter()
        .map(|w| Finding {
            file: PathBuf::from("(build log)"),
            line: None,
            message: format!("the build logged: {w}"),
        })
        .collect();
    let mut pages = BTreeMap::new();
    let mut stylesheets = Vec::new();
    markdown::walk(
        root,
        &mut |file| match file.extension().and_then(|e| e.to_str()) {
            Some("html") => {
                pages.insert(normalize(file), html::read(&read(file)));
            }
            Some("css") => stylesheets.push(file.to_path_buf()),
            _ => {}
        },
    );
    for (file, page) in &pages {
        let mut report =
            |line, message| found.push(finding(root, file, Some(line), message));
        // In prose any directive left is an error; in code only mdBook's own, since a code
        // span may show the book's value directive as an example (escaped in the source).
        let raw = |text: &str, in_code: bool| {
            text.match_indices("{{#").any(|(at, _)| {
                let name: String = text[at + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                !in_code || MDBOOK_DIRECTIVES.contains(&name.as_str())
            })
        };
        let in_prose: BTreeSet<(usize, &String)> =
            page.prose.iter().map(|(l, t)| (*l, t)).collect();
        for (line, text) in &page.text {
            if raw(text, !in_prose.contains(&(*line, text))) {
                report(
                    *line,
                    format!(
                        "a raw mdBook directive is left in the page: `{}`",
                        excerpt(text, "{{#")
                    ),
                );
            }
        }
        for (line, text) in &page.prose {
            if text.contains('$') {
                report(
                    *line,
                    format!(
                        "unrendered math (KaTeX failed, or a `$` outside code): `{}`",
                        excerpt(text, "$")
                    ),
                );
            }
        }
        // mdBook's 404 page sets `<base href="/">` (the `site-url`) so that it works at
        // any path: its links resolve from the book's root.
        let base = page.references.iter().find(|r| r.element == "base");
        let from = match base {
            Some(base) if base.target == "/" => root.join("index.html"),
            _ => file.clone(),
        };
        for reference in page.references.iter().filter(|r| r.element != "base") {
            let target = reference.target.as_str();
            if is_remote(target) {
                if reference.element != "a" {
                    report(
                        reference.line,
                        format!(
                            "<{}> requests {target} from off the machine",
                            reference.element
                        ),
                    );
                }
                continue;
            }
            // A fragment alone names a place in the page itself.
            let from = if target.starts_with('#') { file } else { &from };
            if let Some(problem) = resolve(root, from, target, &pages) {
                report(
                    reference.line,
                    format!(
                        "<{}> points at nothing: {target} ({problem})",
                        reference.element
                    ),
                );
            }
        }
    }
    found.dedup(); // an image is written twice (mdBook's zoom), so is its finding
    for file in stylesheets {
        for (line, target) in html::css_references(&read(&file)) {
            if is_remote(&target) {
                found.push(finding(
                    root,
                    &file,
                    Some(line),
                    format!("the stylesheet requests {target} from off the machine"),
                ));
            } else if !target.starts_with("data:")
                && resolve(root, &file, &target, &pages).is_some()
            {
                found.push(finding(
                    root,
                    &file,
                    Some(line),
                    format!("the stylesheet points at nothing: {target}"),
                ));
            }
        }
    }
    found
}

/// The directives mdBook's own preprocessor expands.
const MDBOOK_DIRECTIVES: [&str; 4] =
    ["include", "rustdoc_include", "playground", "title"];

fn is_remote(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    ["http:", "https:", "//", "ftp:", "ws:", "wss:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Why `target`, referenced from `from`, resolves to nothing; `None` when it resolves.
fn resolve(
    root: &Path,
    from: &Path,
    target: &str,
    pages: &BTreeMap<PathBuf, html::Page>,
) -> Option<String> {
    let lower = target.to_ascii_lowercase();
    if target.is_empty()
        || ["mailto:", "javascript:", "data:", "tel:"]
            .iter()
            .any(|p| lower.starts_with(p))
    {
        return None;
    }
    let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
    let path = path.split('?').next().unwrap_or("");
    let mut file = if path.is_empty() {
        from.to_path_buf()
    } else if let Some(absolute) = path.strip_prefix('/') {
        normalize(&root.join(absolute))
    } else {
        normalize(&from.parent().unwrap_or(root).join(path))
    };
    if file.is_dir() {
        file = file.join("index.html");
    }
    if !file.starts_with(root) {
        return Some("outside the book".into());
    }
    if !file.is_file() {
        return Some("no such file".into());
    }
    if !fragment.is_empty()
        && let Some(page) = pages.get(&file)
        && !page.ids.contains(fragment)
    {
        return Some(format!("no id `{fragment}` in that page"));
    }
    None
}

fn excerpt(text: &str, around: &str) -> String {
    let at = text.find(around).unwrap_or(0);
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(20)
        .map_or(0, |(i, _)| i);
    text[start..]
        .chars()
        .take(60)
        .collect::<String>()
        .replace('\n', " ")
}

/// `path` with `.` and `..` resolved lexically (the file need not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
