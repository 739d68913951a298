//! The partition run on many seeds: ABD stays linearizable and leaves the minority
//! unanswered; the available register answers everyone and is caught.

use cap::partition::{Register, SIDES, run};

/// Operations of `client` asked during the partition, and those answered during it.
fn during(outcome: &cap::partition::Outcome, client: usize) -> (usize, usize) {
    let (asked, answered) = outcome.during_partition(client);
    (asked.len(), answered)
}

#[test]
fn abd_refuses_the_minority_and_stays_linearizable() {
    for seed in 0..50 {
        let outcome = run(Register::Abd, seed);
        assert!(outcome.verdict.is_linearizable(), "seed {seed}");
        assert_eq!(
            during(&outcome, 0).1,
            0,
            "seed {seed}: the minority answered"
        );
        let (asked, answered) = during(&outcome, 1);
        assert_eq!(asked, answered, "seed {seed}: the majority did not answer");
    }
    assert_eq!(SIDES[0].len(), 1);
}

#[test]
fn the_available_register_answers_everyone_and_is_caught() {
    let mut caught = 0;
    for seed in 0..50 {
        let outcome = run(Register::Available, seed);
        for client in 0..2 {
            let (asked, answered) = during(&outcome, client);
            assert_eq!(
                asked, answered,
                "seed {seed}: side {client} went unanswered"
            );
        }
        assert!(
            outcome.converged,
            "seed {seed}: the copies did not converge"
        );
        caught += usize::from(!outcome.verdict.is_linearizable());
    }
    // Not every random schedule puts a read after a write from the other side; most do.
    assert!(caught >= 25, "caught on only {caught} of 50 seeds");
}
