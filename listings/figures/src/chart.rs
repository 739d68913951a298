//! Line and scatter charts with a legend and labelled axes.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use std::ops::Range;

/// Width and height of every chart, in pixels: readable at the book's text width.
pub const SIZE: (u32, u32) = (720, 420);

/// Colours of the series, in order: distinct in print and for the common colour-vision
/// deficiencies (Okabe & Ito's palette).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
];

/// How an axis maps values to positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Evenly spaced values.
    Linear,
    /// Evenly spaced powers of ten; every value must be positive.
    Log,
}

/// One axis: its label (with units) and the range of values it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The label under or beside the axis, with units in parentheses.
    pub label: String,
    /// The values shown.
    pub range: Range<f64>,
    /// Linear or logarithmic.
    pub scale: Scale,
}

impl Axis {
    /// A linear axis.
    pub fn linear(label: &str, range: Range<f64>) -> Self {
        Axis {
            label: label.to_owned(),
            range,
            scale: Scale::Linear,
        }
    }

    /// A logarithmic axis.
    pub fn log(label: &str, range: Range<f64>) -> Self {
        Axis {
            label: label.to_owned(),
            range,
            scale: Scale::Log,
        }
    }
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A line through the points.
    Line,
    /// A dot at each point.
    Dots,
    /// A dashed line through the points: for a bound or a reference curve.
    Dashed,
}

/// A named set of points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The name in the legend.
    pub name: String,
    /// The points, in drawing order.
    pub points: Vec<(f64, f64)>,
    /// How the points are drawn.
    pub mark: Mark,
}

impl Series {
    /// A series drawn as `mark`.
    pub fn new(name: &str, points: Vec<(f64, f64)>, mark: Mark) -> Self {
        Series {
            name: name.to_owned(),
            points,
            mark,
        }
    }
}

// ANCHOR: chart
/// A chart: a title, two axes and the series drawn on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The title above the plot.
    pub title: String,
    /// The horizontal axis.
    pub x: Axis,
    /// The vertical axis.
    pub y: Axis,
    /// The series, drawn in order; the legend lists them in the same order.
    pub series: Vec<Series>,
    /// The corner the legend sits in.
    pub legend: Corner,
}

/// A corner of the plotting area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Corner {
    /// Top right (the default).
    #[default]
    UpperRight,
    /// Top left.
    UpperLeft,
    /// Bottom right.
    LowerRight,
    /// Bottom left.
    LowerLeft,
}
// ANCHOR_END: chart

impl Chart {
    /// Renders the chart as an SVG document.
    ///
    /// # Panics
    /// If an axis's range is not finite and increasing, or a logarithmic axis has a
    /// non-positive bound: a bug in the program drawing it (plotters would otherwise
    /// compute ticks over a range it cannot draw, without end).
    pub fn to_svg(&self) -> String {
        for (name, axis) in [("x", &self.x), ("y", &self.y)] {
            let Range { start, end } = axis.range;
            assert!(
                start.is_finite() && end.is_finite() && start < end,
                "the {name} axis of \"{}\" has the range {start}..{end}: it must be finite and \
                 increasing",
                self.title
            );
            assert!(
                axis.scale == Scale::Linear || start > 0.0,
                "the logarithmic {name} axis of \"{}\" starts at {start}: it must be positive",
                self.title
            );
        }
        let mut svg = String::new();
        let result = match (self.x.scale, self.y.scale) {
            (Scale::Linear, Scale::Linear) => {
                self.draw(&mut svg, self.x.range.clone(), self.y.range.clone())
            }
            (Scale::Linear, Scale::Log) => self.draw(
                &mut svg,
                self.x.range.clone(),
                self.y.range.clone().log_scale(),
            ),
            (Scale::Log, Scale::Linear) => self.draw(
                &mut svg,
                self.x.range.clone().log_scale(),
                self.y.range.clone(),
            ),
            (Scale::Log, Scale::Log) => self.draw(
                &mut svg,
                self.x.range.clone().log_scale(),
                self.y.range.clone().log_scale(),
            ),
        };
        // The SVG backend writes into a String: it has no I/O that could fail.
        result.expect("drawing into a string cannot fail");
        svg
    }

    fn draw<X, Y>(
        &self,
        svg: &mut String,
        x: X,
        y: Y,
    ) -> Result<(), Box<dyn std::error::Error + '_>>
    where
        X: AsRangedCoord<Value = f64>,
        Y: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(x, y)?;
        chart
            .configure_mesh()
            .x_desc(&self.x.label)
            .y_desc(&self.y.label)
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 15))
            .x_label_formatter(&|v| number(*v))
            .y_label_formatter(&|v| number(*v))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.12))
            .draw()?;
        for (i, series) in self.series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let points = series.points.iter().copied();
            let drawn = match series.mark {
                Mark::Line => {
                    chart.draw_series(LineSeries::new(points, colour.stroke_width(2)))?
                }
                Mark::Dashed => chart.draw_series(DashedLineSeries::new(
                    points,
                    6,
                    4,
                    colour.stroke_width(2),
                ))?,
                Mark::Dots => chart
                    .draw_series(points.map(|p| Circle::new(p, 3, colour.filled())))?,
            };
            let legend = drawn.label(&series.name);
            match series.mark {
                Mark::Dots => legend
                    .legend(move |(x, y)| Circle::new((x + 10, y), 3, colour.filled())),
                Mark::Line => legend.legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                }),
                Mark::Dashed => legend.legend(move |(x, y)| {
                    plotters::element::DashedPathElement::new(
                        vec![(x, y), (x + 20, y)],
                        6,
                        4,
                        colour.stroke_width(2),
                    )
                }),
            };
        }
        chart
            .configure_series_labels()
            .position(match self.legend {
                Corner::UpperRight => SeriesLabelPosition::UpperRight,
                Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
                Corner::LowerRight => SeriesLabelPosition::LowerRight,
                Corner::LowerLeft => SeriesLabelPosition::LowerLeft,
            })
            .label_font(("sans-serif", 14))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .draw()?;
        root.present()?;
        Ok(())
    }
}

/// A tick label: as few digits as the value needs (`5`, `0.25`), powers of ten below
/// 0.001 in scientific notation (`1e-5`).
fn number(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-3 {
        // A power of ten computed on a log axis may be a hair off: `1e-5`, not
        // `9.999999999999999e-6`.
        let text = format!("{v:.3e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{exponent}")
    } else {
        let text = format!("{v:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "must be finite and increasing")]
    fn an_empty_logarithmic_range_is_refused_rather_than_drawn_for_ever() {
        // What an empty measurements file once gave: the smallest and largest of nothing.
        let empty: Vec<f64> = Vec::new();
        let lo = empty.iter().copied().fold(f64::INFINITY, f64::min) / 2.0;
        let hi = empty.iter().copied().fold(0.0, f64::max) * 2.0;
        Chart {
            y: Axis::log("t (ms)", lo..hi),
            ..chart()
        }
        .to_svg();
    }

    #[test]
    #[should_panic(expected = "must be positive")]
    fn a_logarithmic_axis_from_zero_is_refused() {
        Chart {
            y: Axis::log("t (ms)", 0.0..1.0),
            ..chart()
        }
        .to_svg();
    }

    fn chart() -> Chart {
        Chart {
            title: "t".into(),
            x: Axis::linear("x (s)", 0.0..10.0),
            y: Axis::log("y", 0.001..1.0),
            series: vec![
                Series::new("a", vec![(1.0, 0.5), (9.0, 0.01)], Mark::Line),
                Series::new("b", vec![(2.0, 0.1)], Mark::Dots),
            ],
            legend: Corner::UpperRight,
        }
    }

    #[test]
    fn the_same_chart_gives_the_same_bytes() {
        assert_eq!(chart().to_svg(), chart().to_svg());
    }

    #[test]
    fn the_svg_carries_the_labels_and_legend() {
        let svg = chart().to_svg();
        assert!(svg.starts_with("<svg"));
        for text in ["x (s)", "a", "b", "0.01"] {
            assert!(
                svg.contains(&format!("\n{text}\n</text>")),
                "{text} missing"
            );
        }
    }

    #[test]
    fn tick_labels_use_few_digits() {
        assert_eq!(number(5.0), "5");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(0.00001), "1e-5");
        assert_eq!(number(9.999999999999999e-6), "1e-5");
        assert_eq!(number(0.00025), "2.5e-4");
        assert_eq!(number(0.0), "0");
    }
}
