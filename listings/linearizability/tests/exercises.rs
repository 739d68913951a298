//! The judge of exercise 4.1 accepts the solution and rejects the starting point.

use linearizability::exercises::{Queue, judge, solution::SolvedQueue};

#[test]
fn the_judge_accepts_the_solution() {
    assert_eq!(judge(&SolvedQueue), Vec::<String>::new());
}

#[test]
fn the_judge_rejects_the_starting_point() {
    assert!(!judge(&Queue).is_empty());
}

/// Exercise 4.1: passes once `Queue::step` is the specification of a FIFO queue.
#[test]
#[ignore = "exercise 4.1: run with --ignored once you have solved it"]
fn exercise_4_1() {
    assert_eq!(judge(&Queue), Vec::<String>::new());
}
