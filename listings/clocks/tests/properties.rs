//! The clocks' theorems, property-tested over random executions of the simulator, against
//! happened-before computed from each trace with no clock at all.

// Events are compared pairwise, by index.
#![allow(clippy::needless_range_loop)]

use clocks::causality::Causality;
use clocks::programs::run;
use proptest::prelude::*;
use proptest::test_runner::{Config as Runner, TestCaseError, TestRunner};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use sim::Clock;

/// A random execution: processes, events each, the largest drift and offset (µs), and a
/// seed.
fn executions() -> impl Strategy<Value = (usize, u32, f64, i64, u64)> {
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
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let clocks = clocks::programs::random_clocks(n, drift, offset, &mut rng);
    let sim = run(n, events, clocks.clone(), seed);
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

    /// Kulkarni et al. 2014 (Theorem 1; Corollaries 1 and 3 of the technical report): e →
    /// f implies (l, c) of e is below that of f; l never runs ahead of the process's
    /// physical clock by more than the skew between the clocks; and c is bounded.
    #[test]
    fn hybrid_clocks_order_causality_and_stay_near_physical_time((n, events, drift, offset, seed) in executions()) {
        let (c, clocks, times) = execute(n, events, drift, offset, seed);
        let mut epsilon = 0;
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
            epsilon = epsilon.max(skew);
        }
        // And c stays below N(ε + 1), ε the largest skew of the run, in clock ticks (µs).
        for (_, e) in &c.events {
            prop_assert!(e.hlc.c <= n as u64 * (epsilon + 1), "c {} epsilon {}", e.hlc.c, epsilon);
        }
    }
}

/// The forgetful vector clock as a property, for the test runner to refute.
fn forgetful_characterizes(
    input: (usize, u32, f64, i64, u64),
) -> Result<(), TestCaseError> {
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
    // A fixed generator: the same cases, the same shrinking, every run.
    let config = Runner {
        cases: 300,
        failure_persistence: None,
        ..Runner::default()
    };
    let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&executions(), forgetful_characterizes);
    let Err(proptest::test_runner::TestError::Fail(_, minimal)) = result else {
        panic!("the forgetful clock passed: {result:?}");
    };
    // Shrinking finds a small execution that shows it.
    assert!(minimal.0 <= 3 && minimal.1 <= 2, "{minimal:?}");
}
