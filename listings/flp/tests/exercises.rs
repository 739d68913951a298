//! The judge of exercise 7.1 rejects the starting point and accepts the solution.

use flp::exercises::{judge, rule, solution};

#[test]
fn the_judge_rejects_the_starting_point_and_accepts_the_solution() {
    assert!(judge(rule).is_err());
    assert_eq!(judge(solution::rule), Ok("blocked"));
    // A rule that never decides is safe, and not partially correct.
    assert_eq!(judge(|_, _| None), Err("no run decides 0".to_owned()));
}

/// Exercise 7.1: `cargo test --release -p flp --test exercises -- --ignored exercise_7_1`.
#[test]
#[ignore = "exercise 7.1: change flp::exercises::rule"]
fn exercise_7_1() {
    if let Err(why) = judge(rule) {
        panic!("not yet: {why}");
    }
}
