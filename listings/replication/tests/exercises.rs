//! The judges of the chapter's exercises: each accepts the solution and rejects the
//! starting point, so a student's passing test means something.

use replication::exercises::{Numbered, judge, solution::Solved};

#[test]
fn the_judge_of_exercise_2_1_accepts_the_solution() {
    let found = judge(|p, n| Solved(Numbered::new(p, n)), |s: &Solved| &s.0.log);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn the_judge_of_exercise_2_1_rejects_the_starting_point() {
    assert!(!judge(Numbered::new, |p: &Numbered| &p.log).is_empty());
}

/// Exercise 2.1: passes once `Numbered`'s backup applies each entry once and in order.
#[test]
#[ignore = "exercise 2.1: run with --ignored once you have solved it"]
fn exercise_2_1() {
    let found = judge(Numbered::new, |p: &Numbered| &p.log);
    assert!(
        found.is_empty(),
        "{} problems, the first: {}",
        found.len(),
        found[0]
    );
}
