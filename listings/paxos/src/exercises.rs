//! The judges of the judged exercises of the chapter "Paxos Made Simple": exercise 11.1
//! (quorums of other sizes): `cargo xtask lab paxos-quorums`. Their starting points are
//! frozen in the `labs` crate, which runs each judge on the student's copy.

use crate::check::{agreement, system};
use modelcheck::Checker;
use modelcheck::processes::{Faults, Processes};

/// Where `predict` disagrees with the model checker, for 3 acceptors, two proposers
/// with one ballot each, and every pair of quorum sizes.
pub fn judge(predict: impl Fn(usize, usize, usize) -> bool) -> Vec<String> {
    let pairs: Vec<(usize, usize)> = (1..=3)
        .flat_map(|phase1| (1..=3).map(move |phase2| (phase1, phase2)))
        .collect();
    judge_sizes(predict, &pairs)
}

/// Where `predict` disagrees with the model checker on these (phase 1, phase 2) sizes.
pub fn judge_sizes(
    predict: impl Fn(usize, usize, usize) -> bool,
    sizes: &[(usize, usize)],
) -> Vec<String> {
    let n = 3;
    let mut wrong = Vec::new();
    for &(phase1, phase2) in sizes {
        {
            let base = system(n, 2, 1, None, Faults::default());
            let initial = (base.initial.iter().cloned())
                .map(|mut p| {
                    p.setup.quorums = Some((phase1, phase2));
                    p
                })
                .collect();
            let system = Processes::new(initial, base.faults);
            let report = Checker::new(&system)
                .invariant("agreement", agreement)
                .run();
            assert!(
                report.stopped.is_none(),
                "the judge's check of n = {n} was cut short"
            );
            let safe = report.violation.is_none();
            if predict(n, phase1, phase2) != safe {
                // Which pair, and the checker's verdict, would give the answer away.
                wrong.push(format!(
                    "n = {n}: a prediction disagrees with the model checker"
                ));
            }
        }
    }
    if !wrong.is_empty() {
        wrong = vec![format!(
            "{} of the {} predictions for n = {n} disagree with the model checker",
            wrong.len(),
            sizes.len()
        )];
    }
    wrong
}
