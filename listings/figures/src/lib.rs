//! The book's figures, as SVG that is the same byte for byte on every machine.
//!
//! Charts are drawn with [plotters](https://docs.rs/plotters)' SVG backend without its font
//! features, so text is laid out by a fixed estimate instead of the fonts installed on the
//! machine: the same data always gives the same file. Every figure the book shows is generated
//! by one of the book's programs, committed, and regenerated and compared by a test.

pub mod chart;
pub mod spacetime;
pub mod timeline;

pub use chart::{Axis, Chart, Mark, Scale, Series};
pub use spacetime::Diagram;
