//! Exercises of the chapter "Time, clocks, and the ordering of events", each judged by a
//! test.
//!
//! **Exercise 3.2 — siblings.** A store that versions each write of a key with a vector
//! clock must keep every write that no other write supersedes: Dynamo's *siblings*. Fill
//! in [`siblings`]; run `cargo test -p clocks --test exercises -- --ignored`.

use crate::VectorClock;

// ANCHOR: exercise
/// The writes that no other write happened after: those whose clock is below no other's.
/// Their order must be kept. (Exercise 3.2: this version keeps everything.)
pub fn siblings<'a>(writes: &'a [(VectorClock, &'a str)]) -> Vec<&'a str> {
    writes.iter().map(|(_, value)| *value).collect()
}
// ANCHOR_END: exercise

/// Writes, and the siblings they must leave.
pub type Case = (Vec<(VectorClock, &'static str)>, Vec<&'static str>);

/// The cases that judge an answer.
pub fn cases() -> Vec<Case> {
    let v = |x: &[u64]| VectorClock(x.to_vec());
    vec![
        (vec![(v(&[1, 0]), "a"), (v(&[2, 0]), "b")], vec!["b"]),
        (vec![(v(&[1, 0]), "a"), (v(&[0, 1]), "b")], vec!["a", "b"]),
        (
            vec![(v(&[1, 0]), "a"), (v(&[0, 1]), "b"), (v(&[1, 1]), "c")],
            vec!["c"],
        ),
        (
            vec![
                (v(&[2, 1, 0]), "a"),
                (v(&[1, 2, 0]), "b"),
                (v(&[1, 1, 1]), "c"),
                (v(&[1, 0, 0]), "d"),
            ],
            vec!["a", "b", "c"],
        ),
        (vec![], vec![]),
    ]
}

/// What `answer` gets wrong.
pub fn judge(
    answer: impl for<'a> Fn(&'a [(VectorClock, &'a str)]) -> Vec<&'a str>,
) -> Vec<String> {
    cases()
        .into_iter()
        .filter_map(|(writes, expected)| {
            let got = answer(&writes);
            (got != expected)
                .then(|| format!("{writes:?}: expected {expected:?}, got {got:?}"))
        })
        .collect()
}

/// A solution to exercise 3.2.
pub mod solution {
    use super::*;

    /// Keeps each write whose clock is below no other write's.
    pub fn siblings<'a>(writes: &'a [(VectorClock, &'a str)]) -> Vec<&'a str> {
        writes
            .iter()
            .filter(|(clock, _)| !writes.iter().any(|(other, _)| clock < other))
            .map(|(_, value)| *value)
            .collect()
    }
}
