//! The judge of exercise 3.2 accepts the solution and rejects the starting point.

use clocks::exercises::{judge, siblings, solution};

#[test]
fn the_judge_accepts_the_solution() {
    assert_eq!(judge(solution::siblings), Vec::<String>::new());
}

#[test]
fn the_judge_rejects_the_starting_point() {
    assert!(!judge(siblings).is_empty());
}

/// Exercise 3.2: passes once `siblings` keeps exactly the writes nothing supersedes.
#[test]
#[ignore = "exercise 3.2: run with --ignored once you have solved it"]
fn exercise_3_2() {
    assert_eq!(judge(siblings), Vec::<String>::new());
}
