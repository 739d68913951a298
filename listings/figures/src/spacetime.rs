//! Space-time diagrams (Lamport, "Time, clocks, and the ordering of events in a
//! distributed system", CACM 21(7), 1978): one vertical line per process, time flowing
//! down, one arrow per message.
//!
//! The diagram knows nothing of the world that produced it: the simulator turns its trace
//! into a [`Diagram`], and the model checker its counterexamples. Rows are the distinct
//! event times in order, evenly spaced, so that bursts stay readable; the left margin
//! gives the time of every few rows.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

// ANCHOR: diagram
/// What a space-time diagram shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    /// The title above the diagram.
    pub title: String,
    /// The name of each process, left to right.
    pub lanes: Vec<String>,
    /// Events on a process's line.
    pub points: Vec<Point>,
    /// Messages between processes.
    pub arrows: Vec<Arrow>,
    /// Intervals shaded behind the lines: crashes, pauses, partitions.
    pub bands: Vec<Band>,
    /// The unit of the times, for the left margin (`"ms"`, or `"step"` for a checker's
    /// trace).
    pub unit: String,
}

/// An event on one process's line.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The process.
    pub lane: usize,
    /// When.
    pub time: f64,
    /// How it is drawn.
    pub mark: PointMark,
    /// A short label beside the mark (may be empty).
    pub label: String,
}

/// The kinds of events a diagram marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointMark {
    /// An observable output: a decision, an acknowledged write. Drawn prominently.
    Output,
    /// A client's request arriving, or a response leaving.
    Client,
    /// A timer expiring.
    Timer,
    /// The process crashes.
    Crash,
    /// The process (re)starts.
    Start,
    /// Anything else worth marking.
    Note,
}

/// A message from one process to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// The sender and the time of sending.
    pub from: (usize, f64),
    /// The receiver and the time of delivery (for a lost message: where it was lost).
    pub to: (usize, f64),
    /// The message, shortened.
    pub label: String,
    /// What happened to it.
    pub fate: Fate,
}

/// What happened to a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Delivered as sent.
    Delivered,
    /// Delivered, but altered on the way.
    Tampered,
    /// Never delivered: the arrow ends in a cross.
    Lost,
}

/// A shaded interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// The processes it covers (all of them for a partition).
    pub lanes: Vec<usize>,
    /// From when.
    pub from: f64,
    /// Until when.
    pub to: f64,
    /// What it means.
    pub kind: BandKind,
    /// A label at its top (may be empty).
    pub label: String,
}

/// The kinds of shaded intervals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandKind {
    /// The process is crashed.
    Down,
    /// The process is paused.
    Paused,
    /// The network is partitioned.
    Partition,
}
// ANCHOR_END: diagram

const WIDTH: u32 = 760;
const ROW: i32 = 18;
const TOP: i32 = 64;
const LEFT: i32 = 92;
const RIGHT: i32 = 40;
const FONT: &str = "sans-serif";

const INK: RGBColor = RGBColor(40, 40, 40);
const LOST: RGBColor = RGBColor(200, 30, 30);
const TAMPERED: RGBColor = RGBColor(213, 94, 0);
const OUTPUT: RGBColor = RGBColor(0, 114, 178);
const CLIENT: RGBColor = RGBColor(0, 158, 115);
const DOWN: RGBColor = RGBColor(250, 215, 215);
const PAUSED: RGBColor = RGBColor(225, 225, 225);
const PARTITION: RGBColor = RGBColor(255, 236, 200);
const GREY: RGBColor = RGBColor(110, 110, 110);

/// Text of `size` in `colour`.
fn text(size: f64, colour: &'static RGBColor) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(colour)
}

impl Diagram {
    /// Renders the diagram as an SVG document.
    pub fn to_svg(&self) -> String {
        let rows = self.rows();
        let height = (TOP + ROW * (rows.len() as i32 + 2) + 44) as u32;
        let mut svg = String::new();
        {
            let area =
                SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
            // Drawing into a string has no I/O that could fail.
            self.draw(&area, &rows, height)
                .expect("drawing into a string cannot fail");
            area.present().expect("drawing into a string cannot fail");
        }
        svg
    }

    /// The distinct times of all events, in order: row `i` is drawn at `TOP + ROW * (i +
    /// 1)`.
    fn rows(&self) -> Vec<f64> {
        let mut times: Vec<f64> = self
            .points
            .iter()
            .map(|p| p.time)
            .chain(self.arrows.iter().flat_map(|a| [a.from.1, a.to.1]))
            .chain(self.bands.iter().flat_map(|b| [b.from, b.to]))
            .filter(|t| t.is_finite())
            .collect();
        times.sort_by(f64::total_cmp);
        times.dedup();
        times
    }

    fn draw(
        &self,
        area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        rows: &[f64],
        height: u32,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let lanes = self.lanes.len().max(1) as i32;
        let spacing = (WIDTH as i32 - LEFT - RIGHT) / lanes;
        let x = |lane: usize| LEFT + spacing / 2 + spacing * lane as i32;
        let y = |t: f64| {
            let row = rows.partition_point(|r| *r < t) as i32;
            TOP + ROW * (row + 1)
        };
        let bottom = height as i32 - 48;

        area.fill(&WHITE)?;
        area.draw(&Text::new(
            self.title.clone(),
            (WIDTH as i32 / 2, 14),
            text(17.0, &INK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;

        // Bands behind everything.
        for band in &self.bands {
            let colour = match band.kind {
                BandKind::Down => DOWN,
                BandKind::Paused => PAUSED,
                BandKind::Partition => PARTITION,
            };
            let (top, bottom_y) = (y(band.from), y(band.to).max(y(band.from) + ROW / 2));
            for &lane in &band.lanes {
                let half = if band.kind == BandKind::Partition {
                    spacing / 2
                } else {
                    10
                };
                area.draw(&Rectangle::new(
                    [(x(lane) - half, top), (x(lane) + half, bottom_y)],
                    colour.filled(),
                ))?;
            }
            if !band.label.is_empty() {
                let lane = band.lanes.iter().copied().min().unwrap_or(0);
                let left = if band.kind == BandKind::Partition {
                    x(lane) - spacing / 2 + 4
                } else {
                    x(lane) + 12
                };
                area.draw(&Text::new(
                    band.label.clone(),
                    (left, top + 2),
                    text(11.0, &INK),
                ))?;
            }
        }

        // Process lines and names.
        for (lane, name) in self.lanes.iter().enumerate() {
            area.draw(&Text::new(
                name.clone(),
                (x(lane), TOP - 8),
                text(14.0, &INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
            area.draw(&PathElement::new(
                vec![(x(lane), TOP), (x(lane), bottom)],
                INK.mix(0.6).stroke_width(1),
            ))?;
        }

        // The time of every few rows, in the left margin.
        let every = (rows.len() / 12).max(1);
        let mut last = String::new();
        for (i, t) in rows.iter().enumerate().filter(|(i, _)| i % every == 0) {
            let label = match self.unit.as_str() {
                "step" => format!("step {}", trim(*t)),
                unit => format!("{} {unit}", trim(*t)),
            };
            if label == last {
                continue; // rows a hair apart (a response drawn below its request)
            }
            last = label.clone();
            area.draw(&Text::new(
                label,
                (LEFT - 8, TOP + ROW * (i as i32 + 1)),
                text(12.0, &GREY).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }

        // Messages.
        for (i, arrow) in self.arrows.iter().enumerate() {
            let (x0, y0) = (x(arrow.from.0), y(arrow.from.1));
            let (mut x1, y1) = (x(arrow.to.0), y(arrow.to.1));
            let colour: &'static RGBColor = match arrow.fate {
                Fate::Delivered => &INK,
                Fate::Tampered => &TAMPERED,
                Fate::Lost => &LOST,
            };
            if arrow.fate == Fate::Lost && arrow.from.0 != arrow.to.0 {
                // A lost message stops two thirds of the way, at a cross.
                x1 = x0 + (x1 - x0) * 2 / 3;
                area.draw(&DashedPathElement::new(
                    vec![(x0, y0), (x1, y1)],
                    5,
                    3,
                    colour.stroke_width(1),
                ))?;
                area.draw(&Cross::new((x1, y1), 5, colour.stroke_width(2)))?;
            } else {
                area.draw(&PathElement::new(
                    vec![(x0, y0), (x1, y1)],
                    colour.stroke_width(1),
                ))?;
                area.draw(&Polygon::new(
                    arrowhead((x0, y0), (x1, y1)),
                    colour.filled(),
                ))?;
            }
            if !arrow.label.is_empty() {
                // The label sits above the arrow, past its middle (at the middle of a
                // horizontal arrow): arrows leaving one point for different lanes then
                // have labels apart. Labels of arrows leaving the same point are
                // staggered along them.
                let sibling = self.arrows[..i]
                    .iter()
                    .filter(|a| a.from.0 == arrow.from.0 && y(a.from.1) == y0)
                    .count();
                let f = if y0 == y1 {
                    0.5
                } else {
                    [0.55, 0.85, 0.35, 0.7][sibling % 4]
                };
                let lx = x0 + ((x1 - x0) as f64 * f) as i32;
                let ly = y0 + ((y1 - y0) as f64 * f) as i32 - 3;
                area.draw(&Text::new(
                    arrow.label.clone(),
                    (lx, ly),
                    text(11.0, colour).pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))?;
            }
        }

        // The key, along the bottom: what this diagram shows.
        let key_y = height as i32 - 16;
        let mut kx = LEFT;
        let fate = |f: Fate| self.arrows.iter().any(|a| a.fate == f);
        let band = |k: BandKind| self.bands.iter().any(|b| b.kind == k);
        let mark = |m: PointMark| self.points.iter().any(|p| p.mark == m);
        let key = [
            (fate(Fate::Delivered), Key::Line(&INK), "delivered"),
            (fate(Fate::Lost), Key::Lost, "lost"),
            (fate(Fate::Tampered), Key::Line(&TAMPERED), "tampered"),
            (band(BandKind::Down), Key::Band(&DOWN), "crashed"),
            (band(BandKind::Paused), Key::Band(&PAUSED), "paused"),
            (
                band(BandKind::Partition),
                Key::Band(&PARTITION),
                "partitioned",
            ),
            (mark(PointMark::Output), Key::Square(&OUTPUT), "output"),
            (mark(PointMark::Client), Key::Dot(&CLIENT), "client"),
        ];
        for (_, sample, label) in key.into_iter().filter(|(shown, _, _)| *shown) {
            match sample {
                Key::Line(colour) => area.draw(&PathElement::new(
                    vec![(kx, key_y), (kx + 20, key_y)],
                    colour.stroke_width(2),
                ))?,
                Key::Lost => {
                    let dash = vec![(kx, key_y), (kx + 16, key_y)];
                    area.draw(&DashedPathElement::new(dash, 5, 3, LOST.stroke_width(1)))?;
                    area.draw(&Cross::new((kx + 18, key_y), 4, LOST.stroke_width(2)))?;
                }
                Key::Band(colour) => area.draw(&Rectangle::new(
                    [(kx, key_y - 6), (kx + 20, key_y + 6)],
                    colour.filled(),
                ))?,
                Key::Square(colour) => area.draw(&Rectangle::new(
                    [(kx + 5, key_y - 5), (kx + 15, key_y + 5)],
                    colour.filled(),
                ))?,
                Key::Dot(colour) => {
                    area.draw(&Circle::new((kx + 10, key_y), 4, colour.filled()))?
                }
            }
            let style = text(11.0, &INK).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(label, (kx + 26, key_y), style))?;
            kx += 26 + 7 * label.len() as i32 + 18;
        }

        // Events on the lines, on top; labels of events at the same place are joined.
        let mut labels: Vec<((usize, i32), &'static RGBColor, String)> = Vec::new();
        for point in &self.points {
            let (px, py) = (x(point.lane), y(point.time));
            let colour: &'static RGBColor = match point.mark {
                PointMark::Output => {
                    area.draw(&Rectangle::new(
                        [(px - 5, py - 5), (px + 5, py + 5)],
                        OUTPUT.filled(),
                    ))?;
                    &OUTPUT
                }
                PointMark::Client => {
                    area.draw(&Circle::new((px, py), 4, CLIENT.filled()))?;
                    &CLIENT
                }
                PointMark::Timer => {
                    area.draw(&Circle::new((px, py), 4, INK.stroke_width(1)))?;
                    &INK
                }
                PointMark::Crash => {
                    area.draw(&Cross::new((px, py), 7, LOST.stroke_width(3)))?;
                    &LOST
                }
                PointMark::Start => {
                    area.draw(&Rectangle::new(
                        [(px - 8, py - 2), (px + 8, py + 2)],
                        INK.filled(),
                    ))?;
                    &INK
                }
                PointMark::Note => {
                    area.draw(&Circle::new((px, py), 3, INK.filled()))?;
                    &INK
                }
            };
            if point.label.is_empty() {
                continue;
            }
            match labels.iter_mut().find(|(at, _, _)| *at == (point.lane, py)) {
                Some((_, _, text)) => {
                    text.push_str("; ");
                    text.push_str(&point.label);
                }
                None => labels.push(((point.lane, py), colour, point.label.clone())),
            }
        }
        for ((lane, py), colour, label) in labels {
            area.draw(&Text::new(
                label,
                (x(lane) + 9, py),
                text(11.0, colour).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        Ok(())
    }
}

/// A sample in the key.
enum Key {
    Line(&'static RGBColor),
    Lost,
    Band(&'static RGBColor),
    Square(&'static RGBColor),
    Dot(&'static RGBColor),
}

/// The triangle of an arrowhead at `to`, pointing away from `from`.
fn arrowhead(from: (i32, i32), to: (i32, i32)) -> Vec<(i32, i32)> {
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (back, half) = (8.0, 3.5);
    let base = (to.0 as f64 - ux * back, to.1 as f64 - uy * back);
    let left = (
        (base.0 - uy * half).round() as i32,
        (base.1 + ux * half).round() as i32,
    );
    let right = (
        (base.0 + uy * half).round() as i32,
        (base.1 - ux * half).round() as i32,
    );
    vec![to, left, right]
}

/// A time with at most three decimals and no trailing zeros.
fn trim(t: f64) -> String {
    let text = format!("{t:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagram() -> Diagram {
        Diagram {
            title: "two processes".into(),
            lanes: vec!["p0".into(), "p1".into()],
            points: vec![
                Point {
                    lane: 1,
                    time: 2.0,
                    mark: PointMark::Output,
                    label: "got it".into(),
                },
                Point {
                    lane: 0,
                    time: 3.0,
                    mark: PointMark::Crash,
                    label: String::new(),
                },
            ],
            arrows: vec![
                Arrow {
                    from: (0, 1.0),
                    to: (1, 2.0),
                    label: "hello".into(),
                    fate: Fate::Delivered,
                },
                Arrow {
                    from: (1, 2.0),
                    to: (0, 2.5),
                    label: "bye".into(),
                    fate: Fate::Lost,
                },
            ],
            bands: vec![Band {
                lanes: vec![0],
                from: 3.0,
                to: 4.0,
                kind: BandKind::Down,
                label: "down".into(),
            }],
            unit: "ms".into(),
        }
    }

    #[test]
    fn the_same_diagram_gives_the_same_bytes() {
        assert_eq!(diagram().to_svg(), diagram().to_svg());
    }

    #[test]
    fn rows_are_the_distinct_times_in_order() {
        assert_eq!(diagram().rows(), vec![1.0, 2.0, 2.5, 3.0, 4.0]);
    }

    #[test]
    fn labels_and_names_are_drawn() {
        let svg = diagram().to_svg();
        for text in [
            "p0",
            "p1",
            "hello",
            "bye",
            "got it",
            "down",
            "two processes",
        ] {
            assert!(
                svg.contains(&format!("\n{text}\n</text>")),
                "{text} missing"
            );
        }
    }
}
