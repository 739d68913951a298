//! History timelines: one row per client, one bar per operation from its invocation to
//! its response, as in Herlihy & Wing's figures. Used to show why a history is not
//! linearizable.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

// ANCHOR: timeline
/// A history drawn as bars in time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    /// The title above the timeline.
    pub title: String,
    /// The name of each row (client), top to bottom.
    pub rows: Vec<String>,
    /// The operations.
    pub bars: Vec<Bar>,
    /// The unit of the time axis.
    pub unit: String,
    /// A line of explanation under the bars (may be empty).
    pub note: String,
}

/// One operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Its row.
    pub row: usize,
    /// Invocation time.
    pub start: f64,
    /// Response time; `None` if it never returned (the bar runs off the right edge).
    pub end: Option<f64>,
    /// The operation and its result, shortened.
    pub label: String,
    /// How it is drawn.
    pub role: Role,
}

/// What an operation is in the explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Placed in the longest linearization found, at this position (from 1).
    Placed(usize),
    /// The operation that cannot be placed.
    Stuck,
    /// Neither.
    Other,
}
// ANCHOR_END: timeline

const WIDTH: u32 = 760;
const ROW: i32 = 34;
const TOP: i32 = 56;
const LEFT: i32 = 70;
const RIGHT: i32 = 24;

impl Timeline {
    /// Renders the timeline as an SVG document.
    pub fn to_svg(&self) -> String {
        let height = (TOP + ROW * self.rows.len() as i32 + 70) as u32;
        let mut svg = String::new();
        {
            let area =
                SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
            self.draw(&area, height)
                .expect("drawing into a string cannot fail");
            area.present().expect("drawing into a string cannot fail");
        }
        svg
    }

    fn draw(
        &self,
        area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        height: u32,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let (lo, hi) = self.span();
        let width = (WIDTH as i32 - LEFT - RIGHT) as f64;
        let x = |t: f64| LEFT + ((t - lo) / (hi - lo).max(1e-9) * width) as i32;
        let font = |size: f64, colour: &'static RGBColor| {
            TextStyle::from(("sans-serif", size).into_font()).color(colour)
        };
        const INK: RGBColor = RGBColor(40, 40, 40);
        const PLACED: RGBColor = RGBColor(0, 158, 115);
        const STUCK: RGBColor = RGBColor(200, 30, 30);
        const OTHER: RGBColor = RGBColor(150, 150, 150);
        area.fill(&WHITE)?;
        area.draw(&Text::new(
            self.title.clone(),
            (WIDTH as i32 / 2, 12),
            font(16.0, &INK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        for (r, name) in self.rows.iter().enumerate() {
            let y = TOP + ROW * r as i32 + ROW / 2;
            area.draw(&Text::new(
                name.clone(),
                (LEFT - 10, y),
                font(13.0, &INK).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
            area.draw(&PathElement::new(
                vec![(LEFT, y), (WIDTH as i32 - RIGHT, y)],
                INK.mix(0.1),
            ))?;
        }
        for bar in &self.bars {
            let y = TOP + ROW * bar.row as i32 + ROW / 2;
            let (x0, x1) = (
                x(bar.start),
                bar.end
                    .map_or(WIDTH as i32 - RIGHT, x)
                    .max(x(bar.start) + 4),
            );
            let colour: &'static RGBColor = match bar.role {
                Role::Placed(_) => &PLACED,
                Role::Stuck => &STUCK,
                Role::Other => &OTHER,
            };
            area.draw(&Rectangle::new(
                [(x0, y - 6), (x1, y + 6)],
                colour.mix(0.25).filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x0, y - 6), (x1, y + 6)],
                colour.stroke_width(if bar.role == Role::Stuck { 2 } else { 1 }),
            ))?;
            let label = match bar.role {
                Role::Placed(n) => format!("{n}. {}", bar.label),
                _ => bar.label.clone(),
            };
            area.draw(&Text::new(
                label,
                ((x0 + x1) / 2, y - 8),
                font(10.0, colour).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
        }
        let axis = height as i32 - 44;
        area.draw(&PathElement::new(
            vec![(LEFT, axis), (WIDTH as i32 - RIGHT, axis)],
            INK.stroke_width(1),
        ))?;
        area.draw(&Text::new(
            format!("{} {}", self.unit, trim(lo)),
            (LEFT, axis + 4),
            font(11.0, &INK).pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
        area.draw(&Text::new(
            format!("{} {}", self.unit, trim(hi)),
            (WIDTH as i32 - RIGHT, axis + 4),
            font(11.0, &INK).pos(Pos::new(HPos::Right, VPos::Top)),
        ))?;
        area.draw(&Text::new(
            "time →",
            (WIDTH as i32 / 2, axis + 4),
            font(11.0, &INK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        if !self.note.is_empty() {
            area.draw(&Text::new(
                self.note.clone(),
                (LEFT, axis + 22),
                font(12.0, &INK),
            ))?;
        }
        Ok(())
    }

    fn span(&self) -> (f64, f64) {
        let lo = self
            .bars
            .iter()
            .map(|b| b.start)
            .fold(f64::INFINITY, f64::min);
        let hi = self
            .bars
            .iter()
            .map(|b| b.end.unwrap_or(b.start))
            .fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi.is_finite() {
            (lo, hi.max(lo + 1.0))
        } else {
            (0.0, 1.0)
        }
    }
}

fn trim(t: f64) -> String {
    let text = format!("{t:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_same_bytes_with_labels() {
        let t = Timeline {
            title: "t".into(),
            rows: vec!["c0".into(), "c1".into()],
            bars: vec![
                Bar {
                    row: 0,
                    start: 1.0,
                    end: Some(3.0),
                    label: "w(1)".into(),
                    role: Role::Placed(1),
                },
                Bar {
                    row: 1,
                    start: 4.0,
                    end: Some(5.0),
                    label: "r→0".into(),
                    role: Role::Stuck,
                },
                Bar {
                    row: 1,
                    start: 6.0,
                    end: None,
                    label: "w(2)".into(),
                    role: Role::Other,
                },
            ],
            unit: "event".into(),
            note: "why".into(),
        };
        let svg = t.to_svg();
        assert_eq!(svg, t.to_svg());
        for text in ["1. w(1)", "r→0", "w(2)", "c1", "why"] {
            assert!(
                svg.contains(&format!("\n{text}\n</text>")),
                "{text} missing"
            );
        }
    }
}
