//! Exercises of the chapter "Checking every execution", each judged by a test.
//!
//! **Exercise 5.1 — the invariant that names the bug.** `TCConsistent` catches the hasty
//! TM only once its decision has done damage. Write an invariant that catches it at the
//! moment it decides: fill in [`votes_counted`]. The judge requires it to hold on every
//! reachable state of the correct TwoPhase and to be violated by the planted bug in fewer
//! steps than
//! `TCConsistent`: `cargo test -p modelcheck --test exercises -- --ignored`.

use crate::Checker;
use crate::two_phase::{State, TwoPhase, consistent};

// ANCHOR: exercise
/// Exercise 5.1: true unless the TM has committed without every resource manager's vote.
/// (`State::tm` and `State::rm` read the state; the TM's recorded votes are private: what
/// else in the state tells you that every manager voted?)
pub fn votes_counted(system: &TwoPhase, state: &State) -> bool {
    let _ = (system, state);
    true
}
// ANCHOR_END: exercise

/// What is wrong with `invariant` as an answer to exercise 5.1.
pub fn judge(invariant: impl Fn(&TwoPhase, &State) -> bool) -> Vec<String> {
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
        _ => {}
    }
    wrong
}

/// A solution to exercise 5.1.
pub mod solution {
    use super::*;
    use crate::two_phase::{Rm, Tm};

    /// The TM has committed only if no manager is still working or has aborted on its
    /// own: every manager voted (`Prepared`), and votes are not withdrawn.
    pub fn votes_counted(system: &TwoPhase, state: &State) -> bool {
        state.tm() != Tm::Committed
            || (0..system.rms)
                .all(|i| matches!(state.rm(i), Rm::Prepared | Rm::Committed))
    }
}
