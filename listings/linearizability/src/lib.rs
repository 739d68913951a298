//! A linearizability checker.
//!
//! A history of operations on a concurrent object is *linearizable* (Herlihy & Wing,
//! "Linearizability: a correctness condition for concurrent objects", ACM TOPLAS
//! 12(3):463–492, 1990) if each operation can be given a point between its invocation and
//! its response such that the operations, in the order of their points, are a legal
//! sequential history of the object. [`check`](fn@check) searches for such points, and
//! [`wing_gong`] does the same the plain way, to teach and to test it against; [`parse`]
//! reads the formats of Porcupine's and Jepsen's histories; [`explain`] draws the
//! evidence when there are none.

pub mod check;
pub mod cli;
pub mod edn;
pub mod exercises;
pub mod explain;
pub mod model;
pub mod models;
pub mod parse;
pub mod speed;
pub mod wing_gong;

pub use check::{Evidence, Options, Verdict, check, check_with, undefined};
pub use model::Model;
