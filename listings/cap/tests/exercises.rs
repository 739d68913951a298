//! The judge of exercise 10.1 accepts the solution and rejects the starting point.

use cap::exercises::{judge, proof, solution};

#[test]
fn the_judge_accepts_the_solution() {
    assert_eq!(judge(solution::proof()), Vec::<String>::new());
}

#[test]
fn the_judge_rejects_the_starting_point() {
    assert!(!judge(proof()).is_empty());
}

/// Exercise 10.1: `cargo test -p cap --test exercises -- --ignored`.
#[test]
#[ignore = "exercise 10.1: fill in cap::exercises::proof"]
fn exercise_10_1() {
    let wrong = judge(proof());
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
