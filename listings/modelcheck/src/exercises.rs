//! The judges of the judged exercises of the chapter "Checking every execution": exercise
//! 5.1 (the invariant that names the bug): `cargo xtask lab votes-counted`. Their
//! starting points are frozen in the `labs` crate, which runs each judge on the student's
//! copy.

use crate::Checker;
use crate::Trace;
use crate::two_phase::{State, Tm, TwoPhase, consistent};

/// Whether the last step of `trace` is the one at which the TM commits.
fn commits(trace: &Trace<TwoPhase>) -> bool {
    let committed = |i: usize| trace.get(i).is_some_and(|(_, s)| s.tm() == Tm::Committed);
    let last = trace.len() - 1;
    last > 0 && committed(last) && !committed(last - 1)
}

/// What is wrong with `invariant` as an answer to exercise 5.1.
pub fn judge(invariant: impl Fn(&TwoPhase, &State) -> bool + Sync) -> Vec<String> {
    let mut wrong = Vec::new();
    for rms in 1..=4 {
        let correct = TwoPhase {
            rms,
            commits_without_all_votes: false,
        };
        let report = Checker::new(&correct)
            .invariant("yours", |s| invariant(&correct, s))
            .run();
        if report.violation.is_some() {
            wrong.push(format!("{rms} RMs: it fails on the correct protocol"));
        }
        assert!(
            report.complete || report.violation.is_some(),
            "{rms} RMs: cut short"
        );
    }
    let hasty = TwoPhase {
        rms: 3,
        commits_without_all_votes: true,
    };
    let yours = Checker::new(&hasty)
        .invariant("yours", |s| invariant(&hasty, s))
        .run();
    let theirs = Checker::new(&hasty)
        .invariant("TCConsistent", |s| consistent(&hasty, s))
        .run();
    match (yours.violation, theirs.violation) {
        (None, _) => wrong.push("it misses the planted bug".into()),
        (Some(y), Some(t)) if y.trace.len() >= t.trace.len() => wrong.push(format!(
            "it catches the bug after {} steps, no sooner than TCConsistent",
            y.trace.len() - 1
        )),
        // Sooner is not enough: at the very step at which the TM commits.
        (Some(y), _) if !commits(&y.trace) => wrong.push(
            "it catches the bug, but not at the step at which the TM commits".into(),
        ),
        _ => {}
    }
    wrong
}
