//! The judge of exercise 5.1 accepts the solution and rejects the starting point.

use modelcheck::exercises::{judge, solution, votes_counted};

#[test]
fn the_judge_accepts_the_solution() {
    assert_eq!(judge(solution::votes_counted), Vec::<String>::new());
}

#[test]
fn the_judge_rejects_the_starting_point() {
    assert!(!judge(votes_counted).is_empty());
}

/// Exercise 5.1: passes once `votes_counted` catches the hasty TM as it decides.
#[test]
#[ignore = "exercise 5.1: run with --ignored once you have solved it"]
fn exercise_5_1() {
    assert_eq!(judge(votes_counted), Vec::<String>::new());
}
