//! Exercises of the chapter "FLP", each judged by a test.
//!
//! **Exercise 7.1 — a safe rule.** The protocol `majority-of-rest` decides on n − 1
//! votes by majority, and breaks agreement. Change [`rule`] so that deciding on n − 1
//! votes is safe (and still partially correct: some run decides 0, some decides 1). The
//! judge runs the proof against your rule for n = 3:
//! `cargo test --release -p flp --test exercises -- --ignored exercise_7_1`.
//! Then explain the outcome it reports: why could no rule have escaped it?

use crate::adversary::{Bounds, Outcome, run};
use crate::protocols::{Bit, Protocol};

// ANCHOR: exercise
/// Exercise 7.1: with the n − 1 `votes` a process has (its own included), the value to
/// decide, or `None` to wait for ever. The starting point: the majority, ties to 0.
pub fn rule(votes: &[Bit], n: usize) -> Option<Bit> {
    let _ = n;
    let ones = votes.iter().filter(|&&v| v == 1).count();
    Some(Bit::from(2 * ones > votes.len()))
}
// ANCHOR_END: exercise

/// What the proof finds against `rule` for n = 3: `Ok` with the outcome's name if the
/// rule is partially correct, `Err` with why not.
pub fn judge(rule: fn(&[Bit], usize) -> Option<Bit>) -> Result<&'static str, String> {
    let bounds = Bounds {
        rounds: 1,
        valence: 20_000,
        schedules: 200,
    };
    match run(Protocol::Exercise(rule), 3, 6, bounds) {
        Outcome::Unsafe { invariant, run } => Err(format!(
            "{invariant} is broken in {} steps: {}",
            run.len() - 1,
            if invariant == "agreement" {
                "two processes decide differently"
            } else {
                "a process decides a value that was no process's input"
            }
        )),
        Outcome::Trivial { never } => Err(format!("no run decides {never}")),
        Outcome::Blocked { .. } => Ok("blocked"),
        Outcome::Undecided { .. } => Ok("undecided"),
        Outcome::Stuck { .. } => {
            Err("the searches' bounds were too small to tell".to_owned())
        }
    }
}

/// A solution to exercise 7.1.
pub mod solution {
    use crate::protocols::Bit;

    /// Decide only on unanimous votes: two processes can then never decide differently,
    /// since n − 1 zeros and n − 1 ones need more than n inputs when n ≥ 3. The price:
    /// one crash can leave every survivor with a split vote, waiting for ever.
    pub fn rule(votes: &[Bit], _n: usize) -> Option<Bit> {
        let first = *votes.first()?;
        votes.iter().all(|&v| v == first).then_some(first)
    }
}
