//! Paxos checked: safety in every execution of a small system, the planted bugs caught,
//! and safety and cost in the simulator.

use modelcheck::processes::{Faults, Processes};
use paxos::check::{safety, system};
use paxos::paxos::{Bug, Paxos, Retry};
use paxos::simulate::{Policy, policy, run_mix};
use sim::mixes::Mix;
use std::time::Duration;

/// At most one crash, of a process numbered below `crash_below`, then restarts.
fn restarts(crash_below: usize) -> Faults {
    Faults {
        crashes: 1,
        restarts: true,
        crash_below: Some(crash_below),
        ..Faults::default()
    }
}

fn check(bug: Option<Bug>, faults: Faults) -> modelcheck::Report<Processes<Paxos>> {
    safety(&system(3, 2, 1, bug, faults)).run()
}

#[test]
fn paxos_is_safe_in_every_execution_of_three_acceptors_and_two_proposers() {
    let report = check(None, Faults::default());
    assert!(report.complete);
    assert!(report.violation.is_none());
    assert!(report.unreached.is_empty(), "no value is ever chosen");
    assert!(report.proved());
}

/// A check with no proposer passes every invariant, and proves nothing: the witness that
/// a value is chosen is missing, and the report says so.
#[test]
fn a_check_in_which_nothing_is_ever_chosen_is_reported_vacuous() {
    let report = safety(&system(3, 0, 1, None, Faults::default())).run();
    assert!(report.complete && report.violation.is_none());
    assert_eq!(report.unreached, ["a value is chosen"]);
    assert!(!report.proved());
    assert!(report.caveat().is_some_and(|c| c.starts_with("VACUOUS")));
}

#[test]
fn a_proposer_that_ignores_accepted_values_is_caught() {
    let report = check(Some(Bug::IgnoresAccepted), Faults::default());
    let violation = report.violation.expect("caught");
    assert_eq!(violation.invariant, "agreement");
}

#[test]
fn a_learner_that_learns_from_one_acceptance_is_caught() {
    let report = check(Some(Bug::HastyLearner), Faults::default());
    assert_eq!(report.violation.expect("caught").invariant, "learning");
}

#[test]
fn an_acceptor_that_forgets_its_promise_is_caught_after_a_restart() {
    let faults = restarts(3);
    let violation = check(Some(Bug::ForgetsPromise), faults).violation;
    assert_eq!(violation.expect("caught").invariant, "agreement");
}

#[test]
fn agreement_and_validity_hold_in_every_mix_for_3_5_and_7_acceptors() {
    for name in Policy::ALL {
        let retry = policy(name);
        for acceptors in [3, 5, 7] {
            for mix in Mix::ALL {
                for seed in 0..20 {
                    let run = run_mix(acceptors, retry, mix, None, seed);
                    let at = format!("{name:?}, {acceptors}, {mix:?}, seed {seed}");
                    assert!(run.agreement && run.validity, "{at}");
                    // Only Ω's leader is sure to decide: eager proposers wait for lost
                    // answers for ever.
                    assert!(name != Policy::Leader || run.decided().is_some(), "{at}");
                }
            }
        }
    }
}

#[test]
fn a_decision_takes_four_message_delays_and_phase_two_takes_two() {
    for n in [3, 5, 7] {
        let run = paxos::simulate::one_proposer(n);
        let ms = |t: Option<process::Time>| t.expect("a time").as_millis_f64();
        assert_eq!(ms(run.decided()) - ms(run.started), 4.0);
        assert_eq!(ms(run.decided()) - ms(run.phase2), 2.0);
        assert_eq!(run.messages, 4 * n as u64);
    }
}

/// About 20 s in release mode: `cargo test --release -p paxos -- --ignored`.
#[test]
#[ignore = "slow: 590,573 renamed states"]
fn two_eager_proposers_duel_for_ever_in_a_fair_execution() {
    let duel = paxos::duel::find(2, 2).expect("complete").expect("a duel");
    assert!(duel.fair);
    assert_eq!(duel.raise, Some(4));
    let decided = |(_, s): &(_, modelcheck::processes::Global<Paxos>)| {
        s.all_outputs().any(|o| !o.is_empty())
    };
    assert!(!duel.trace.iter().any(decided));
}

#[test]
fn after_gst_the_leader_decides_within_its_timer_and_four_delays() {
    let Retry::Leader { after, .. } = policy(Policy::Leader) else {
        panic!("the leader policy");
    };
    let gst = Duration::from_millis(100);
    let bound = gst + after + 4 * paxos::simulate::DELAY.1;
    for seed in 0..50 {
        let run = paxos::simulate::run_gst(3, policy(Policy::Leader), gst, seed);
        let decided = run.decided().expect("decided");
        assert!(run.agreement && run.validity);
        assert!(
            decided <= process::Time::ZERO + bound,
            "seed {seed}: {decided:?}"
        );
    }
}

#[test]
fn a_proposer_that_adopts_the_lowest_accepted_value_is_caught_by_the_simulator() {
    let backoff = policy(Policy::Backoff);
    let caught = (0..200).any(|seed| {
        let run = run_mix(3, backoff, Mix::Latency, Some(Bug::LowestAccepted), seed);
        !run.agreement
    });
    assert!(caught);
}

/// What the invariants read in every reachable state: the values chosen and each
/// process's outputs.
type Seen = std::collections::BTreeSet<(Vec<u32>, Vec<Vec<u32>>)>;

/// Checks `system` for safety, recording what the invariants read.
fn observe<S>(system: &S, symmetry: bool) -> (Option<String>, usize, Seen)
where
    S: modelcheck::System<State = modelcheck::processes::Global<Paxos>>,
{
    let seen = std::sync::Mutex::new(Seen::new());
    let report = paxos::check::safety_of(system, 2)
        .invariant("records", |s| {
            let chosen = paxos::check::chosen_in(s).into_iter().collect();
            seen.lock().unwrap().insert((
                chosen,
                s.all_outputs().map(<[_]>::to_vec).collect::<Vec<_>>(),
            ));
            true
        })
        .symmetry(symmetry)
        .run();
    assert!(report.complete || report.violation.is_some());
    let bad = report.violation.map(|v| v.invariant);
    (bad, report.distinct, seen.into_inner().unwrap())
}

#[test]
fn with_interchangeable_acceptors_the_checker_sees_what_it_sees_without() {
    // The planted bugs that one ballot each shows without a restart.
    let bugs = [None, Some(Bug::IgnoresAccepted), Some(Bug::HastyLearner)];
    for bug in bugs {
        let faults = Faults::default();
        let full = observe(&system(3, 2, 1, bug, faults), false);
        let reduced =
            observe(&paxos::check::symmetric(system(3, 2, 1, bug, faults)), true);
        assert_eq!(reduced.0, full.0, "{bug:?}: the same verdict");
        if full.0.is_none() {
            assert_eq!(reduced.2, full.2, "{bug:?}: the same values read");
            assert!(
                3 * reduced.1 < full.1,
                "{bug:?}: {} of {} states",
                reduced.1,
                full.1
            );
        }
    }
}

#[test]
fn dropping_dead_messages_changes_no_verdict_and_nothing_the_invariants_read() {
    use Bug::*;
    // (acceptors, proposers, ballots each, faults, bugs): small enough to keep every
    // message, each with the planted bugs it can show.
    for (acceptors, proposers, ballots, faults, bugs) in [
        (
            3,
            2,
            1,
            Faults::default(),
            vec![IgnoresAccepted, HastyLearner],
        ),
        (2, 2, 1, restarts(2), vec![ForgetsPromise]),
        (2, 2, 2, Faults::default(), vec![]),
        (2, 1, 2, restarts(2), vec![ForgetsPromise]),
        (2, 1, 2, restarts(3), vec![]), // the proposer may crash too
    ] {
        for bug in std::iter::once(None).chain(bugs.into_iter().map(Some)) {
            let dropped = system(acceptors, proposers, ballots, bug, faults);
            let kept =
                system(acceptors, proposers, ballots, bug, faults).keeping_dead(true);
            let (with, without) = (observe(&dropped, false), observe(&kept, false));
            let at = format!("{acceptors}/{proposers}/{ballots}, {faults:?}, {bug:?}");
            assert_eq!(with.0, without.0, "{at}: the same verdict");
            if with.0.is_none() {
                assert_eq!(with.2, without.2, "{at}: the same values read");
                assert!(with.1 < without.1, "{at}: fewer states");
            }
        }
    }
}

#[test]
fn two_ballots_each_put_highest_numbered_to_the_test() {
    // With one ballot each, no proposer ever hears of two accepted proposals, and the
    // proposer that adopts the lowest is not caught; with two, it is.
    let lowest = Some(Bug::LowestAccepted);
    let one = safety(&system(3, 2, 1, lowest, Faults::default())).run();
    assert!(one.proved());
    let two = paxos::check::symmetric(system(3, 2, 2, lowest, Faults::default()));
    let report = paxos::check::safety_of(&two, 2).symmetry(true).run();
    assert_eq!(report.violation.expect("caught").invariant, "agreement");
}

#[test]
fn the_reduced_search_reads_what_the_full_search_reads() {
    use modelcheck::checker::reduction::compare;
    let restarts = restarts(2);
    let loss = Faults {
        loss: true,
        ..Faults::default()
    };
    // Small configurations, so that both searches finish in the test's time.
    for (acceptors, proposers, faults) in [
        (2, 1, Faults::default()),
        (3, 1, Faults::default()),
        (2, 2, Faults::default()),
        (2, 1, loss),
        (2, 1, restarts),
    ] {
        for bug in [None, Some(Bug::IgnoresAccepted), Some(Bug::HastyLearner)] {
            // Dead messages kept, as the reduced search needs.
            let system = system(acceptors, proposers, 1, bug, faults).keeping_dead(true);
            let c = compare(
                || safety(&system),
                &paxos::check::view,
                |s| {
                    (
                        paxos::check::chosen_in(s),
                        s.all_outputs().map(<[_]>::to_vec).collect::<Vec<_>>(),
                    )
                },
            );
            let at = format!(
                "{acceptors} acceptors, {proposers} proposers, {faults:?}, {bug:?}"
            );
            assert!(c.agree(), "{at}");
            assert!(c.reduced.report.distinct <= c.full.distinct, "{at}");
        }
    }
}

#[test]
fn the_planted_bugs_are_caught_with_the_reduction() {
    let restarts = restarts(3);
    for (bug, faults, invariant) in [
        (Bug::IgnoresAccepted, Faults::default(), "agreement"),
        (Bug::HastyLearner, Faults::default(), "learning"),
        (Bug::ForgetsPromise, restarts, "agreement"),
    ] {
        // Dead messages kept, as the reduced search needs.
        let kept = system(3, 2, 1, Some(bug), faults).keeping_dead(true);
        let reduced = safety(&kept).run_reduced(&paxos::check::view);
        let violation = reduced.report.violation.expect("caught");
        assert_eq!(violation.invariant, invariant, "{bug:?}");
    }
}

/// The acceptors of a system interchangeable, each state's representative chosen the slow
/// way: every renaming of the acceptors tried, the least fingerprint kept.
struct EveryRenaming(modelcheck::processes::Interchangeable<Paxos>);

impl modelcheck::System for EveryRenaming {
    type State = modelcheck::processes::Global<Paxos>;
    type Action = modelcheck::processes::Step<Paxos>;

    fn initial(&self) -> Vec<Self::State> {
        self.0.initial()
    }

    fn successors(
        &self,
        state: &Self::State,
        out: &mut Vec<(Self::Action, Self::State)>,
    ) {
        self.0.successors(state, out);
    }

    fn canonical(&self, state: &Self::State) -> Self::State {
        let orders = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        (orders.iter())
            .map(|o| {
                modelcheck::processes::renamed(state, &[o[0], o[1], o[2], 3, 4], false)
            })
            .min_by_key(modelcheck::checker::fingerprint)
            .expect("six renamings")
    }
}

#[test]
fn keys_give_one_representative_per_class_as_trying_every_renaming_does() {
    let restarts = restarts(3);
    for faults in [Faults::default(), restarts] {
        let keys = observe(
            &paxos::check::symmetric(system(3, 2, 1, None, faults)),
            true,
        );
        let every = observe(
            &EveryRenaming(paxos::check::symmetric(system(3, 2, 1, None, faults))),
            true,
        );
        assert_eq!(keys.1, every.1, "{faults:?}: the same number of classes");
        assert_eq!(keys.2, every.2, "{faults:?}: the same values read");
    }
}

/// Paxos's promises to ignore (Listing 11.6) checked where the checker can check them: in
/// every state a search with dead messages kept reaches, delivering a message called dead
/// changes nothing but the network, and no step that leaves its receiver running makes it
/// live again.
#[test]
fn paxos_keeps_its_promises_to_ignore_in_every_state_reached() {
    use modelcheck::processes::broken_promise;
    let (restarts, restarts_3) = (restarts(2), restarts(3));
    // (acceptors, proposers, ballots each, faults, bug, bound of states).
    for (acceptors, proposers, ballots, faults, bug, bound) in [
        (3, 2, 1, Faults::default(), None, None),
        (2, 2, 1, restarts, None, None),
        (2, 2, 1, restarts, Some(Bug::ForgetsPromise), None),
        (2, 1, 2, restarts, None, None),
        (2, 1, 2, restarts_3, None, None), // the proposer may crash too
        (
            3,
            2,
            2,
            Faults::default(),
            Some(Bug::LowestAccepted),
            Some(20_000),
        ),
    ] {
        let kept = system(acceptors, proposers, ballots, bug, faults).keeping_dead(true);
        let checker = modelcheck::Checker::new(&kept).invariant("promises kept", |s| {
            let broken = broken_promise(&kept, s);
            assert_eq!(broken, None, "{acceptors}/{proposers}/{ballots} {bug:?}");
            true
        });
        let report = match bound {
            Some(states) => checker.max_states(states).run(),
            None => checker.run(),
        };
        assert!(report.complete || bound.is_some());
    }
}
