//! Space-time diagrams (Lamport, "Time, clocks, and the ordering of events in a
//! distributed system", CACM 21(7), 1978): one vertical line per process, time flowing
//! down, one arrow per message.
//!
//! The diagram knows nothing of the world that produced it: the simulator turns its trace
//! into a [`Diagram`], and the model checker its counterexamples. Rows are the distinct
//! event times in order, evenly spaced, so that bursts stay readable, and spaced further
//! only where labels need room; the left margin gives the time of every few rows. No
//! label is drawn over another or over a mark (see [`crate::overlap`]).

use crate::overlap::{Rect, text_box, text_width};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeSet;

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

/// Text sizes as given to plotters, whose SVG backend writes `size / 1.24` as the
/// `font-size`.
const TITLE: f64 = 17.0;
const NAME: f64 = 14.0;
const TIME: f64 = 12.0;
const LABEL: f64 = 11.0;

/// The space kept free beside and above or below every label, in pixels: labels side by
/// side must not read as one.
const CLEAR: (f64, f64) = (4.0, 1.5);
/// How far from its arrow a label may sit, in pixels.
const FAR: f64 = 40.0;
/// What sliding a label along its arrow costs per pixel from the middle, what each other
/// arrow crossing it costs, and each process line, in pixels of distance from its arrow.
const SLIDE: f64 = 0.3;
const CROSSING: f64 = 10.0;
const LANE: f64 = 3.0;
/// How much a crowded gap between rows grows in a round of layout, in pixels.
const GROW: i32 = 6;
/// Rounds of growth before labels still without a free spot are drawn where they fit
/// best.
const ROUNDS: usize = 80;

/// The opacity of the white behind a message's label.
const VEIL: f64 = 0.7;

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

/// The SVG `font-size` of plotters' text of `size`.
fn svg_size(size: f64) -> f64 {
    size / 1.24
}

impl Diagram {
    /// Renders the diagram as an SVG document.
    pub fn to_svg(&self) -> String {
        let layout = self.layout();
        let mut svg = String::new();
        {
            let size = (WIDTH, layout.height() as u32);
            let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            // Drawing into a string has no I/O that could fail.
            self.draw(&area, &layout)
                .expect("drawing into a string cannot fail");
            area.present().expect("drawing into a string cannot fail");
        }
        svg
    }

    /// The distinct times of all events, in order: one row each.
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

    /// Rows [`ROW`] apart, widened where labels need room, and every label placed.
    fn layout(&self) -> Layout {
        let rows = self.rows();
        let mut gaps = vec![ROW; rows.len()];
        let mut round = 0;
        loop {
            let mut layout = Layout::new(rows.clone(), &gaps, self.lanes.len());
            let crowded = layout.place(self);
            if crowded.is_empty() || round == ROUNDS {
                return layout;
            }
            for gap in crowded {
                if let Some(gap) = gaps.get_mut(gap) {
                    *gap += GROW;
                }
            }
            round += 1;
        }
    }

    /// The samples of the key, along the bottom, with their left edges: what this
    /// diagram shows.
    fn key(&self) -> Vec<(i32, Key, &'static str)> {
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
        let mut kx = LEFT;
        let mut shown = Vec::new();
        for (_, sample, label) in key.into_iter().filter(|(shown, _, _)| *shown) {
            shown.push((kx, sample, label));
            kx += 26 + text_width(label, svg_size(LABEL)).ceil() as i32 + 18;
        }
        shown
    }

    fn draw(
        &self,
        area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        layout: &Layout,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        area.fill(&WHITE)?;
        area.draw(&title().text(&self.title, TITLE, &INK))?;

        // Bands behind everything.
        for (band, spot) in self.bands.iter().zip(&layout.bands) {
            let colour = match band.kind {
                BandKind::Down => DOWN,
                BandKind::Paused => PAUSED,
                BandKind::Partition => PARTITION,
            };
            let (top, bottom) = layout.band(band);
            for &lane in &band.lanes {
                let half = if band.kind == BandKind::Partition {
                    layout.spacing / 2
                } else {
                    10
                };
                let x = layout.x(lane);
                area.draw(&Rectangle::new(
                    [(x - half, top), (x + half, bottom)],
                    colour.filled(),
                ))?;
            }
            if let Some(spot) = spot {
                area.draw(&spot.text(&band.label, LABEL, &INK))?;
            }
        }

        // Process lines and names.
        for (lane, name) in self.lanes.iter().enumerate() {
            area.draw(&layout.name(lane).text(name, NAME, &INK))?;
            let x = layout.x(lane);
            area.draw(&PathElement::new(
                vec![(x, TOP), (x, layout.bottom())],
                INK.mix(0.6).stroke_width(1),
            ))?;
        }

        // The time of every few rows, in the left margin.
        for (label, y) in layout.times(&self.unit) {
            area.draw(&time(y).text(&label, TIME, &GREY))?;
        }

        // Messages.
        for arrow in &self.arrows {
            let (from, to) = layout.segment(arrow);
            let colour = fate_colour(arrow.fate);
            if lost(arrow) {
                area.draw(&DashedPathElement::new(
                    vec![from, to],
                    5,
                    3,
                    colour.stroke_width(1),
                ))?;
                area.draw(&Cross::new(to, 5, colour.stroke_width(2)))?;
            } else {
                area.draw(&PathElement::new(vec![from, to], colour.stroke_width(1)))?;
                area.draw(&Polygon::new(arrowhead(from, to), colour.filled()))?;
            }
        }
        // Their labels over all of them, on a veil that fades the lines they cross.
        for (arrow, spot) in self.arrows.iter().zip(&layout.arrows) {
            if let Some(spot) = spot {
                let veil = spot.area(&arrow.label, LABEL);
                area.draw(&Rectangle::new(
                    [
                        (veil.left.floor() as i32, veil.top.floor() as i32),
                        (veil.right.ceil() as i32, veil.bottom.ceil() as i32),
                    ],
                    WHITE.mix(VEIL).filled(),
                ))?;
                area.draw(&spot.text(&arrow.label, LABEL, fate_colour(arrow.fate)))?;
            }
        }

        // The key.
        let key_y = layout.key_y();
        for (kx, sample, label) in self.key() {
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
            area.draw(&key_label(kx, key_y).text(label, LABEL, &INK))?;
        }

        // Events on the lines, on top, and their labels.
        for point in &self.points {
            let (x, y) = (layout.x(point.lane), layout.y(point.time));
            match point.mark {
                PointMark::Output => area.draw(&Rectangle::new(
                    [(x - 5, y - 5), (x + 5, y + 5)],
                    OUTPUT.filled(),
                ))?,
                PointMark::Client => {
                    area.draw(&Circle::new((x, y), 4, CLIENT.filled()))?
                }
                PointMark::Timer => {
                    area.draw(&Circle::new((x, y), 4, INK.stroke_width(1)))?
                }
                PointMark::Crash => {
                    area.draw(&Cross::new((x, y), 7, LOST.stroke_width(3)))?
                }
                PointMark::Start => area.draw(&Rectangle::new(
                    [(x - 8, y - 2), (x + 8, y + 2)],
                    INK.filled(),
                ))?,
                PointMark::Note => area.draw(&Circle::new((x, y), 3, INK.filled()))?,
            }
        }
        for (spot, colour, label) in &layout.points {
            area.draw(&spot.text(label, LABEL, colour))?;
        }
        Ok(())
    }
}

/// Whether an arrow is drawn as lost: dashed, ending in a cross.
fn lost(arrow: &Arrow) -> bool {
    arrow.fate == Fate::Lost && arrow.from.0 != arrow.to.0
}

/// The colour of an arrow and of its label.
fn fate_colour(fate: Fate) -> &'static RGBColor {
    match fate {
        Fate::Delivered => &INK,
        Fate::Tampered => &TAMPERED,
        Fate::Lost => &LOST,
    }
}

/// The colour of a mark and of its label.
fn mark_colour(mark: PointMark) -> &'static RGBColor {
    match mark {
        PointMark::Output => &OUTPUT,
        PointMark::Client => &CLIENT,
        PointMark::Crash => &LOST,
        PointMark::Timer | PointMark::Start | PointMark::Note => &INK,
    }
}

/// How far a mark reaches left and right of its event.
fn reach(mark: PointMark) -> i32 {
    match mark {
        PointMark::Output => 5,
        PointMark::Client | PointMark::Timer => 4,
        PointMark::Crash => 7,
        PointMark::Start => 8,
        PointMark::Note => 3,
    }
}

/// The box of a mark drawn at `(x, y)`.
fn mark_area(mark: PointMark, (x, y): (i32, i32)) -> Rect {
    let (half_width, half_height) = match mark {
        PointMark::Start => (8, 2),
        mark => (reach(mark), reach(mark)),
    };
    bounds([
        (x - half_width, y - half_height),
        (x + half_width, y + half_height),
    ])
}

/// The box of the end of an arrow from `from` to `to`: its head, or its cross if lost.
fn end_area(lost: bool, from: (i32, i32), to: (i32, i32)) -> Rect {
    if lost {
        bounds([(to.0 - 5, to.1 - 5), (to.0 + 5, to.1 + 5)])
    } else {
        bounds(arrowhead(from, to))
    }
}

/// The bounding box of points.
fn bounds(points: impl IntoIterator<Item = (i32, i32)>) -> Rect {
    let mut points = points
        .into_iter()
        .map(|(x, y)| (f64::from(x), f64::from(y)));
    let first = points.next().unwrap_or_default();
    let start = Rect {
        left: first.0,
        top: first.1,
        right: first.0,
        bottom: first.1,
    };
    points.fold(start, |r, (x, y)| Rect {
        left: r.left.min(x),
        top: r.top.min(y),
        right: r.right.max(x),
        bottom: r.bottom.max(y),
    })
}

/// A sample in the key.
#[derive(Clone, Copy)]
enum Key {
    Line(&'static RGBColor),
    Lost,
    Band(&'static RGBColor),
    Square(&'static RGBColor),
    Dot(&'static RGBColor),
}

impl Key {
    /// The box of the sample drawn from `kx` at height `y`.
    fn area(self, kx: i32, y: i32) -> Rect {
        match self {
            Key::Line(_) => bounds([(kx, y - 1), (kx + 20, y + 1)]),
            Key::Lost => bounds([(kx, y - 4), (kx + 22, y + 4)]),
            Key::Band(_) => bounds([(kx, y - 6), (kx + 20, y + 6)]),
            Key::Square(_) => bounds([(kx + 5, y - 5), (kx + 15, y + 5)]),
            Key::Dot(_) => bounds([(kx + 6, y - 4), (kx + 14, y + 4)]),
        }
    }
}

/// Where a label is drawn: its anchor point and how the text hangs from it.
#[derive(Clone, Copy)]
struct Spot {
    at: (i32, i32),
    h: HPos,
    v: VPos,
}

impl Spot {
    fn new((x, y): (f64, f64), h: HPos, v: VPos) -> Self {
        Spot {
            at: (x.round() as i32, y.round() as i32),
            h,
            v,
        }
    }

    /// The box of `label` of plotters' `size` drawn here.
    fn area(&self, label: &str, size: f64) -> Rect {
        let at = (f64::from(self.at.0), f64::from(self.at.1));
        text_box(label, svg_size(size), at, self.h, self.v)
    }

    /// `label` of `size` in `colour` drawn here.
    fn text(
        &self,
        label: &str,
        size: f64,
        colour: &'static RGBColor,
    ) -> Text<'static, (i32, i32), String> {
        let style = text(size, colour).pos(Pos::new(self.h, self.v));
        Text::new(label.to_owned(), self.at, style)
    }
}

/// Where the title is drawn.
fn title() -> Spot {
    Spot::new((f64::from(WIDTH) / 2.0, 14.0), HPos::Center, VPos::Top)
}

/// Where the time of a row at height `y` is drawn.
fn time(y: i32) -> Spot {
    Spot::new(
        (f64::from(LEFT - 8), f64::from(y)),
        HPos::Right,
        VPos::Center,
    )
}

/// Where the label of a sample of the key drawn from `kx` is drawn.
fn key_label(kx: i32, key_y: i32) -> Spot {
    Spot::new(
        (f64::from(kx + 26), f64::from(key_y)),
        HPos::Left,
        VPos::Center,
    )
}

/// Where everything of a diagram is drawn.
///
/// Rows start [`ROW`] apart. Labels are then placed one by one, each on the free spot
/// that costs least: a band's at the band's top left, an event's beside its mark, a
/// message's beside its arrow, anywhere along it, near the middle and where no other
/// arrow crosses it rather than not. A label that finds no free spot widens a gap between
/// rows it could use, and the labels are placed again.
struct Layout {
    /// The distinct event times: row `i` is drawn at height `ys[i]`.
    rows: Vec<f64>,
    ys: Vec<i32>,
    /// The distance between lanes.
    spacing: i32,
    /// Where each band's label goes (`None`: it has none).
    bands: Vec<Option<Spot>>,
    /// Where each arrow's label goes.
    arrows: Vec<Option<Spot>>,
    /// The labels of events, joined where events share a place, with their colour.
    points: Vec<(Spot, &'static RGBColor, String)>,
}

impl Layout {
    /// Rows `gaps[i]` below the one before (below [`TOP`] for the first); no labels yet.
    fn new(rows: Vec<f64>, gaps: &[i32], lanes: usize) -> Self {
        let ys = gaps
            .iter()
            .scan(TOP, |y, gap| {
                *y += gap;
                Some(*y)
            })
            .collect();
        Layout {
            rows,
            ys,
            spacing: (WIDTH as i32 - LEFT - RIGHT) / lanes.max(1) as i32,
            bands: Vec::new(),
            arrows: Vec::new(),
            points: Vec::new(),
        }
    }

    fn x(&self, lane: usize) -> i32 {
        LEFT + self.spacing / 2 + self.spacing * lane as i32
    }

    /// The row of time `t`: the first at or after it.
    fn row(&self, t: f64) -> usize {
        self.rows.partition_point(|r| *r < t)
    }

    fn y(&self, t: f64) -> i32 {
        let row = self.row(t);
        match self.ys.get(row) {
            Some(y) => *y,
            None => {
                self.ys.last().unwrap_or(&TOP) + ROW * (row + 1 - self.ys.len()) as i32
            }
        }
    }

    fn height(&self) -> i32 {
        self.ys.last().unwrap_or(&TOP) + 2 * ROW + 44
    }

    /// Where the lines end.
    fn bottom(&self) -> i32 {
        self.height() - 48
    }

    /// The height of the key.
    fn key_y(&self) -> i32 {
        self.height() - 16
    }

    /// Where a lane's name is drawn.
    fn name(&self, lane: usize) -> Spot {
        let at = (f64::from(self.x(lane)), f64::from(TOP - 8));
        Spot::new(at, HPos::Center, VPos::Bottom)
    }

    /// The line an arrow is drawn as: a lost message stops two thirds of the way.
    fn segment(&self, arrow: &Arrow) -> ((i32, i32), (i32, i32)) {
        let (x0, y0) = (self.x(arrow.from.0), self.y(arrow.from.1));
        let (mut x1, y1) = (self.x(arrow.to.0), self.y(arrow.to.1));
        if lost(arrow) {
            x1 = x0 + (x1 - x0) * 2 / 3;
        }
        ((x0, y0), (x1, y1))
    }

    /// The top and bottom of a band.
    fn band(&self, band: &Band) -> (i32, i32) {
        let top = self.y(band.from);
        (top, self.y(band.to).max(top + ROW / 2))
    }

    /// The times written in the left margin, every few rows, with their heights.
    fn times(&self, unit: &str) -> Vec<(String, i32)> {
        let every = (self.rows.len() / 12).max(1);
        let mut times: Vec<(String, i32)> = Vec::new();
        for (t, y) in self.rows.iter().zip(&self.ys).step_by(every) {
            let label = match unit {
                "step" => format!("step {}", trim(*t)),
                unit => format!("{} {unit}", trim(*t)),
            };
            // Rows a hair apart (a response drawn below its request) read the same.
            if times.last().is_none_or(|(last, _)| *last != label) {
                times.push((label, *y));
            }
        }
        times
    }

    /// Places every label; returns the gaps that were too narrow for some label.
    fn place(&mut self, diagram: &Diagram) -> BTreeSet<usize> {
        let mut spots = Spots {
            taken: Grid::default(),
            lines: Grid::default(),
            free: Rect {
                left: 2.0,
                top: f64::from(TOP),
                right: f64::from(WIDTH) - 2.0,
                bottom: f64::from(self.bottom()),
            },
            lanes: (0..diagram.lanes.len())
                .map(|lane| f64::from(self.x(lane)))
                .collect(),
        };
        spots.taken.add(title().area(&diagram.title, TITLE), ());
        for (lane, name) in diagram.lanes.iter().enumerate() {
            spots.taken.add(self.name(lane).area(name, NAME), ());
        }
        for (label, y) in self.times(&diagram.unit) {
            spots.taken.add(time(y).area(&label, TIME), ());
        }
        let key_y = self.key_y();
        for (kx, sample, label) in diagram.key() {
            spots.taken.add(sample.area(kx, key_y), ());
            spots.taken.add(key_label(kx, key_y).area(label, LABEL), ());
        }
        for point in &diagram.points {
            let at = (self.x(point.lane), self.y(point.time));
            spots.taken.add(mark_area(point.mark, at), ());
        }
        for (i, arrow) in diagram.arrows.iter().enumerate() {
            let (from, to) = self.segment(arrow);
            spots.taken.add(end_area(lost(arrow), from, to), ());
            let ends = [from, to].map(|(x, y)| (f64::from(x), f64::from(y)));
            spots.lines.add(bounds([from, to]), (i, ends));
        }
        let last = self.rows.len().saturating_sub(1);
        let mut crowded = BTreeSet::new();

        // Bands' labels, at their top left.
        for band in &diagram.bands {
            if band.label.is_empty() {
                self.bands.push(None);
                continue;
            }
            let (top, bottom) = self.band(band);
            let lane = band.lanes.iter().copied().min().unwrap_or(0);
            let left = if band.kind == BandKind::Partition {
                self.x(lane) - self.spacing / 2 + 4
            } else {
                self.x(lane) + 12
            };
            let downs =
                ((bottom - top) as f64 - svg_size(LABEL) - 4.0).max(0.0) as i32 / 3;
            let candidates = (0..=downs)
                .flat_map(|down| (0..=6).map(move |right| (down * 3, right * 12)))
                .map(|(down, right)| {
                    let at = (f64::from(left + right), f64::from(top + 2 + down));
                    (
                        f64::from(down + right),
                        Spot::new(at, HPos::Left, VPos::Top),
                    )
                });
            let (spot, placed) = spots.put(&band.label, candidates, None);
            if !placed {
                crowded.insert((self.row(band.from) + 1).min(last));
            }
            self.bands.push(Some(spot));
        }

        // Events' labels, beside their marks; labels of events at one place are joined.
        let mut joined: Vec<(usize, usize, i32, i32, &'static RGBColor, String)> =
            Vec::new();
        for point in diagram.points.iter().filter(|p| !p.label.is_empty()) {
            let (row, reach) = (self.row(point.time), reach(point.mark));
            match joined
                .iter_mut()
                .find(|(r, lane, ..)| (*r, *lane) == (row, point.lane))
            {
                Some((_, _, _, far, _, label)) => {
                    *far = (*far).max(reach);
                    label.push_str("; ");
                    label.push_str(&point.label);
                }
                None => {
                    let colour = mark_colour(point.mark);
                    let (y, label) = (self.y(point.time), point.label.clone());
                    joined.push((row, point.lane, y, reach, colour, label));
                }
            }
        }
        for (row, lane, y, reach, colour, label) in joined {
            let (x, y) = (f64::from(self.x(lane)), f64::from(y));
            let off = f64::from(reach + 4);
            // Level with the mark on its right, else on its left, else a little above
            // or below, or further out.
            let candidates = [
                (0.0, 0.0),
                (0.0, -8.0),
                (0.0, 8.0),
                (0.0, -12.0),
                (0.0, 12.0),
            ]
            .into_iter()
            .chain([(8.0, 0.0), (8.0, -8.0), (8.0, 8.0)])
            .flat_map(|(out, up)| {
                let cost = out + f64::abs(up);
                [
                    (
                        cost,
                        Spot::new((x + off + out, y + up), HPos::Left, VPos::Center),
                    ),
                    (
                        cost + 2.0,
                        Spot::new((x - off - out, y + up), HPos::Right, VPos::Center),
                    ),
                ]
            });
            let (spot, placed) = spots.put(&label, candidates, None);
            if !placed {
                crowded.insert(row.min(last));
                crowded.insert((row + 1).min(last));
            }
            self.points.push((spot, colour, label));
        }

        // Messages' labels, the shortest arrows (with the fewest spots) first.
        self.arrows = vec![None; diagram.arrows.len()];
        let mut order: Vec<usize> = (0..diagram.arrows.len())
            .filter(|&i| !diagram.arrows[i].label.is_empty())
            .collect();
        order.sort_by_key(|&i| {
            let ((x0, y0), (x1, y1)) = self.segment(&diagram.arrows[i]);
            (x1 - x0).abs() + (y1 - y0).abs()
        });
        for i in order {
            let arrow = &diagram.arrows[i];
            let width = text_width(&arrow.label, svg_size(LABEL));
            let candidates = along(self.segment(arrow), width);
            let (spot, placed) = spots.put(&arrow.label, candidates, Some(i));
            if !placed {
                let (r0, r1) = (self.row(arrow.from.1), self.row(arrow.to.1));
                let (r0, r1) = (r0.min(r1).min(last), r0.max(r1).min(last));
                crowded.insert(if r0 == r1 { r0 } else { (r0 + r1).div_ceil(2) });
            }
            self.arrows[i] = Some(spot);
        }
        crowded
    }
}

/// Spots for a label `width` wide beside the line from `a` to `b`, with their costs: the
/// distance from the line, and from its middle. A spot above or below the line is far
/// enough from it for the whole width to clear it, one left or right for the whole
/// height.
fn along((a, b): ((i32, i32), (i32, i32)), width: f64) -> Vec<(f64, Spot)> {
    let (x0, y0) = (f64::from(a.0), f64::from(a.1));
    let (dx, dy) = (f64::from(b.0) - x0, f64::from(b.1) - y0);
    let length = dx.hypot(dy);
    let above = if dx == 0.0 {
        (dy == 0.0).then_some(2.0)
    } else {
        Some(2.0 + (dy / dx).abs() * width / 2.0)
    }
    .filter(|d| *d <= FAR);
    let beside = (dy != 0.0)
        .then(|| 2.0 + (dx / dy).abs() * svg_size(LABEL) * 0.52)
        .filter(|d| *d <= FAR);
    let steps = ((length / 4.0).ceil() as usize).clamp(8, 400);
    let mut spots = Vec::new();
    for k in 0..=steps {
        let t = 0.1 + 0.8 * k as f64 / steps as f64;
        let (x, y) = (x0 + dx * t, y0 + dy * t);
        let slide = (t - 0.5).abs() * length * SLIDE;
        if let Some(d) = above {
            spots.push((slide + d, Spot::new((x, y - d), HPos::Center, VPos::Bottom)));
            spots.push((
                slide + d + 2.0,
                Spot::new((x, y + d), HPos::Center, VPos::Top),
            ));
        }
        if let Some(d) = beside {
            spots.push((slide + d, Spot::new((x + d, y), HPos::Left, VPos::Center)));
            spots.push((slide + d, Spot::new((x - d, y), HPos::Right, VPos::Center)));
        }
    }
    spots
}

/// What labels must keep clear of while they are placed.
struct Spots {
    /// Everything drawn so far that a label must not overlap.
    taken: Grid<()>,
    /// The arrows, with their index and ends: a label may cross them, at a cost.
    lines: Grid<(usize, [(f64, f64); 2])>,
    /// Where labels may go.
    free: Rect,
    /// Where the process lines are.
    lanes: Vec<f64>,
}

impl Spots {
    /// Takes the cheapest free spot among `candidates` for `label` (of arrow `own`), and
    /// says so; if none is free, the cheapest spot regardless (`false`). A label with no
    /// candidate at all stays at the origin.
    fn put(
        &mut self,
        label: &str,
        candidates: impl IntoIterator<Item = (f64, Spot)>,
        own: Option<usize>,
    ) -> (Spot, bool) {
        let mut best: Option<(f64, Spot, Rect)> = None;
        let mut fallback: Option<(f64, Spot, Rect)> = None;
        for (cost, spot) in candidates {
            let area = spot.area(label, LABEL);
            if fallback.as_ref().is_none_or(|(c, ..)| cost < *c) {
                fallback = Some((cost, spot, area));
            }
            let clear = Rect {
                left: area.left - CLEAR.0,
                top: area.top - CLEAR.1,
                right: area.right + CLEAR.0,
                bottom: area.bottom + CLEAR.1,
            };
            let inside = self.free.left <= clear.left
                && clear.right <= self.free.right
                && self.free.top <= clear.top
                && clear.bottom <= self.free.bottom;
            if !inside || self.taken.near(&clear).next().is_some() {
                continue;
            }
            let lanes = self
                .lanes
                .iter()
                .filter(|x| area.left < **x && **x < area.right);
            let cost = cost
                + CROSSING * self.crossings(&area, own) as f64
                + LANE * lanes.count() as f64;
            if best.as_ref().is_none_or(|(c, ..)| cost < *c) {
                best = Some((cost, spot, area));
            }
        }
        let placed = best.is_some();
        match best.or(fallback) {
            Some((_, spot, area)) => {
                self.taken.add(area, ());
                (spot, placed)
            }
            None => (Spot::new((0.0, 0.0), HPos::Left, VPos::Top), false),
        }
    }

    /// How many arrows other than `own` cross `area`.
    fn crossings(&self, area: &Rect, own: Option<usize>) -> usize {
        let mut crossing: Vec<usize> = self
            .lines
            .near(area)
            .filter(|(_, (i, [a, b]))| Some(*i) != own && crosses(*a, *b, area))
            .map(|(_, (i, _))| *i)
            .collect();
        crossing.sort_unstable();
        crossing.dedup();
        crossing.len()
    }
}

/// Whether the segment from `a` to `b` passes through `area` (Liang and Barsky's
/// clipping).
fn crosses(a: (f64, f64), b: (f64, f64), area: &Rect) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut enter, mut leave) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a.0 - area.left),
        (dx, area.right - a.0),
        (-dy, a.1 - area.top),
        (dy, area.bottom - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else if p < 0.0 {
            enter = enter.max(q / p);
        } else {
            leave = leave.min(q / p);
        }
    }
    enter <= leave
}

/// Boxes with values, kept in horizontal strips to find those near a box quickly.
struct Grid<T> {
    strips: Vec<Vec<(Rect, T)>>,
}

impl<T> Default for Grid<T> {
    fn default() -> Self {
        Grid { strips: Vec::new() }
    }
}

impl<T: Clone> Grid<T> {
    /// The height of a strip, in pixels.
    const STRIP: f64 = 16.0;

    fn strips(area: &Rect) -> std::ops::RangeInclusive<usize> {
        let strip = |y: f64| (y.max(0.0) / Self::STRIP) as usize;
        strip(area.top)..=strip(area.bottom)
    }

    fn add(&mut self, area: Rect, value: T) {
        for strip in Self::strips(&area) {
            if self.strips.len() <= strip {
                self.strips.resize_with(strip + 1, Vec::new);
            }
            self.strips[strip].push((area, value.clone()));
        }
    }

    /// The boxes that intersect `area`, some more than once.
    fn near<'a>(&'a self, area: &'a Rect) -> impl Iterator<Item = &'a (Rect, T)> {
        Self::strips(area)
            .filter_map(|strip| self.strips.get(strip))
            .flatten()
            .filter(|(other, _)| other.intersects(area))
    }
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

    #[test]
    fn crowded_labels_widen_the_rows_instead_of_overprinting() {
        // Six messages along the same line: their labels cannot all sit beside it
        // within one row.
        let arrow = |i: usize| Arrow {
            from: (0, 0.0),
            to: (1, 1.0),
            label: format!("a long message, number {i}"),
            fate: Fate::Delivered,
        };
        let crowded = Diagram {
            lanes: vec!["p0".into(), "p1".into(), "p2".into()],
            arrows: (0..6).map(arrow).collect(),
            ..Diagram::default()
        };
        let alone = Diagram {
            arrows: vec![arrow(0)],
            ..crowded.clone()
        };
        assert!(crowded.layout().height() > alone.layout().height());
        assert_eq!(crate::overlap::overlaps(&crowded.to_svg()), vec![]);
    }
}
