//! World 1 of the book's three: an explicit-state model checker.
//!
//! A [`System`] is a transition system: initial states and, for each state, its
//! successors. The [`Checker`] explores every reachable state, breadth-first (so the
//! first violation found has a shortest trace) or depth-first, and checks invariants —
//! *safety*: nothing bad ever happens — and lassos — *liveness*: something good
//! eventually happens, violated by a reachable cycle on which it never does (Alpern &
//! Schneider, "Defining liveness", IPL 21(4), 1985). [`processes::Processes`] turns a set
//! of [`process::Process`]es, unchanged, into a system.

pub mod checker;
pub mod commit;
pub mod exercises;
pub mod lasso;
pub mod preemption;
pub mod processes;
pub mod programs;
pub mod system;
pub mod two_phase;

pub use checker::{Checker, Report, Search, Stop, Trace, Violation, steps};
pub use system::System;
