//! The judge of exercise 11.1 rejects the starting point and accepts the solution.

use paxos::exercises::{judge, judge_sizes, safe_with, solution};

#[test]
fn the_judge_rejects_the_starting_point_and_accepts_the_solution_where_it_is_quick() {
    // Unsafe sizes are refuted in a few thousand states; (2, 2) is the full 155,463.
    let quick = [(1, 1), (1, 2), (2, 1), (2, 2)];
    assert!(!judge_sizes(safe_with, &quick).is_empty());
    assert_eq!(
        judge_sizes(solution::safe_with, &quick),
        Vec::<String>::new()
    );
}

/// Every size: `cargo test --release -p paxos --test exercises -- --ignored`.
#[test]
#[ignore = "slow in debug builds: nine model checks"]
fn the_judge_accepts_the_solution_on_every_size() {
    assert_eq!(judge(solution::safe_with), Vec::<String>::new());
}

/// Exercise 11.1: `cargo test --release -p paxos --test exercises -- --ignored exercise_11_1`.
#[test]
#[ignore = "exercise 11.1: fill in paxos::exercises::safe_with"]
fn exercise_11_1() {
    let wrong = judge(safe_with);
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
