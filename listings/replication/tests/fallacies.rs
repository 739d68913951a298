//! The repaired protocol survives every fallacy on every seed tried; the naive one breaks
//! under each fallacy it ignores — so the checker can fail, and does.

use clap::ValueEnum;
use replication::fallacies::{Fallacy, run_naive, run_repaired};

const SEEDS: u64 = 200;

#[test]
fn the_repaired_protocol_loses_nothing_under_any_fallacy() {
    for &fallacy in Fallacy::value_variants() {
        for seed in 0..SEEDS {
            let run = run_repaired(fallacy, seed, 5);
            assert!(
                run.problems.is_empty(),
                "{fallacy:?}, seed {seed}: {:?}",
                run.problems
            );
        }
    }
}

#[test]
fn the_naive_protocol_breaks_under_each_fallacy_it_ignores() {
    for &fallacy in Fallacy::value_variants() {
        let broken = (0..SEEDS)
            .filter(|&seed| !run_naive(fallacy, seed, 5).problems.is_empty())
            .count();
        if fallacy == Fallacy::Cost {
            // Counting messages harms no data: the naive protocol is merely cheaper.
            assert_eq!(broken, 0);
        } else {
            assert!(
                broken as u64 > SEEDS / 2,
                "{fallacy:?}: broken on only {broken} of {SEEDS} seeds"
            );
        }
    }
}

#[test]
fn correctness_costs_messages() {
    // In a perfect network each write costs the naive protocol one message per backup and
    // the repaired one two (the entry and its acknowledgement).
    let naive = run_naive(Fallacy::Cost, 1, 5);
    let repaired = run_repaired(Fallacy::Cost, 1, 5);
    assert_eq!((naive.stats.sent, repaired.stats.sent), (10, 20));
}

#[test]
fn the_table_of_seed_1_breaks_the_naive_protocol_everywhere_but_cost() {
    // The chapter's table: `fallacies --seed 1` (five writes).
    for &fallacy in Fallacy::value_variants() {
        let naive = run_naive(fallacy, 1, 5);
        let repaired = run_repaired(fallacy, 1, 5);
        assert_eq!(
            naive.problems.is_empty(),
            fallacy == Fallacy::Cost,
            "{fallacy:?}"
        );
        assert!(repaired.problems.is_empty(), "{fallacy:?}");
        assert!(repaired.stats.sent >= naive.stats.sent, "{fallacy:?}");
    }
    // Under limited bandwidth, retransmissions multiply the repaired protocol's messages.
    let bandwidth = run_repaired(Fallacy::Bandwidth, 1, 5).stats.sent;
    let perfect = run_repaired(Fallacy::Cost, 1, 5).stats.sent;
    assert!(bandwidth > 10 * perfect, "{bandwidth} against {perfect}");
}
