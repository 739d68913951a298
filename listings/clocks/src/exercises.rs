//! The judges of the judged exercises of the chapter "Time, clocks, and the ordering of
//! events": exercise 3.2 (siblings): `cargo xtask lab siblings`. Their starting points
//! are frozen in the `labs` crate, which runs each judge on the student's copy.

use crate::VectorClock;

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
            (got != expected).then(|| {
                format!(
                    "{writes:?}: the answer {got:?} is not the writes no other write \
                     happened after, in their order"
                )
            })
        })
        .collect()
}
