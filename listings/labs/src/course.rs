//! The chapters of the book and what each needs first, read from `chapters.toml` (the one
//! source of the course guide's dependency graph), and the graph drawn as an SVG figure.

use serde::Deserialize;
use std::fmt::Write;

/// The data file, compiled in.
pub const DATA: &str = include_str!("../chapters.toml");

/// A chapter of the plan.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// Its title, exactly as `SUMMARY.md` gives it.
    pub title: String,
    /// Its label in the figure.
    pub short: String,
    /// Its file under `src/`, once it is written.
    pub file: Option<String>,
    /// The chapters a reader needs first, by number (from 1).
    pub needs: Vec<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Plan {
    chapter: Vec<Chapter>,
}

/// The chapters of `text` (the format of `chapters.toml`), in order; or what is wrong
/// with it: a parse error with its line, or a chapter that needs one that does not come
/// before it.
pub fn parse(text: &str) -> Result<Vec<Chapter>, String> {
    let plan: Plan = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut wrong = Vec::new();
    for (i, c) in plan.chapter.iter().enumerate() {
        let number = i + 1;
        for &need in &c.needs {
            if need == 0 || need >= number {
                wrong.push(format!(
                    "chapter {number} ({}) needs chapter {need}, which does not come before it",
                    c.title
                ));
            }
        }
    }
    if wrong.is_empty() {
        Ok(plan.chapter)
    } else {
        Err(wrong.join("\n"))
    }
}

/// The book's chapters, from [`DATA`].
pub fn chapters() -> Result<Vec<Chapter>, String> {
    parse(DATA).map_err(|e| format!("listings/labs/chapters.toml: {e}"))
}

/// Each chapter's layer in the figure: the length of the longest chain of chapters it
/// needs, so that every arrow points down.
pub fn layers(chapters: &[Chapter]) -> Vec<usize> {
    let mut layer = vec![0; chapters.len()];
    for (i, c) in chapters.iter().enumerate() {
        layer[i] = c.needs.iter().map(|&n| layer[n - 1] + 1).max().unwrap_or(0);
    }
    layer
}

/// One line per chapter: its number, title, whether it is written, and what it needs.
pub fn text(chapters: &[Chapter]) -> String {
    let mut out = String::new();
    for (i, c) in chapters.iter().enumerate() {
        let needs: Vec<String> = c.needs.iter().map(usize::to_string).collect();
        let needs = if needs.is_empty() {
            "nothing".to_owned()
        } else {
            needs.join(", ")
        };
        let state = if c.file.is_some() {
            "written"
        } else {
            "planned"
        };
        writeln!(
            out,
            "{:>2}  {:<7}  needs {:<14}  {}",
            i + 1,
            state,
            needs,
            c.title
        )
        .unwrap();
    }
    out
}

/// Font size, box height, gaps between boxes and layers, and the margin, in pixels.
const FONT: f64 = 12.0;
const HEIGHT: f64 = 26.0;
const GAP: f64 = 16.0;
const LAYER_GAP: f64 = 44.0;
const MARGIN: f64 = 20.0;

/// The dependency graph: a box per chapter ("7 FLP"), layer by layer, an arrow from each
/// chapter to every chapter that needs it; chapters not yet written dashed and grey.
pub fn svg(chapters: &[Chapter]) -> String {
    let layer = layers(chapters);
    let label = |i: usize| format!("{} {}", i + 1, chapters[i].short);
    let width = (0..chapters.len())
        .map(|i| figures::overlap::text_width(&label(i), FONT))
        .fold(0.0, f64::max)
        + 2.0 * GAP;
    let depth = layer.iter().max().map_or(0, |d| d + 1);
    let rows: Vec<Vec<usize>> = (0..depth)
        .map(|d| (0..chapters.len()).filter(|&i| layer[i] == d).collect())
        .collect();
    let widest = rows.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let canvas_w = 2.0 * MARGIN + widest * width + (widest - 1.0).max(0.0) * GAP;
    let canvas_h =
        2.0 * MARGIN + depth as f64 * HEIGHT + (depth as f64 - 1.0) * LAYER_GAP;
    // The top left corner of each box. Each row is ordered by the mean position of what
    // its chapters need (the barycentre heuristic), to keep arrows short.
    let mut at = vec![(0.0, 0.0); chapters.len()];
    for (d, row) in rows.iter().enumerate() {
        let mut row = row.clone();
        let centre = |i: usize| {
            let needs = &chapters[i].needs;
            let sum: f64 = needs.iter().map(|&n| at[n - 1].0).sum();
            sum / needs.len().max(1) as f64
        };
        row.sort_by(|&a, &b| centre(a).total_cmp(&centre(b)).then(a.cmp(&b)));
        let row_w = row.len() as f64 * width + (row.len() as f64 - 1.0) * GAP;
        let left = (canvas_w - row_w) / 2.0;
        for (k, &i) in row.iter().enumerate() {
            at[i] = (
                left + k as f64 * (width + GAP),
                MARGIN + d as f64 * (HEIGHT + LAYER_GAP),
            );
        }
    }
    let mut svg = format!(
        "<svg width=\"{canvas_w:.0}\" height=\"{canvas_h:.0}\" viewBox=\"0 0 {canvas_w:.0} \
         {canvas_h:.0}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <rect x=\"0\" y=\"0\" width=\"{canvas_w:.0}\" height=\"{canvas_h:.0}\" fill=\"#FFFFFF\"/>\n"
    );
    for (i, c) in chapters.iter().enumerate() {
        for &need in &c.needs {
            let (px, py) = at[need - 1];
            let (cx, cy) = at[i];
            let (x1, y1) = (px + width / 2.0, py + HEIGHT);
            let (x2, y2) = (cx + width / 2.0, cy - 5.0);
            let bend = (y2 - y1) / 2.0;
            writeln!(
                svg,
                "<path d=\"M {x1:.1} {y1:.1} C {x1:.1} {:.1}, {x2:.1} {:.1}, {x2:.1} {y2:.1}\" \
                 fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"/>",
                y1 + bend,
                y2 - bend
            )
            .unwrap();
            writeln!(
                svg,
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {x2:.1},{:.1}\" fill=\"#888888\"/>",
                x2 - 3.5,
                y2,
                x2 + 3.5,
                y2,
                y2 + 5.0
            )
            .unwrap();
        }
    }
    for (i, c) in chapters.iter().enumerate() {
        let (x, y) = at[i];
        let (stroke, dash, ink) = match c.file {
            Some(_) => ("#000000", "", "#000000"),
            None => ("#999999", " stroke-dasharray=\"4 3\"", "#777777"),
        };
        writeln!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{HEIGHT:.1}\" rx=\"4\" \
             fill=\"#FFFFFF\" stroke=\"{stroke}\"{dash}/>"
        )
        .unwrap();
        writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" dy=\"0.35em\" text-anchor=\"middle\" \
             font-family=\"sans-serif\" font-size=\"{FONT}\" fill=\"{ink}\">{}</text>",
            x + width / 2.0,
            y + HEIGHT / 2.0,
            escape(&label(i))
        )
        .unwrap();
    }
    svg.push_str("</svg>\n");
    svg
}

/// `text` with the characters XML reserves escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_parses_and_every_arrow_points_down() {
        let chapters = chapters().unwrap();
        let layer = layers(&chapters);
        for (i, c) in chapters.iter().enumerate() {
            for &n in &c.needs {
                assert!(layer[n - 1] < layer[i], "{}", c.title);
            }
        }
    }

    #[test]
    fn a_chapter_that_needs_a_later_one_is_refused_with_its_name() {
        let bad = "[[chapter]]\ntitle = \"A\"\nshort = \"A\"\nneeds = [2]\n\n\
                   [[chapter]]\ntitle = \"B\"\nshort = \"B\"\nneeds = []\n";
        let why = parse(bad).unwrap_err();
        assert!(why.contains("chapter 1 (A) needs chapter 2"), "{why}");
        let why = parse("[[chapter]]\ntitle = 3\n").unwrap_err();
        assert!(why.contains("line 2"), "{why}");
    }

    #[test]
    fn the_figure_overprints_nothing() {
        let svg = svg(&chapters().unwrap());
        assert_eq!(figures::overlap::overlaps(&svg), vec![]);
    }
}
