//! The judge of exercise 9.1 accepts the solution and rejects the starting point.

use abd::exercises::{judge, linearizable_with, solution};

#[test]
fn the_judge_accepts_the_solution() {
    assert_eq!(judge(solution::linearizable_with), Vec::<String>::new());
}

#[test]
fn the_judge_rejects_the_starting_point_and_a_near_miss() {
    assert!(!judge(linearizable_with).is_empty());
    assert!(!judge(|n, q, u| q + u >= n).is_empty());
}

/// Exercise 9.1: `cargo test -p abd --test exercises -- --ignored`.
#[test]
#[ignore = "exercise 9.1: fill in abd::exercises::linearizable_with"]
fn exercise_9_1() {
    let wrong = judge(linearizable_with);
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
