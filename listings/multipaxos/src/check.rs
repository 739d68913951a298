//! Safety by model checking: in every reachable state, one entry at most is chosen in
//! each slot, and every replica applies, slot by slot, the chosen entries only.

use crate::replica::{Bug, Disk, Entry, Replica, Setup, Slot};
use kvstore::{Request, Store};
use linearizability::models::KvOp;
use modelcheck::Checker;
use modelcheck::processes::{Faults, Global, Processes};
use paxos::paxos::Ballot;
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
        client: c,
        seq: 1,
        op: KvOp::Append("x".into(), ((b'a' + c as u8) as char).to_string()),
    };
    Processes::new(setup.replicas(), faults)
        .with_clients((0..commands).map(|c| vec![(c, append(c))]).collect())
}

// ANCHOR: invariants
/// The entries chosen in each slot: those a quorum of replicas accepted with one
/// ballot, read from the ghost records on the `disks`, which survive crashes.
pub fn chosen<'a>(
    quorum: usize,
    disks: impl IntoIterator<Item = &'a Disk>,
) -> BTreeMap<Slot, BTreeSet<(Ballot, Entry)>> {
    let mut votes: BTreeMap<_, usize> = BTreeMap::new();
    for disk in disks {
        for proposal in &disk.ever {
            *votes.entry(proposal).or_default() += 1;
        }
    }
    let mut chosen: BTreeMap<Slot, BTreeSet<(Ballot, Entry)>> = BTreeMap::new();
    for ((slot, ballot, entry), n) in votes {
        if n >= quorum {
            chosen
                .entry(*slot)
                .or_default()
                .insert((*ballot, entry.clone()));
        }
    }
    chosen
}

/// One entry at most is chosen in each slot: single-decree Paxos's agreement, slot by
/// slot (the same entry may be chosen again under a higher ballot).
pub fn one_entry_per_slot(chosen: &BTreeMap<Slot, BTreeSet<(Ballot, Entry)>>) -> bool {
    chosen.values().all(|proposals| {
        let entries: BTreeSet<&Entry> = proposals.iter().map(|(_, e)| e).collect();
        entries.len() <= 1
    })
}

/// Every replica applies, in each slot, an entry chosen there.
pub fn applies_only_chosen<'a>(
    chosen: &BTreeMap<Slot, BTreeSet<(Ballot, Entry)>>,
    applied: impl IntoIterator<Item = &'a (Slot, Entry)>,
) -> bool {
    applied.into_iter().all(|(slot, entry)| {
        chosen
            .get(slot)
            .is_some_and(|proposals| proposals.iter().any(|(_, e)| e == entry))
    })
}

/// State-machine safety: no two replicas apply different entries in one slot (of any
/// replicated log: the entries' type is the protocol's).
pub fn same_entry_per_slot<'a, E: Eq + 'a>(
    applied: impl IntoIterator<Item = &'a (Slot, E)>,
) -> bool {
    let mut first: BTreeMap<Slot, &E> = BTreeMap::new();
    applied
        .into_iter()
        .all(|(slot, entry)| *first.entry(*slot).or_insert(entry) == entry)
}

/// A replica applies slots in order, 0, 1, 2, ..., without a gap (and from 0 again after
/// a restart, which loses the store).
pub fn applies_in_order<E>(applied: &[(Slot, E)]) -> bool {
    applied
        .windows(2)
        .all(|w| w[1].0 == w[0].0 + 1 || w[1].0 == 0)
        && applied.first().is_none_or(|(slot, _)| *slot == 0)
}

// ANCHOR_END: invariants

// ANCHOR: abstraction
/// The abstraction function at work: a replica that has applied every slot below
/// `applied`, by entries or by installing a snapshot, holds the values that applying the
/// chosen entries of those slots, in order, gives.
pub fn store_follows_the_log(
    chosen: &BTreeMap<Slot, BTreeSet<(Ballot, Entry)>>,
    applied: Slot,
    store: &Store,
) -> bool {
    let mut replay = Store::default();
    for slot in 0..applied {
        let Some((_, entry)) = chosen.get(&slot).and_then(|proposals| proposals.first())
        else {
            return false;
        };
        for command in entry.commands() {
            replay.apply(command);
        }
    }
    replay.values() == store.values()
}
// ANCHOR_END: abstraction

/// The entries chosen in a global state.
pub fn chosen_in(state: &Global<Replica>) -> BTreeMap<Slot, BTreeSet<(Ballot, Entry)>> {
    chosen(state.process(0).setup.quorum(), state.all_storage())
}

/// Every client's command applied at every replica: the witness that the search
/// reached the end of the story, not only its beginning.
pub fn all_applied_everywhere(state: &Global<Replica>, commands: usize) -> bool {
    commands > 0
        && state.all_outputs().all(|applied| {
            applied
                .iter()
                .map(|(_, e)| e.commands().len())
                .sum::<usize>()
                == commands
        })
}

/// A checker of `system` with the four safety requirements as invariants; and as what
/// must sometimes happen, every command applied everywhere and, if another replica may
/// campaign, an entry chosen under its ballot. With snapshots, "applies in order" gives
/// way to every store against the chosen log, and a snapshot installed from a promise
/// must sometimes happen.
pub fn safety(system: &Processes<Replica>) -> Checker<'_, Processes<Replica>> {
    let commands = system.clients.len();
    let snapshots = system.initial[0].setup.snapshot.is_some();
    let checker = Checker::new(system)
        .invariant("one entry per slot", |s| one_entry_per_slot(&chosen_in(s)))
        .invariant("applies only chosen entries", |s| {
            applies_only_chosen(&chosen_in(s), s.all_outputs().flatten())
        })
        .invariant("same entry per slot", |s| {
            same_entry_per_slot(s.all_outputs().flatten())
        });
    let checker = if snapshots {
        checker
            .invariant("every store follows the log", |s| {
                let chosen = chosen_in(s);
                s.all_processes()
                    .all(|r| store_follows_the_log(&chosen, r.applied, &r.store))
            })
            .sometimes("a snapshot installed from a promise", |s| {
                s.all_storage().any(|d| d.installed.0 > 0)
            })
    } else {
        checker.invariant("applies in order", |s| {
            s.all_outputs().all(applies_in_order)
        })
    };
    let checker = checker.sometimes("every command applied at every replica", move |s| {
        all_applied_everywhere(s, commands)
    });
    if system.initial[0].setup.candidates > 1 {
        checker.sometimes("an entry chosen under a new leader's ballot", |s| {
            chosen_in(s).values().flatten().any(|(b, _)| b.round > 1)
        })
    } else {
        checker
    }
}

/// What the invariants read of replica `p`: its ghost record and what it applied. Steps
/// that change neither are invisible to them, which lets a reduced search skip their
/// orders.
pub fn view(state: &Global<Replica>, p: usize) -> u64 {
    modelcheck::checker::fingerprint(&(&state.storage(p).ever, &state.outputs(p)))
}
