//! Safety by model checking: in every reachable state, one entry at most is chosen in
//! each slot, and every replica applies, slot by slot, the chosen entries only.

use crate::replica::{Bug, Entry, Replica, Setup, Slot};
use kvstore::Request;
use linearizability::models::KvOp;
use modelcheck::Checker;
use modelcheck::processes::{Faults, Global, Processes};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// The configurations the chapter checks: 3 replicas that begin with replica 0 as
/// leader (ballot 1, every replica's promise taken), of which the first `candidates`
/// campaign at most once each (replica 0 already has), no heartbeats (so no catch-up and
/// no resending), and `commands` clients, client `c` appending one letter (`a`, `b`, ...)
/// to key `x` at replica `c`, all at once.
pub fn system(
    candidates: usize,
    commands: usize,
    bug: Option<Bug>,
    faults: Faults,
) -> Processes<Replica> {
    assert!(commands <= 3, "one client per replica at most");
    let ms = Duration::from_millis(1); // the model checker ignores durations
    let setup = Setup {
        candidates,
        campaigns: Some(1),
        leader: Some(0),
        bug,
        ..Setup::new(3, (ms, ms), None)
    };
    let append = |c: usize| Request {
        seq: 1,
        op: KvOp::Append("x".into(), ((b'a' + c as u8) as char).to_string()),
    };
    Processes {
        initial: setup.replicas(),
        faults,
        clients: (0..commands).map(|c| vec![(c, append(c))]).collect(),
    }
}

// ANCHOR: invariants
/// The entries chosen in each slot: those a quorum of replicas accepted with one
/// ballot, read from the ghost record on the disks, which survives crashes.
pub fn chosen(state: &Global<Replica>) -> BTreeMap<Slot, BTreeSet<Entry>> {
    let quorum = state.processes[0].setup.quorum();
    let mut votes: BTreeMap<_, usize> = BTreeMap::new();
    for disk in &state.storage {
        for proposal in &disk.ever {
            *votes.entry(proposal).or_default() += 1;
        }
    }
    let mut chosen: BTreeMap<Slot, BTreeSet<Entry>> = BTreeMap::new();
    for ((slot, _, entry), n) in votes {
        if n >= quorum {
            chosen.entry(*slot).or_default().insert(entry.clone());
        }
    }
    chosen
}

/// One entry at most is chosen in each slot: single-decree Paxos's agreement, slot by
/// slot.
pub fn one_entry_per_slot(state: &Global<Replica>) -> bool {
    chosen(state).values().all(|entries| entries.len() <= 1)
}

/// Every replica applies, in each slot, an entry chosen there.
pub fn applies_only_chosen(state: &Global<Replica>) -> bool {
    let chosen = chosen(state);
    state.outputs.iter().flatten().all(|(slot, entry)| {
        chosen
            .get(slot)
            .is_some_and(|entries| entries.contains(entry))
    })
}

/// No two replicas apply different entries in one slot: the state-machine safety that
/// makes the replicas one store.
pub fn same_entry_per_slot(state: &Global<Replica>) -> bool {
    let mut applied: BTreeMap<Slot, &Entry> = BTreeMap::new();
    state
        .outputs
        .iter()
        .flatten()
        .all(|(slot, entry)| *applied.entry(*slot).or_insert(entry) == entry)
}
// ANCHOR_END: invariants

/// Every client's command applied at every replica: the witness that the search
/// reached the end of the story, not only its beginning.
pub fn all_applied_everywhere(state: &Global<Replica>, commands: usize) -> bool {
    commands > 0
        && state.outputs.iter().all(|applied| {
            applied
                .iter()
                .filter(|(_, e)| matches!(e, Entry::Command(_)))
                .count()
                == commands
        })
}

/// A checker of `system` with the three safety requirements as invariants.
pub fn safety(system: &Processes<Replica>) -> Checker<'_, Processes<Replica>> {
    let commands = system.clients.len();
    Checker::new(system)
        .invariant("one entry per slot", one_entry_per_slot)
        .invariant("applies only chosen entries", applies_only_chosen)
        .invariant("same entry per slot", same_entry_per_slot)
        .sometimes("every command applied at every replica", move |s| {
            all_applied_everywhere(s, commands)
        })
}

/// What the invariants read of replica `p`: its ghost record and what it applied. Steps
/// that change neither are invisible to them, which lets a reduced search skip their
/// orders.
pub fn view(state: &Global<Replica>, p: usize) -> u64 {
    modelcheck::checker::fingerprint(&(&state.storage[p].ever, &state.outputs[p]))
}
