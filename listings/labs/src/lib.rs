//! The labs and judged exercises of the book.
//!
//! A *lab* is a protocol the student writes: a `process::Process` in one file, judged in
//! the three worlds of the book (the model checker on small configurations, the
//! simulator over many seeds of every fault, the linearizability checker on what the
//! clients saw). An *exercise* is a smaller piece, a function or a prediction, judged the
//! same way. `cargo xtask lab` lists them all; `cargo xtask lab NAME` copies the starting
//! point to `labs/NAME.rs` if that file does not exist yet, and judges the student's file.
//!
//! The starting points ([`start`]) are frozen here, compiled and tested: each judge is
//! shown to fail its starting point, to pass a reference solution and to catch the
//! chapter's planted bugs (in the `solutions` crate, which the student edition leaves
//! out). The student's copies are compiled only by the runner, one feature per file.

// The starting points, the student's files and the solutions name this crate `labs`,
// so that the same text compiles inside it and outside.
extern crate self as labs;

pub mod consensus;
pub mod course;
pub mod exercises;
pub mod judge;
pub mod log;
pub mod primary_backup;
pub mod programs;
pub mod register;
pub mod registry;
pub mod start;
pub mod student;
