//! Safety by model checking: agreement and validity in every reachable state.

use crate::paxos::{Ballot, Bug, Disk, Paxos, Retry, Setup, Value};
use modelcheck::processes::{Faults, Global, Interchangeable, Processes};
use modelcheck::{Checker, System};
use std::collections::{BTreeMap, BTreeSet};
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
        bug,
        ..Setup::new(acceptors, proposers, retry)
    };
    Processes::new(setup.processes(&inputs(proposers)), faults)
}

/// [`system`] with its acceptors interchangeable.
pub fn symmetric(system: Processes<Paxos>) -> Interchangeable<Paxos> {
    let acceptors: Vec<_> = system.initial[0].setup.acceptors().collect();
    Interchangeable::new(system, &[acceptors])
}

// ANCHOR: invariants
/// The values chosen: those of proposals accepted by `quorum` acceptors (a majority,
/// unless exercise 11.1 says otherwise). Read from the ghost record of every acceptance
/// on the processes' `disks`, which survives crashes: an acceptor persists each
/// acceptance before it announces it.
pub fn chosen<'a>(
    quorum: usize,
    disks: impl IntoIterator<Item = &'a Disk>,
) -> BTreeSet<Value> {
    let mut votes: BTreeMap<(Ballot, Value), usize> = BTreeMap::new();
    for disk in disks {
        for proposal in &disk.acceptor.ever {
            *votes.entry(*proposal).or_default() += 1;
        }
    }
    votes
        .into_iter()
        .filter(|&(_, n)| n >= quorum)
        .map(|((_, v), _)| v)
        .collect()
}

/// The values chosen in a global state.
pub fn chosen_in(state: &Global<Paxos>) -> BTreeSet<Value> {
    chosen(state.process(0).setup.phase2(), state.all_storage())
}

/// What the invariants read of process `p`: the acceptances it ever made (its disk's
/// ghost record) and what it learned. Steps that change neither are invisible to them,
/// which is what lets a reduced search ([`Checker::run_reduced`]) skip their orders.
pub fn view(state: &Global<Paxos>, p: usize) -> u64 {
    modelcheck::checker::fingerprint(&(
        &state.storage(p).acceptor.ever,
        &state.outputs(p),
    ))
}

/// Only a single value is chosen.
pub fn agreement(state: &Global<Paxos>) -> bool {
    chosen_in(state).len() <= 1
}

/// Only a value that has been proposed may be chosen.
pub fn validity(state: &Global<Paxos>, proposed: &[Value]) -> bool {
    chosen_in(state).iter().all(|v| proposed.contains(v))
}

/// A process never learns that a value has been chosen unless it actually has been.
pub fn learning(state: &Global<Paxos>) -> bool {
    let chosen = chosen_in(state);
    state.all_outputs().flatten().all(|v| chosen.contains(v))
}
// ANCHOR_END: invariants

/// A checker of `system` with the three safety requirements as invariants, for
/// proposers proposing [`inputs`], and a value chosen as what must sometimes happen: safety
/// where nothing is ever chosen would prove nothing.
pub fn safety(system: &Processes<Paxos>) -> Checker<'_, Processes<Paxos>> {
    safety_of(system, system.initial[0].setup.proposers)
}

/// [`safety`] for any system whose states are those of Paxos with `proposers` proposers:
/// [`Interchangeable`] acceptors, for one.
pub fn safety_of<S: System<State = Global<Paxos>>>(
    system: &S,
    proposers: usize,
) -> Checker<'_, S> {
    let proposed = inputs(proposers);
    Checker::new(system)
        .invariant("agreement", agreement)
        .invariant("validity", move |s| validity(s, &proposed))
        .invariant("learning", learning)
        .sometimes("a value is chosen", |s| !chosen_in(s).is_empty())
}
