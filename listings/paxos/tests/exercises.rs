//! The judge of exercise 11.1 accepts the solution and rejects the starting point.

use paxos::exercises::{judge, safe_with, solution};

#[test]
fn the_judge_accepts_the_solution_and_rejects_the_starting_point() {
    assert_eq!(judge(solution::safe_with), Vec::<String>::new());
    assert!(!judge(safe_with).is_empty());
}

/// Exercise 11.1: `cargo test -p paxos --test exercises -- --ignored`.
#[test]
#[ignore = "exercise 11.1: fill in paxos::exercises::safe_with"]
fn exercise_11_1() {
    let wrong = judge(safe_with);
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
