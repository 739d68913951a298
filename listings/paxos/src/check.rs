//! Safety by model checking: agreement and validity in every reachable state.

use crate::paxos::{Bug, Paxos, Retry, Setup, Value};
use modelcheck::processes::{Faults, Global, Processes};
use std::time::Duration;

/// The inputs of the proposers: proposer `i` proposes `i + 1`.
pub fn inputs(proposers: usize) -> Vec<Value> {
    (1..=proposers as Value).collect()
}

/// `acceptors` acceptors and `proposers` proposers, each proposer trying at most
/// `ballots` ballots (a timer that may fire at any moment starts the next), under
/// `faults`.
pub fn system(
    acceptors: usize,
    proposers: usize,
    ballots: u32,
    bug: Option<Bug>,
    faults: Faults,
) -> Processes<Paxos> {
    let retry = if ballots <= 1 {
        Retry::Never
    } else {
        Retry::Timer {
            after: Duration::from_millis(1), // the model checker ignores durations
            max: ballots,
        }
    };
    let setup = Setup {
        acceptors,
        proposers,
        retry,
        bug,
        start: Duration::ZERO,
        quorums: None,
    };
    Processes {
        initial: setup.processes(&inputs(proposers)),
        faults,
        clients: Vec::new(),
    }
}

// ANCHOR: invariants
/// Agreement: no two learners learn different values.
pub fn agreement(state: &Global<Paxos>) -> bool {
    let mut learned = state.outputs.iter().flatten();
    let first = learned.next();
    learned.all(|v| Some(v) == first)
}

/// Validity: a learned value is one some proposer proposed.
pub fn validity(state: &Global<Paxos>, proposed: &[Value]) -> bool {
    state.outputs.iter().flatten().all(|v| proposed.contains(v))
}
// ANCHOR_END: invariants
