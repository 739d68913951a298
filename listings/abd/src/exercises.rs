//! The judges of the judged exercises of the chapter "Quorums": exercise 9.1 (quorums of
//! other sizes): `cargo xtask lab quorum-sizes`. Their starting points are frozen in the
//! `labs` crate, which runs each judge on the student's copy.

use crate::check::{Scenario, checker};
use crate::register::{Abd, Variant};
use modelcheck::processes::{Faults, Processes};

/// How often `predict` disagrees with the model checker, for 2 and 3 processes and every
/// pair of quorum sizes, in the scenario `write-read`: one line per `n` with a
/// disagreement, naming neither the pairs nor the verdicts.
pub fn judge(predict: impl Fn(usize, usize, usize) -> bool) -> Vec<String> {
    let mut disagree = [0usize; 2];
    for n in 2..=3 {
        for query in 1..=n {
            for update in 1..=n {
                let system = Processes::new(
                    Abd::cluster(n, Variant::Abd, None)
                        .into_iter()
                        .map(|p| p.with_quorums(query, update))
                        .collect(),
                    Faults::default(),
                )
                .with_clients(Scenario::WriteRead.clients());
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
