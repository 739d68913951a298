// Exercise 7.1 (chapter 7): a safe rule.
//
// The protocol `majority-of-rest` decides on n − 1 votes by majority, and breaks
// agreement. Change `rule` so that deciding on n − 1 votes is safe, and still partially
// correct (some run decides 0, some decides 1). The judge runs the chapter's proof
// against your rule for n = 3 and prints its outcome. Judge it with
// `cargo xtask lab safe-rule`; then explain the outcome it reports: why could no rule
// have escaped it? Keep the name and signature of `rule`.

use flp::protocols::Bit;

// ANCHOR: exercise
/// Exercise 7.1: with the `votes` a process has (its own included: n − 1 of them, and
/// again once the last arrives, n), the value to decide, or `None` to wait. The starting
/// point: the majority, ties to 0.
pub fn rule(votes: &[Bit], n: usize) -> Option<Bit> {
    let _ = n;
    let ones = votes.iter().filter(|&&v| v == 1).count();
    Some(Bit::from(2 * ones > votes.len()))
}
// ANCHOR_END: exercise
