//! Where text lands, without fonts: the width of a string estimated from a fixed table,
//! the box of a label, and the overlaps in an SVG document this crate produced.
//!
//! The table holds the advance widths of DejaVu Sans, the widest of the common sans-serif
//! faces (Arial, Helvetica and Liberation Sans are narrower), so a box estimated here
//! holds the text on most readers' machines. The figures place their labels with these
//! boxes, and a test reads every figure of the book back and checks them with
//! [`overlaps`].

use plotters::style::text_anchor::{HPos, VPos};
use std::fmt;

/// Advance widths of DejaVu Sans in 1/2048 em, for `' '..='~'`.
const ASCII: [u16; 95] = [
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716,
    1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343,
    1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251,
    1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298,
    569, 569, 1186, 569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675,
    1212, 1212, 1075, 1303, 690, 1303, 1716,
];

/// The height of a lowercase x (what `ex` means in SVG), in em.
const EX: f64 = 0.55;
/// How far text reaches above its baseline, in em.
const ASCENT: f64 = 0.76;
/// How far text reaches below its baseline, in em.
const DESCENT: f64 = 0.24;

/// The estimated width in pixels of `text` set in a sans-serif face of `size` pixels
/// (the SVG `font-size`). Characters outside the table count as one em.
pub fn text_width(text: &str, size: f64) -> f64 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(ASCII[c as usize - ' ' as usize]),
            '–' => 1024,
            '←' | '→' | '↑' | '↓' | '≠' | '≤' | '≥' => 1716,
            '⊥' | '∅' => 1784,
            '·' => 651,
            _ => 2048,
        })
        .sum();
    f64::from(units) / 2048.0 * size
}

/// An axis-aligned rectangle in pixels, `y` growing downwards.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// The left edge.
    pub left: f64,
    /// The top edge.
    pub top: f64,
    /// The right edge.
    pub right: f64,
    /// The bottom edge.
    pub bottom: f64,
}

impl Rect {
    /// Whether the two rectangles share some area (touching edges do not count).
    pub fn intersects(&self, other: &Rect) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// The box of `text` of `size` pixels drawn at `(x, y)` with plotters' anchor `h` and
/// `v`, as its SVG backend writes it (`text-anchor`, and `dy` of `0.76em`, `0.5ex` or
/// `-0.5ex`).
pub fn text_box(text: &str, size: f64, (x, y): (f64, f64), h: HPos, v: VPos) -> Rect {
    let dy = match v {
        VPos::Top => 0.76,
        VPos::Center => 0.5 * EX,
        VPos::Bottom => -0.5 * EX,
    };
    text_box_dy(text, size, (x, y), h, dy)
}

/// [`text_box`] with the baseline `dy` em below `y`.
fn text_box_dy(text: &str, size: f64, (x, y): (f64, f64), h: HPos, dy: f64) -> Rect {
    let width = text_width(text, size);
    let left = match h {
        HPos::Left => x,
        HPos::Center => x - width / 2.0,
        HPos::Right => x - width,
    };
    let baseline = y + dy * size;
    Rect {
        left,
        top: baseline - ASCENT * size,
        right: left + width,
        bottom: baseline + DESCENT * size,
    }
}

/// Something drawn in a figure that must not be overprinted.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// What it is: a text's content, or the kind of mark.
    pub what: Drawn,
    /// Where it is.
    pub area: Rect,
}

/// The kinds of [`Item`].
#[derive(Clone, Debug, PartialEq)]
pub enum Drawn {
    /// A text, with its content.
    Text(String),
    /// A mark: a dot, a small square, a cross or an arrowhead.
    Mark(&'static str),
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.area;
        match &self.what {
            Drawn::Text(text) => write!(f, "text {text:?}")?,
            Drawn::Mark(kind) => write!(f, "{kind}")?,
        }
        write!(
            f,
            " at x {:.0}..{:.0}, y {:.0}..{:.0}",
            a.left, a.right, a.top, a.bottom
        )
    }
}

/// Two items of a figure that overprint each other.
#[derive(Clone, Debug, PartialEq)]
pub struct Overlap(pub Item, pub Item);

impl fmt::Display for Overlap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} overlaps {}", self.0, self.1)
    }
}

/// Every pair of texts, and every text and mark, that overlap in `svg`, a document
/// written by this crate (plotters' SVG backend): texts are boxed with [`text_box`];
/// marks are circles, rectangles no larger than 16 pixels a side and not white (white
/// is a background), diagonal lines (the strokes of a cross) and polygons (arrowheads).
/// Marks may overlap each other.
pub fn overlaps(svg: &str) -> Vec<Overlap> {
    let (texts, marks) = items(svg);
    let mut found = Vec::new();
    for (i, a) in texts.iter().enumerate() {
        for b in texts[i + 1..].iter().chain(&marks) {
            if a.area.intersects(&b.area) {
                found.push(Overlap(a.clone(), b.clone()));
            }
        }
    }
    found
}

/// The texts and the marks of `svg`, in document order.
fn items(svg: &str) -> (Vec<Item>, Vec<Item>) {
    let (mut texts, mut marks) = (Vec::new(), Vec::new());
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let name = tag.split_whitespace().next().unwrap_or("");
        let number =
            |key: &str| attribute(tag, key).and_then(|v| v.trim().parse::<f64>().ok());
        match name {
            "text" => {
                let content = rest.find("</text>").map_or("", |e| &rest[..e]);
                if let Some(item) = text_item(tag, content) {
                    texts.push(item);
                }
            }
            "circle" => {
                if let (Some(x), Some(y), Some(r)) =
                    (number("cx"), number("cy"), number("r"))
                {
                    marks.push(mark("dot", [(x - r, y - r), (x + r, y + r)]));
                }
            }
            "rect" => {
                if let (Some(x), Some(y), Some(w), Some(h)) =
                    (number("x"), number("y"), number("width"), number("height"))
                    && attribute(tag, "fill") != Some("#FFFFFF")
                    && w <= 16.0
                    && h <= 16.0
                {
                    marks.push(mark("square", [(x, y), (x + w, y + h)]));
                }
            }
            "line" => {
                if let (Some(x1), Some(y1), Some(x2), Some(y2)) =
                    (number("x1"), number("y1"), number("x2"), number("y2"))
                    && x1 != x2
                    && y1 != y2
                {
                    marks.push(mark("cross", [(x1, y1), (x2, y2)]));
                }
            }
            "polygon" => {
                let points: Vec<(f64, f64)> = attribute(tag, "points")
                    .unwrap_or("")
                    .split_whitespace()
                    .filter_map(|p| {
                        let (x, y) = p.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect();
                if !points.is_empty() {
                    marks.push(mark("arrowhead", points));
                }
            }
            _ => {}
        }
    }
    (texts, marks)
}

/// A mark covering the bounding box of `points`.
fn mark(kind: &'static str, points: impl IntoIterator<Item = (f64, f64)>) -> Item {
    Item {
        what: Drawn::Mark(kind),
        area: bounds(points),
    }
}

/// The bounding box of `points`.
fn bounds(points: impl IntoIterator<Item = (f64, f64)>) -> Rect {
    let far = Rect {
        left: f64::INFINITY,
        top: f64::INFINITY,
        right: f64::NEG_INFINITY,
        bottom: f64::NEG_INFINITY,
    };
    points.into_iter().fold(far, |r, (x, y)| Rect {
        left: r.left.min(x),
        top: r.top.min(y),
        right: r.right.max(x),
        bottom: r.bottom.max(y),
    })
}

/// The item of a `<text>` element with attributes `tag` and escaped `content`; `None` if
/// it lacks a position or size.
fn text_item(tag: &str, content: &str) -> Option<Item> {
    let number = |key: &str| attribute(tag, key)?.trim().parse::<f64>().ok();
    let (x, y, size) = (number("x")?, number("y")?, number("font-size")?);
    let text = unescape(content.trim());
    let h = match attribute(tag, "text-anchor") {
        Some("middle") => HPos::Center,
        Some("end") => HPos::Right,
        _ => HPos::Left,
    };
    let dy = attribute(tag, "dy").map_or(0.0, |dy| {
        let (value, unit) = dy.split_at(dy.len().saturating_sub(2));
        let value: f64 = value.parse().unwrap_or(0.0);
        if unit == "ex" { value * EX } else { value }
    });
    let mut area = text_box_dy(&text, size, (x, y), h, dy);
    if let Some(rotation) = attribute(tag, "transform").and_then(rotation) {
        area = rotate(area, rotation);
    }
    Some(Item {
        what: Drawn::Text(text),
        area,
    })
}

/// The value of attribute `key` in `tag`.
fn attribute<'a>(tag: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = tag;
    loop {
        let at = rest.find(&format!("{key}=\""))?;
        let before = rest[..at].chars().next_back();
        rest = &rest[at + key.len() + 2..];
        if before.is_none_or(char::is_whitespace) {
            return rest.split('"').next();
        }
    }
}

/// `rotate(angle, cx, cy)` as its three numbers.
fn rotation(transform: &str) -> Option<(f64, f64, f64)> {
    let inner = transform
        .trim()
        .strip_prefix("rotate(")?
        .strip_suffix(')')?;
    let mut numbers = inner.split(',').map(|n| n.trim().parse::<f64>().ok());
    Some((numbers.next()??, numbers.next()??, numbers.next()??))
}

/// The bounding box of `area` turned by `angle` degrees around `(cx, cy)`.
fn rotate(area: Rect, (angle, cx, cy): (f64, f64, f64)) -> Rect {
    let (sin, cos) = angle.to_radians().sin_cos();
    let corners = [
        (area.left, area.top),
        (area.right, area.top),
        (area.left, area.bottom),
        (area.right, area.bottom),
    ];
    bounds(corners.map(|(x, y)| {
        let (dx, dy) = (x - cx, y - cy);
        (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)
    }))
}

/// XML text with its five entities replaced.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spacetime::{Arrow, Diagram, Fate, Point, PointMark};

    #[test]
    fn widths_follow_the_characters() {
        assert_eq!(text_width("", 10.0), 0.0);
        assert!(text_width("m", 10.0) > text_width("i", 10.0));
        assert!((text_width("0", 20.48) - 13.03).abs() < 1e-9);
        assert_eq!(text_width("→", 10.0), text_width("<", 10.0));
    }

    #[test]
    fn boxes_follow_the_anchor() {
        let w = text_width("abc", 10.0);
        let left = text_box("abc", 10.0, (100.0, 50.0), HPos::Left, VPos::Top);
        let centre = text_box("abc", 10.0, (100.0, 50.0), HPos::Center, VPos::Center);
        let right = text_box("abc", 10.0, (100.0, 50.0), HPos::Right, VPos::Bottom);
        assert_eq!((left.left, left.right, left.top), (100.0, 100.0 + w, 50.0));
        assert_eq!(centre.left, 100.0 - w / 2.0);
        assert!(centre.top < 50.0 && centre.bottom > 50.0);
        assert_eq!(right.right, 100.0);
        assert!(right.bottom < 50.0 + 1.0);
    }

    /// A document with the elements plotters writes, one per line.
    fn svg(elements: &[&str]) -> String {
        format!(
            "<svg width=\"200\" height=\"100\" xmlns=\"http://www.w3.org/2000/svg\">\n{}\n</svg>\n",
            elements.join("\n")
        )
    }

    fn text(x: i32, y: i32, content: &str) -> String {
        format!(
            "<text x=\"{x}\" y=\"{y}\" dy=\"-0.5ex\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"10\" opacity=\"1\" fill=\"#282828\">\n{content}\n</text>"
        )
    }

    #[test]
    fn two_texts_printed_over_each_other_are_caught() {
        let (a, b) = (text(50, 40, "prepare b1"), text(60, 44, "promise b1"));
        let found = overlaps(&svg(&[&a, &b]));
        assert_eq!(found.len(), 1);
        let message = found[0].to_string();
        assert!(message.contains("\"prepare b1\""), "{message}");
        assert!(message.contains("\"promise b1\""), "{message}");
    }

    #[test]
    fn texts_apart_are_not() {
        let (a, b) = (text(50, 40, "prepare b1"), text(50, 60, "promise b1"));
        assert_eq!(overlaps(&svg(&[&a, &b])), vec![]);
        let (a, b) = (text(50, 40, "a"), text(150, 40, "b"));
        assert_eq!(overlaps(&svg(&[&a, &b])), vec![]);
    }

    #[test]
    fn a_text_over_a_mark_is_caught() {
        let label = text(50, 40, "x &lt; y");
        for mark in [
            "<circle cx=\"50\" cy=\"36\" r=\"3\" opacity=\"1\" fill=\"#282828\" stroke=\"none\"/>",
            "<rect x=\"45\" y=\"32\" width=\"10\" height=\"10\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\"/>",
            "<line opacity=\"1\" stroke=\"#C81E1E\" x1=\"45\" y1=\"31\" x2=\"55\" y2=\"41\"/>",
            "<polygon opacity=\"1\" fill=\"#282828\" points=\"50,36 42,40 42,33 \"/>",
        ] {
            let found = overlaps(&svg(&[&label, mark]));
            assert_eq!(found.len(), 1, "{mark}");
            assert_eq!(found[0].0.what, Drawn::Text("x < y".into()));
        }
        // Grid lines, large rectangles (bands) and white ones (backgrounds) are not marks.
        let grid = "<line opacity=\"0.1\" stroke=\"#000000\" x1=\"0\" y1=\"38\" x2=\"200\" y2=\"38\"/>";
        let band =
            "<rect x=\"0\" y=\"0\" width=\"200\" height=\"100\" fill=\"#FAD7D7\"/>";
        let veil = "<rect x=\"45\" y=\"32\" width=\"10\" height=\"10\" opacity=\"0.7\" fill=\"#FFFFFF\"/>";
        assert_eq!(overlaps(&svg(&[&label, grid, band, veil])), vec![]);
    }

    #[test]
    fn rotated_text_is_boxed_where_it_is_drawn() {
        let axis = "<text x=\"16\" y=\"50\" dy=\"0.76em\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"12\" opacity=\"1\" fill=\"#000000\" transform=\"rotate(270, 16, 50)\">\nlatency (ms)\n</text>";
        let (texts, _) = items(&svg(&[axis]));
        let area = texts[0].area;
        assert!(area.bottom - area.top > area.right - area.left);
        assert!(area.left > 15.9 && area.right < 28.1, "{area:?}");
    }

    #[test]
    fn overlaps_planted_in_a_diagram_are_caught() {
        let diagram = Diagram {
            lanes: vec!["p0".into(), "p1".into()],
            arrows: vec![Arrow {
                from: (0, 0.0),
                to: (1, 1.0),
                label: "hello".into(),
                fate: Fate::Delivered,
            }],
            points: vec![Point {
                lane: 1,
                time: 1.0,
                mark: PointMark::Output,
                label: "done".into(),
            }],
            ..Diagram::default()
        };
        let svg = diagram.to_svg();
        assert_eq!(overlaps(&svg), vec![]);
        let hello = svg
            .split_inclusive("</text>")
            .find(|e| e.ends_with("\nhello\n</text>"))
            .and_then(|e| e.get(e.find("<text")?..))
            .expect("the label is drawn");
        let plant = |element: &str| svg.replace("</svg>", &format!("{element}\n</svg>"));

        // Another label at the same spot.
        let found = overlaps(&plant(&hello.replace("\nhello\n", "\nhello again\n")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0.what, Drawn::Text("hello".into()));
        assert_eq!(found[0].1.what, Drawn::Text("hello again".into()));

        // A dot under it.
        let (x, y) = (attribute(hello, "x"), attribute(hello, "y"));
        let dot = format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"3\"/>",
            x.unwrap_or_default(),
            y.unwrap_or_default()
        );
        let found = overlaps(&plant(&dot));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1.what, Drawn::Mark("dot"));
    }
}
