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

/// A box of the figure, or a point an arrow passes through on a layer it crosses (so that
/// arrows go between boxes, not through them).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Node {
    /// Chapter `i` (from 0).
    Chapter(usize),
    /// The arrow `k` (in the order of [`arrows`]) on its way down, crossing layer `d`.
    Waypoint(usize, usize),
}

/// Every arrow: from a chapter needed to the chapter that needs it (indices from 0).
fn arrows(chapters: &[Chapter]) -> Vec<(usize, usize)> {
    let mut arrows = Vec::new();
    for (i, c) in chapters.iter().enumerate() {
        arrows.extend(c.needs.iter().map(|&n| (n - 1, i)));
    }
    arrows
}

/// The dependency graph: a box per chapter ("7 FLP"), layer by layer, an arrow from each
/// chapter to every chapter that needs it; chapters not yet written dashed and grey. An
/// arrow that crosses layers passes between the boxes of each, and each layer is ordered
/// by the mean position of what feeds it (the barycentre heuristic), to keep arrows short.
pub fn svg(chapters: &[Chapter]) -> String {
    const WAYPOINT: f64 = 8.0;
    let layer = layers(chapters);
    let arrows = arrows(chapters);
    let label = |i: usize| format!("{} {}", i + 1, chapters[i].short);
    let width = (0..chapters.len())
        .map(|i| figures::overlap::text_width(&label(i), FONT))
        .fold(0.0, f64::max)
        + 2.0 * GAP;
    let depth = layer.iter().max().map_or(0, |d| d + 1);
    // Each layer's nodes, and what feeds each node from the layer above.
    let mut rows: Vec<Vec<Node>> = vec![Vec::new(); depth];
    let mut feeds: Vec<(Node, Node)> = Vec::new();
    for (i, &d) in layer.iter().enumerate() {
        rows[d].push(Node::Chapter(i));
    }
    for (k, &(from, to)) in arrows.iter().enumerate() {
        let mut above = Node::Chapter(from);
        let crossed = rows.iter_mut().enumerate();
        for (d, row) in crossed.take(layer[to]).skip(layer[from] + 1) {
            row.push(Node::Waypoint(k, d));
            feeds.push((above, Node::Waypoint(k, d)));
            above = Node::Waypoint(k, d);
        }
        feeds.push((above, Node::Chapter(to)));
    }
    let size = |n: Node| match n {
        Node::Chapter(_) => width,
        Node::Waypoint(..) => WAYPOINT,
    };
    let row_width = |row: &[Node]| {
        row.iter().map(|&n| size(n)).sum::<f64>() + (row.len().max(1) - 1) as f64 * GAP
    };
    let canvas_w = 2.0 * MARGIN + rows.iter().map(|r| row_width(r)).fold(0.0, f64::max);
    let canvas_h =
        2.0 * MARGIN + depth as f64 * HEIGHT + (depth as f64 - 1.0) * LAYER_GAP;
    // The centre of each node, row by row.
    let mut centre: Vec<(Node, (f64, f64))> = Vec::new();
    let find = |centre: &[(Node, (f64, f64))], n: Node| {
        centre.iter().find(|(m, _)| *m == n).map(|&(_, at)| at)
    };
    for (d, row) in rows.iter_mut().enumerate() {
        let key = |n: Node| {
            let above: Vec<f64> = feeds
                .iter()
                .filter(|(_, to)| *to == n)
                .filter_map(|&(from, _)| find(&centre, from).map(|(x, _)| x))
                .collect();
            above.iter().sum::<f64>() / above.len().max(1) as f64
        };
        let order = |n: Node| match n {
            Node::Chapter(i) => (0, i),
            Node::Waypoint(k, _) => (1, k),
        };
        row.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(order(a).cmp(&order(b))));
        let mut x = (canvas_w - row_width(row)) / 2.0;
        let y = MARGIN + d as f64 * (HEIGHT + LAYER_GAP) + HEIGHT / 2.0;
        for &n in row.iter() {
            centre.push((n, (x + size(n) / 2.0, y)));
            x += size(n) + GAP;
        }
    }
    let at = |n: Node| find(&centre, n).expect("every node is placed");
    let mut svg = format!(
        "<svg width=\"{canvas_w:.0}\" height=\"{canvas_h:.0}\" viewBox=\"0 0 {canvas_w:.0} \
         {canvas_h:.0}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <rect x=\"0\" y=\"0\" width=\"{canvas_w:.0}\" height=\"{canvas_h:.0}\" fill=\"#FFFFFF\"/>\n"
    );
    for (k, &(from, to)) in arrows.iter().enumerate() {
        // From the bottom of one box, through the waypoints, to just above the other.
        let (x0, y0) = at(Node::Chapter(from));
        let mut points = vec![(x0, y0 + HEIGHT / 2.0)];
        for d in layer[from] + 1..layer[to] {
            let (x, y) = at(Node::Waypoint(k, d));
            points.push((x, y - HEIGHT / 2.0));
            points.push((x, y + HEIGHT / 2.0));
        }
        let (x1, y1) = at(Node::Chapter(to));
        points.push((x1, y1 - HEIGHT / 2.0 - 5.0));
        let mut d = format!("M {:.1} {:.1}", points[0].0, points[0].1);
        for pair in points.windows(2) {
            let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
            if ax == bx {
                write!(d, " L {bx:.1} {by:.1}").unwrap();
            } else {
                let bend = (by - ay) / 2.0;
                write!(
                    d,
                    " C {ax:.1} {:.1}, {bx:.1} {:.1}, {bx:.1} {by:.1}",
                    ay + bend,
                    by - bend
                )
                .unwrap();
            }
        }
        writeln!(
            svg,
            "<path d=\"{d}\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"/>"
        )
        .unwrap();
        let (x2, y2) = points[points.len() - 1];
        writeln!(
            svg,
            "<polygon points=\"{:.1},{y2:.1} {:.1},{y2:.1} {x2:.1},{:.1}\" fill=\"#888888\"/>",
            x2 - 3.5,
            x2 + 3.5,
            y2 + 5.0
        )
        .unwrap();
    }
    for (i, c) in chapters.iter().enumerate() {
        let (cx, cy) = at(Node::Chapter(i));
        let (x, y) = (cx - width / 2.0, cy - HEIGHT / 2.0);
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
            "<text x=\"{cx:.1}\" y=\"{cy:.1}\" dy=\"0.35em\" text-anchor=\"middle\" \
             font-family=\"sans-serif\" font-size=\"{FONT}\" fill=\"{ink}\">{}</text>",
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
