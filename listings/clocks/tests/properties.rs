//! The clocks' theorems, property-tested over random executions of the simulator, against
//! happened-before computed from each trace with no clock at all.

// Events are compared pairwise, by index.
#![allow(clippy::needless_range_loop)]

use clocks::causality::Causality;
use clocks::gossip::{MICROSECOND, simulate};
use proptest::prelude::*;
use proptest::test_runner::{Config as Runner, TestCaseError, TestRunner};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use sim::Clock;
use std::time::Duration;

/// A random execution: processes, events each, the largest drift and offset (µs), and a
/// seed.
type Execution = (usize, u32, f64, i64, u64);

/// Random executions.
fn executions() -> impl Strategy<Value = Execution> {
    (
        2usize..=5,
        1u32..=12,
        0.0f64..0.05,
        0i64..5_000,
        any::<u64>(),
    )
}

fn execute(
    n: usize,
    events: u32,
    drift: f64,
    offset: i64,
    seed: u64,
) -> (Causality, Vec<Clock>, Vec<(process::Time, usize)>) {
    execute_with(n, events, drift, offset, seed, MICROSECOND)
}

/// The same, with physical clocks that tick every `resolution`.
fn execute_with(
    n: usize,
    events: u32,
    drift: f64,
    offset: i64,
    seed: u64,
    resolution: Duration,
) -> (Causality, Vec<Clock>, Vec<(process::Time, usize)>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let clocks = clocks::gossip::random_clocks(n, drift, offset, &mut rng);
    let sim = simulate(n, events, clocks.clone(), seed, resolution);
    let times = sim.outputs().iter().map(|(t, p, _)| (*t, *p)).collect();
    (Causality::of(sim.trace(), n), clocks, times)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(1),
        ..ProptestConfig::default()
    })]

    /// Lamport 1978: if a → b then C(a) < C(b).
    #[test]
    fn lamport_clocks_satisfy_the_clock_condition((n, events, drift, offset, seed) in executions()) {
        let (c, _, _) = execute(n, events, drift, offset, seed);
        for b in 0..c.events.len() {
            for a in 0..c.events.len() {
                if c.happened_before(a, b) {
                    prop_assert!(c.events[a].1.lamport < c.events[b].1.lamport, "{a} -> {b}");
                }
            }
        }
    }

    /// Fidge 1988, Mattern 1989: a → b if and only if V(a) < V(b).
    #[test]
    fn vector_clocks_characterize_happened_before((n, events, drift, offset, seed) in executions()) {
        let (c, _, _) = execute(n, events, drift, offset, seed);
        for b in 0..c.events.len() {
            for a in 0..c.events.len() {
                let before = c.events[a].1.vector < c.events[b].1.vector;
                prop_assert_eq!(c.happened_before(a, b), before, "events {} and {}", a, b);
            }
        }
    }

    /// Kulkarni et al. 2014: e → f implies (l, c) of e is below that of f (Theorem 1); and
    /// l never runs ahead of the process's physical clock by more than the skew between the
    /// clocks at that moment.
    #[test]
    fn hybrid_clocks_order_causality_and_stay_near_physical_time((n, events, drift, offset, seed) in executions()) {
        let (c, clocks, times) = execute(n, events, drift, offset, seed);
        for b in 0..c.events.len() {
            for a in 0..c.events.len() {
                if c.happened_before(a, b) {
                    prop_assert!(c.events[a].1.hlc < c.events[b].1.hlc, "{a} -> {b}");
                }
            }
            // The skew at the event's true time: the fastest clock's reading less this
            // one's.
            let (t, p) = times[b];
            let read = |clock: &Clock| clock.read(t).nanos() / 1_000;
            let skew = clocks.iter().map(read).max().unwrap_or(0) - read(&clocks[p]);
            let e = &c.events[b].1;
            prop_assert!(e.hlc.l >= e.physical && e.hlc.l - e.physical <= skew, "l {} pt {} skew {}", e.hlc.l, e.physical, skew);
        }
    }
}

/// The hybrid clocks `clock` picks from each event of a run whose physical clocks tick
/// every millisecond, checked against Kulkarni et al.'s bound on the counter: c of an
/// event f is at most the number of events that happened before f with the same l (the
/// step from which the paper bounds c by N(ε + 1)). Returns the largest c seen.
fn counter_counts(
    input: Execution,
    clock: fn(&clocks::Stamped) -> clocks::Hlc,
) -> Result<u64, TestCaseError> {
    let (n, events, drift, offset, seed) = input;
    let (c, _, _) =
        execute_with(n, events, drift, offset, seed, Duration::from_millis(1));
    let mut largest = 0;
    for f in 0..c.events.len() {
        let hf = clock(&c.events[f].1);
        let same_l = (0..c.events.len())
            .filter(|&g| c.happened_before(g, f) && clock(&c.events[g].1).l == hf.l)
            .count() as u64;
        prop_assert!(
            hf.c <= same_l,
            "event {f}: c = {} but {same_l} events before it share l = {}",
            hf.c,
            hf.l
        );
        largest = largest.max(hf.c);
    }
    Ok(largest)
}

/// Runs `property` on 300 executions from a fixed generator: the same cases every run.
fn run_cases(
    property: impl Fn(Execution) -> Result<(), TestCaseError>,
) -> Result<(), proptest::test_runner::TestError<Execution>> {
    let config = Runner {
        cases: 300,
        failure_persistence: None,
        ..Runner::default()
    };
    let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
    TestRunner::new_with_rng(config, rng).run(&executions(), property)
}

#[test]
fn the_hybrid_counter_counts_events_that_share_l_and_catches_the_sticky_clock() {
    // The property holds for the hybrid clock, and not vacuously: some counter exceeds 0.
    let largest = std::cell::Cell::new(0);
    let result = run_cases(|input| {
        largest.set(largest.get().max(counter_counts(input, |e| e.hlc)?));
        Ok(())
    });
    assert!(result.is_ok(), "{result:?}");
    assert!(
        largest.get() >= 2,
        "no counter above {}: the check is vacuous",
        largest.get()
    );
    // The planted bug, whose counter never resets, is refuted, on a small execution.
    let result = run_cases(|input| counter_counts(input, |e| e.sticky).map(|_| ()));
    let Err(proptest::test_runner::TestError::Fail(_, minimal)) = result else {
        panic!("the sticky clock passed: {result:?}");
    };
    assert!(minimal.0 <= 3 && minimal.1 <= 3, "{minimal:?}");
}

/// The forgetful vector clock as a property, for the test runner to refute.
fn forgetful_characterizes(input: Execution) -> Result<(), TestCaseError> {
    let (n, events, drift, offset, seed) = input;
    let (c, _, _) = execute(n, events, drift, offset, seed);
    for b in 0..c.events.len() {
        for a in 0..c.events.len() {
            let before = c.events[a].1.forgetful < c.events[b].1.forgetful;
            prop_assert_eq!(c.happened_before(a, b), before);
        }
    }
    Ok(())
}

#[test]
fn the_property_test_catches_the_forgetful_vector_clock() {
    let result = run_cases(forgetful_characterizes);
    let Err(proptest::test_runner::TestError::Fail(_, minimal)) = result else {
        panic!("the forgetful clock passed: {result:?}");
    };
    // Shrinking finds a small execution that shows it.
    assert!(minimal.0 <= 3 && minimal.1 <= 2, "{minimal:?}");
}
