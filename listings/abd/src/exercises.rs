//! Exercises of the chapter "Quorums", each judged by a test.
//!
//! **Exercise 9.1 — quorums of other sizes.** ABD waits for a majority in both phases.
//! Predict, for `n` processes, which sizes of query and update quorums keep the register
//! linearizable: fill in [`linearizable_with`]. The judge model-checks every pair of
//! sizes for two and three processes and compares:
//! `cargo test -p abd --test exercises -- --ignored`.

use crate::check::{Scenario, checker};
use crate::register::{Abd, Variant};
use modelcheck::processes::{Faults, Processes};

// ANCHOR: exercise
/// Exercise 9.1: whether ABD on `n` processes stays linearizable when a query waits for
/// `query` answers and an update for `update` (each counting the coordinator's own).
pub fn linearizable_with(n: usize, query: usize, update: usize) -> bool {
    let _ = (n, query, update);
    true
}
// ANCHOR_END: exercise

/// How often `predict` disagrees with the model checker, for 2 and 3 processes and every
/// pair of quorum sizes, in the scenario `write-read`: one line per `n` with a
/// disagreement, naming neither the pairs nor the verdicts.
pub fn judge(predict: impl Fn(usize, usize, usize) -> bool) -> Vec<String> {
    let mut disagree = [0usize; 2];
    for n in 2..=3 {
        for query in 1..=n {
            for update in 1..=n {
                let system = Processes {
                    initial: Abd::cluster(n, Variant::Abd, None)
                        .into_iter()
                        .map(|p| p.with_quorums(query, update))
                        .collect(),
                    faults: Faults::default(),
                    clients: Scenario::WriteRead.clients(),
                };
                let report = checker(&system).run();
                assert!(
                    report.stopped.is_none(),
                    "the judge's check of n = {n} was cut short"
                );
                let checked = report.violation.is_none();
                if predict(n, query, update) != checked {
                    disagree[n - 2] += 1;
                }
            }
        }
    }
    // Which pairs, and the checker's verdicts, would give the answer away: say how many.
    (2..=3)
        .filter(|n| disagree[n - 2] > 0)
        .map(|n| {
            format!(
                "{} of the {} predictions for n = {n} disagree with the model checker",
                disagree[n - 2],
                n * n
            )
        })
        .collect()
}

/// A solution to exercise 9.1.
pub mod solution {
    /// Linearizable exactly when every query quorum meets every update quorum: the
    /// pigeonhole bound of the Introduction, `query + update > n`.
    pub fn linearizable_with(n: usize, query: usize, update: usize) -> bool {
        query + update > n
    }
}
