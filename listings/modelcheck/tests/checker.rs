//! The checker finds what it should, reports what it covered, and its options agree.

use modelcheck::commit::{consistent as commit_consistent, managers};
use modelcheck::lasso;
use modelcheck::preemption::{ACCEPTOR, Node, nodes};
use modelcheck::processes::{Faults, Global, Processes};
use modelcheck::two_phase::{Rm, TwoPhase, consistent};
use modelcheck::{Checker, Search, Stop, System};
use std::time::Duration;

fn two_phase(rms: usize, bug: bool) -> TwoPhase {
    TwoPhase {
        rms,
        commits_without_all_votes: bug,
    }
}

#[test]
fn the_planted_bug_is_found_with_a_shortest_trace() {
    let system = two_phase(3, true);
    let report = Checker::new(&system)
        .invariant("TCConsistent", |s| consistent(&system, s))
        .run();
    let violation = report.violation.expect("the bug is found");
    assert_eq!(violation.invariant, "TCConsistent");
    // Prepare, the TM records the vote, commits, one RM commits, another aborts.
    assert_eq!(violation.trace.len() - 1, 5);
    assert!(!consistent(&system, &violation.trace.last().unwrap().1));
}

#[test]
fn depth_first_and_breadth_first_reach_the_same_states() {
    for rms in 1..=5 {
        let system = two_phase(rms, false);
        let bfs = Checker::new(&system).run();
        let dfs = Checker::new(&system).search(Search::DepthFirst).run();
        assert_eq!(bfs.distinct, dfs.distinct, "{rms} RMs");
        assert_eq!(bfs.generated, dfs.generated, "{rms} RMs");
    }
}

#[test]
fn symmetry_shrinks_the_state_space_without_changing_verdicts() {
    for rms in 2..=6 {
        for bug in [false, true] {
            let system = two_phase(rms, bug);
            let check = |symmetry| {
                Checker::new(&system)
                    .invariant("TCConsistent", |s| consistent(&system, s))
                    .symmetry(symmetry)
                    .run()
            };
            let (plain, reduced) = (check(false), check(true));
            assert!(reduced.distinct < plain.distinct || bug, "{rms} RMs");
            assert_eq!(
                plain.violation.is_some(),
                reduced.violation.is_some(),
                "{rms} RMs, bug {bug}"
            );
        }
    }
}

#[test]
fn bounds_say_what_they_left_out() {
    let system = two_phase(4, false);
    let full = Checker::new(&system).run();
    assert!(full.complete);
    let shallow = Checker::new(&system).max_depth(5).run();
    assert!(!shallow.complete && shallow.distinct < full.distinct && shallow.depth == 5);
    let few = Checker::new(&system).max_states(100).run();
    assert!(!few.complete && few.distinct == 100);
}

#[test]
fn two_phase_commit_as_processes_is_consistent_even_on_a_faulty_network() {
    let faults = Faults {
        loss: true,
        duplication: true,
        ..Faults::default()
    };
    let system = Processes::new(managers(3, false), faults);
    let report = Checker::new(&system)
        .invariant("consistent", |s| {
            commit_consistent(&s.all_outputs().collect::<Vec<_>>())
        })
        .run();
    assert!(report.complete && report.violation.is_none());
    let hasty = Processes::new(managers(3, true), Faults::default());
    let caught = Checker::new(&hasty)
        .invariant("consistent", |s| {
            commit_consistent(&s.all_outputs().collect::<Vec<_>>())
        })
        .run();
    assert!(caught.violation.is_some());
}

fn accepted(s: &Global<Node>) -> bool {
    matches!(
        s.process(ACCEPTOR),
        Node::Acceptor {
            accepted: Some(_),
            ..
        }
    )
}

#[test]
fn pre_emption_is_safe_but_has_a_fair_lasso() {
    let system = Processes::new(nodes(), Faults::default());
    let report = Checker::new(&system)
        .invariant("one accepted", |s| s.outputs(ACCEPTOR).len() <= 1)
        .run();
    assert!(report.violation.is_none());
    let found = lasso::find(&system, accepted, 10_000)
        .unwrap()
        .expect("a lasso");
    // The loop returns to where it started, and nothing on it is ever accepted.
    assert_eq!(
        found.cycle.last().unwrap().1,
        found.prefix.last().unwrap().1
    );
    assert!(found.cycle.iter().all(|(_, s)| !accepted(s)));
    // With one proposer there is nobody to pre-empt it: every fair execution accepts.
    let alone = Processes::new(
        vec![
            nodes()[0].clone(),
            Node::Proposer { done: true },
            nodes()[2].clone(),
        ],
        Faults::default(),
    );
    assert!(lasso::find(&alone, accepted, 10_000).unwrap().is_none());
}

/// A counter that never stops: every search of it must end at a bound, and say which.
struct Forever;

impl System for Forever {
    type State = u64;
    type Action = ();
    fn initial(&self) -> Vec<u64> {
        vec![0]
    }
    fn successors(&self, state: &u64, into: &mut Vec<((), u64)>) {
        into.push(((), state + 1));
    }
}

#[test]
fn an_endless_system_stops_at_each_bound_and_says_which() {
    let by_states = Checker::new(&Forever).max_states(1_000).run();
    assert_eq!(by_states.stopped, Some(Stop::States(1_000)));
    assert!(!by_states.complete && by_states.caveat().is_some());
    let by_depth = Checker::new(&Forever).max_depth(10).run();
    assert_eq!(by_depth.stopped, Some(Stop::Depth(10)));
    assert_eq!(by_depth.distinct, 10);
    let by_time = Checker::new(&Forever)
        .max_time(Duration::from_millis(50))
        .max_states(usize::MAX)
        .run();
    assert_eq!(by_time.stopped, Some(Stop::Time(Duration::from_millis(50))));
}

#[test]
fn a_sometimes_property_is_reported_unreached_only_if_no_state_has_it() {
    let report = Checker::new(&two_phase(2, false))
        .sometimes("an RM commits", |s| s.rm(0) == Rm::Committed)
        .sometimes("never", |_| false)
        .run();
    assert!(report.complete);
    assert_eq!(report.unreached, ["never"]);
    assert!(!report.proved());
    assert!(
        report
            .caveat()
            .is_some_and(|c| c.contains("VACUOUS: no reachable state has never"))
    );
}
