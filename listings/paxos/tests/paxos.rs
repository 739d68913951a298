//! Paxos checked: safety in every execution of a small system, the planted bugs caught,
//! and safety and cost in the simulator.

use modelcheck::Checker;
use modelcheck::processes::{Faults, Processes};
use paxos::check::{agreement, inputs, system, validity};
use paxos::paxos::{Bug, Paxos, Retry, Setup};
use paxos::simulate::{policy, run, run_mix};
use sim::mixes::Mix;
use sim::{Config, Latency};
use std::time::Duration;

fn check(bug: Option<Bug>, faults: Faults) -> modelcheck::Report<Processes<Paxos>> {
    let proposed = inputs(2);
    Checker::new(&system(3, 2, 1, bug, faults))
        .invariant("agreement", agreement)
        .invariant("validity", move |s| validity(s, &proposed))
        .run()
}

#[test]
fn paxos_is_safe_in_every_execution_of_three_acceptors_and_two_proposers() {
    let report = check(None, Faults::default());
    assert!(report.complete);
    assert!(report.violation.is_none());
    assert!(report.distinct > 100_000);
}

#[test]
fn a_proposer_that_ignores_accepted_values_is_caught() {
    let report = check(Some(Bug::IgnoresAccepted), Faults::default());
    let violation = report.violation.expect("caught");
    assert_eq!(violation.invariant, "agreement");
}

/// About 40 s in release mode: `cargo test --release -p paxos -- --ignored`.
#[test]
#[ignore = "slow: a million states"]
fn an_acceptor_that_forgets_its_promise_is_caught_after_a_restart() {
    let faults = Faults {
        crashes: 1,
        restarts: true,
        crash_below: Some(3),
        ..Faults::default()
    };
    assert!(check(Some(Bug::ForgetsPromise), faults).violation.is_some());
}

#[test]
fn agreement_and_validity_hold_in_every_mix_for_3_5_and_7_acceptors() {
    let leader = policy("leader").expect("a policy");
    for acceptors in [3, 5, 7] {
        for mix in Mix::ALL {
            for seed in 0..20 {
                let run = run_mix(acceptors, leader, mix, seed);
                assert!(
                    run.agreement && run.validity,
                    "{acceptors}, {mix:?}, seed {seed}"
                );
                assert!(run.decided().is_some(), "{acceptors}, {mix:?}, seed {seed}");
            }
        }
    }
}

#[test]
fn a_decision_takes_four_message_delays_and_phase_two_takes_two() {
    for n in [3, 5, 7] {
        let setup = Setup {
            acceptors: n,
            proposers: 1,
            retry: Retry::Never,
            bug: None,
            start: Duration::ZERO,
            quorums: None,
        };
        let mut config = Config::default();
        config.network.latency = Latency::Constant(Duration::from_millis(1));
        let run = run(setup, config, 0);
        let ms = |t: Option<process::Time>| t.expect("a time").as_millis_f64();
        assert_eq!(ms(run.decided()) - ms(run.started), 4.0);
        assert_eq!(ms(run.decided()) - ms(run.phase2), 2.0);
        assert_eq!(run.messages, 4 * n as u64);
    }
}
