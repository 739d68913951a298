//! The judge of exercise 10.1 accepts the solution and rejects the starting point.

use abd::exercises::{judge, linearizable_with, solution};

#[test]
fn the_judge_accepts_the_solution() {
    assert_eq!(judge(solution::linearizable_with), Vec::<String>::new());
}

#[test]
fn the_judge_rejects_the_starting_point() {
    assert!(!judge(|n, q, u| q + u >= n).is_empty());
}

/// Exercise 10.1: `cargo test -p abd --test exercises -- --ignored`.
#[test]
#[ignore = "exercise 10.1: fill in abd::exercises::linearizable_with"]
fn exercise_10_1() {
    assert_eq!(judge(linearizable_with), Vec::<String>::new());
}
