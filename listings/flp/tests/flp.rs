//! The FLP proof run against each protocol ends where the theorem says it must.

use flp::adversary::{Bounds, Outcome, run, valences};
use flp::protocols::Protocol;
use flp::protocols::Voter;
use flp::valence::decided;
use modelcheck::Checker;
use modelcheck::processes::{Envelope, Global, Processes, Step};
use std::collections::BTreeSet;
use std::sync::Mutex;

const BOUNDS: Bounds = Bounds {
    rounds: u32::MAX,
    valence: 20_000,
    schedules: 200,
};

#[test]
fn deciding_on_n_minus_1_votes_breaks_agreement() {
    let Outcome::Unsafe { invariant, run } = run(Protocol::MajorityOfRest, 3, 6, BOUNDS)
    else {
        panic!("majority-of-rest is not safe");
    };
    assert_eq!(invariant, "agreement");
    assert_eq!(run.len() - 1, 2);
}

#[test]
fn waiting_for_everyone_or_for_a_coordinator_blocks_on_one_crash() {
    for (protocol, blocker) in [(Protocol::WaitForAll, 0), (Protocol::Coordinator, 0)] {
        let Outcome::Blocked {
            zero, one, p, run, ..
        } = run(protocol, 3, 6, BOUNDS)
        else {
            panic!("{protocol:?} blocks");
        };
        assert_eq!(p, blocker);
        assert_eq!(zero.iter().zip(&one).filter(|(a, b)| a != b).count(), 1);
        assert!(run.iter().all(|(_, c)| !decided(c, 0) && !decided(c, 1)));
        assert!(
            run.last().expect("a run").1.network().len() == 0,
            "every message received"
        );
    }
}

#[test]
fn the_valences_of_the_blocking_protocols_are_their_decision_functions() {
    for (inputs, valence) in valences(Protocol::WaitForAll, 3, BOUNDS) {
        let majority = u8::from(inputs.iter().filter(|&&b| b == 1).count() >= 2);
        assert_eq!(valence.univalent(), Some(majority), "{inputs:?}");
    }
    for (inputs, valence) in valences(Protocol::Coordinator, 3, BOUNDS) {
        assert_eq!(valence.univalent(), Some(inputs[0]), "{inputs:?}");
    }
}

#[test]
fn the_adversary_keeps_deterministic_rounds_bivalent_in_an_admissible_run() {
    let Outcome::Undecided { stages, run, .. } = run(Protocol::Rounds, 3, 12, BOUNDS)
    else {
        panic!("the adversary keeps rounds undecided");
    };
    assert_eq!(stages.len(), 12);
    assert!(run.iter().all(|(_, c)| !decided(c, 0) && !decided(c, 1)));
    // The order of sending, rebuilt from the run itself: the initial messages by sender
    // and then destination, then each step's new messages by round, kind and destination.
    let mut sent: Vec<Envelope<Voter>> = run[0].1.network().cloned().collect();
    sent.sort_by_key(|e| (e.from, e.to));
    for i in 1..run.len() {
        let mut kept: Vec<_> = run[i - 1].1.network().cloned().collect();
        if let Some(Step::Deliver(e, _)) = &run[i].0 {
            kept.remove(kept.iter().position(|k| k == e).expect("in flight"));
        }
        let mut new: Vec<_> = run[i].1.network().cloned().collect();
        for e in &kept {
            new.remove(new.iter().position(|k| k == e).expect("still in flight"));
        }
        new.sort_by_key(|e| (e.message.order(), e.to));
        sent.extend(new);
    }
    let order = |e: &Envelope<Voter>| sent.iter().position(|s| s == e).expect("sent");
    // Each stage ends with the head of the process queue receiving the earliest message
    // to it of those in flight when the stage began, or nothing if there was none.
    let mut at = 0;
    for (i, stage) in stages.iter().enumerate() {
        let p = i % 3;
        assert_eq!(stage.process, p, "the queue turns");
        let earliest = run[at]
            .1
            .network()
            .filter(|e| e.to == p)
            .min_by_key(|e| order(e))
            .cloned();
        at += stage.before + 1;
        match (&run[at].0, earliest) {
            (Some(Step::Deliver(delivered, _)), Some(earliest)) => {
                assert_eq!(*delivered, earliest, "stage {}", i + 1);
            }
            (_, None) => assert!(stage.oldest.is_none(), "stage {}", i + 1),
            (step, Some(_)) => panic!("stage {} ends with {step:?}", i + 1),
        }
    }
}

#[test]
fn the_adversary_says_when_its_bounds_are_too_small() {
    let tiny = Bounds {
        valence: 3,
        ..BOUNDS
    };
    assert!(matches!(
        run(Protocol::Rounds, 3, 6, tiny),
        Outcome::Stuck { .. }
    ));
}

#[test]
fn ben_or_decides_safely_on_every_seed() {
    for (n, f) in [(3, 1), (5, 2)] {
        for seed in 0..200 {
            let run = flp::escapes::ben_or(n, f, seed, |_| ());
            assert!(run.agreement && run.validity, "n {n}, seed {seed}");
            assert!(run.rounds.is_some(), "n {n}, seed {seed}");
        }
    }
}

#[test]
fn the_rotating_coordinator_is_safe_in_every_run_of_two_rounds_while_the_detector_lies() {
    for rounds in [1, 2] {
        let report = flp::coordinator::check(rounds, None, 3_000_000);
        assert!(report.proved(), "{rounds} rounds");
    }
}

#[test]
fn a_coordinator_that_ignores_timestamps_is_caught_in_two_rounds_not_one() {
    let bug = Some(flp::coordinator::Bug::IgnoresTimestamps);
    assert!(flp::coordinator::check(1, bug, 3_000_000).proved());
    let report = flp::coordinator::check(2, bug, 3_000_000);
    assert_eq!(report.violation.expect("caught").invariant, "agreement");
}

#[test]
fn rounds_and_ben_or_are_safe_over_two_rounds_of_every_coin_and_delivery_order() {
    for protocol in [Protocol::Rounds, Protocol::BenOr] {
        let report = flp::adversary::safety(protocol, 3, 2, |_| ());
        assert!(report.proved(), "{}", protocol.name());
    }
}

#[test]
fn ben_or_proposing_on_a_majority_of_the_reports_received_is_caught_in_two_rounds_not_one()
 {
    let bug = |p: &mut Voter| p.majority_of_received = true;
    assert!(flp::adversary::safety(Protocol::BenOr, 3, 1, bug).proved());
    let report = flp::adversary::safety(Protocol::BenOr, 3, 2, bug);
    assert_eq!(report.violation.expect("caught").invariant, "agreement");
}

#[test]
fn the_rotating_coordinator_decides_safely_once_the_detector_or_the_network_stabilizes() {
    use flp::coordinator::Detector;
    use std::time::Duration;
    let stable = process::Time::from_millis(100);
    let oracle = Detector::Oracle {
        stable,
        crashed: Vec::new(),
    };
    let timeout = Detector::Timeout {
        first: Duration::from_millis(4),
    };
    for detector in [oracle, timeout] {
        for seed in 0..100 {
            let run = flp::escapes::rotating(
                3,
                1,
                (&detector, Duration::from_millis(1)),
                None,
                stable,
                seed,
            );
            assert!(run.agreement && run.validity, "{detector:?}, seed {seed}");
            assert!(run.decided.is_some(), "{detector:?}, seed {seed}");
        }
    }
}

#[test]
fn the_model_checker_finds_a_lasso_of_rounds_in_which_nobody_ever_decides() {
    let found = flp::lasso::find(&[0, 1, 1], 3, 10_000)
        .expect("small")
        .expect("a lasso");
    assert!(found.repeats && found.admissible && found.raise > 0);
    assert!(
        found
            .run
            .iter()
            .all(|(_, s)| s.all_outputs().all(|o| o.is_empty()))
    );
    // From a 0-valent configuration every schedule of this kind decides: the search can
    // answer no.
    assert!(
        flp::lasso::find(&[0, 0, 1], 1, 10_000)
            .expect("small")
            .is_none()
    );
}

#[test]
fn ben_or_proposing_on_a_majority_of_the_reports_received_is_caught() {
    let caught = (0..50).any(|seed| {
        let run = flp::escapes::ben_or(5, 2, seed, |p| p.majority_of_received = true);
        !run.agreement
    });
    assert!(caught);
}

#[test]
fn a_coordinator_that_takes_silence_for_consent_is_caught_before_gst() {
    use flp::coordinator::{Bug, Detector};
    use std::time::Duration;
    let gst = process::Time::from_millis(100);
    let timeout = Detector::Timeout {
        first: Duration::from_millis(1),
    };
    let delay = Duration::from_millis(1);
    let caught = (0..50).any(|seed| {
        let run = flp::escapes::rotating(
            3,
            1,
            (&timeout, delay),
            Some(Bug::SilenceIsConsent),
            gst,
            seed,
        );
        !run.agreement
    });
    assert!(caught);
}

#[test]
fn every_escape_is_safe_under_every_mix_and_decides_inside_the_model() {
    use flp::escapes::{Escape, mixed};
    use sim::mixes::Mix;
    for escape in [Escape::BenOr, Escape::Oracle, Escape::Timeout] {
        for mix in [Mix::Clean, Mix::Reordering, Mix::Latency, Mix::Crashes] {
            for seed in 0..20 {
                let run = mixed(escape, mix, 5, seed);
                assert!(run.safe && run.decided, "{escape:?}, {mix:?}, seed {seed}");
            }
        }
        for mix in [Mix::Loss, Mix::Partition] {
            for seed in 0..20 {
                assert!(mixed(escape, mix, 5, seed).safe, "{escape:?}, {mix:?}");
            }
        }
    }
}

#[test]
fn a_coordinator_that_ignores_timestamps_is_caught_by_the_simulator_with_timeouts() {
    use flp::coordinator::{Bug, Detector};
    use std::time::Duration;
    let timeout = Detector::Timeout {
        first: Duration::from_millis(1),
    };
    let delay = Duration::from_millis(1);
    let gst = process::Time::from_millis(100);
    let caught = (0..200).any(|seed| {
        let bug = Some(Bug::IgnoresTimestamps);
        !flp::escapes::rotating(3, 1, (&timeout, delay), bug, gst, seed).agreement
    });
    assert!(caught);
}

/// What the invariants read, over every state `system` reaches: the verdict of agreement,
/// the states, and each reachable vector of decisions.
fn observe<P>(system: &Processes<P>) -> (bool, usize, BTreeSet<Vec<Vec<u8>>>)
where
    P: process::Process<Output = u8>,
{
    let seen = Mutex::new(BTreeSet::new());
    let report = Checker::new(system)
        .invariant("agreement", |s: &Global<P>| {
            let decisions = s.all_outputs().map(<[_]>::to_vec).collect();
            seen.lock().unwrap().insert(decisions);
            flp::protocols::agree(s.all_outputs().flatten())
        })
        .run();
    assert!(report.complete || report.violation.is_some());
    let agreed = report.violation.is_none();
    (agreed, report.distinct, seen.into_inner().unwrap())
}

#[test]
fn dropping_ignored_messages_changes_no_verdict_and_no_decisions_reached() {
    use flp::coordinator::{Bug, system as coordinator};
    use flp::valence::system as rounds;
    fn compare<P: process::Process<Output = u8>>(
        make: impl Fn() -> Processes<P>,
        at: &str,
    ) {
        let (agreed, states, seen) = observe(&make().keeping_dead(true));
        let (dropped_agreed, dropped_states, dropped_seen) =
            observe(&make().keeping_dead(false));
        assert_eq!(agreed, dropped_agreed, "{at}: the same verdict");
        if agreed {
            assert_eq!(seen, dropped_seen, "{at}: the same decisions reached");
            assert!(dropped_states < states, "{at}: fewer states");
        }
    }
    for bug in [None, Some(Bug::IgnoresTimestamps)] {
        compare(|| coordinator(1, bug), &format!("coordinator, {bug:?}"));
    }
    for (protocol, inputs, crashes) in [
        (Protocol::Rounds, [0, 1, 1], 1),
        (Protocol::BenOr, [0, 1, 1], 0),
        (Protocol::BenOr, [0, 0, 1], 1),
    ] {
        let at = format!("{} {inputs:?}, {crashes} crash", protocol.name());
        compare(|| rounds(protocol, &inputs, 1, crashes), &at);
    }
    let broken = || {
        let mut s = rounds(Protocol::BenOr, &[0, 1, 1], 2, 0);
        s.initial
            .iter_mut()
            .for_each(|p| p.majority_of_received = true);
        s
    };
    compare(broken, "Ben-Or, majority of the received, 2 rounds");
}

/// The rounds' promises to ignore ([`process::Process::ignores`]) hold in every state
/// reached: delivering a message called dead changes nothing but the network, and no
/// step makes it live again.
#[test]
fn the_protocols_in_rounds_keep_their_promises_to_ignore() {
    use modelcheck::processes::broken_promise;
    fn kept<P: process::Process>(system: &Processes<P>, bound: usize) {
        let report = Checker::new(system)
            .invariant("promises kept", |s| {
                assert_eq!(broken_promise(system, s), None);
                true
            })
            .max_states(bound)
            .run();
        assert!(report.violation.is_none());
    }
    for bug in [None, Some(flp::coordinator::Bug::IgnoresTimestamps)] {
        kept(&flp::coordinator::system(2, bug).keeping_dead(true), 50_000);
    }
    for protocol in [Protocol::Rounds, Protocol::BenOr] {
        kept(&flp::valence::system(protocol, &[0, 1, 1], 2, 1), 50_000);
    }
}
