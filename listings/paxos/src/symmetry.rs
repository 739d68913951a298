//! The acceptors of Paxos are interchangeable: renaming them among themselves, in every
//! process's state and every message, maps each execution to an execution, and the
//! invariants (a value is chosen by a majority, whichever acceptors form it) do not
//! change. So the model checker may explore one state of each class of states that
//! differ only by such a renaming.

use crate::paxos::{Acceptor, Ballot, Disk, Message, Paxos, Phase, Role, Value};
use modelcheck::processes::Symmetric;
use process::ProcessId;
use std::collections::{BTreeMap, BTreeSet};

/// A renaming of processes.
type To<'a> = &'a dyn Fn(ProcessId) -> ProcessId;

fn ballot(b: &mut Ballot, to: To<'_>) {
    b.proposer = to(b.proposer);
}

fn proposal(p: &mut (Ballot, Value), to: To<'_>) {
    ballot(&mut p.0, to);
}

/// `map` with its keys renamed (and its values by `f`).
fn keys<V>(map: &mut BTreeMap<ProcessId, V>, to: To<'_>, f: impl Fn(&mut V)) {
    *map = std::mem::take(map)
        .into_iter()
        .map(|(k, mut v)| {
            f(&mut v);
            (to(k), v)
        })
        .collect();
}

fn acceptor(a: &mut Acceptor, to: To<'_>) {
    if let Some(b) = &mut a.promised {
        ballot(b, to);
    }
    if let Some(p) = &mut a.accepted {
        proposal(p, to);
    }
    a.ever = std::mem::take(&mut a.ever)
        .into_iter()
        .map(|mut p| {
            proposal(&mut p, to);
            p
        })
        .collect::<BTreeSet<_>>();
}

impl Symmetric for Paxos {
    fn rename(&mut self, to: To<'_>) {
        match &mut self.role {
            Role::Acceptor(a) => acceptor(a, to),
            Role::Proposer(p) => {
                match &mut p.phase {
                    Phase::Idle => {}
                    Phase::Preparing {
                        ballot: b,
                        promises,
                    } => {
                        ballot(b, to);
                        keys(promises, to, |v| {
                            if let Some(p) = v {
                                proposal(p, to);
                            }
                        });
                    }
                    Phase::Accepting { ballot: b, .. } => ballot(b, to),
                }
                keys(&mut p.learned, to, |v| proposal(v, to));
                keys(&mut p.heard, to, |_| {});
                p.answers = std::mem::take(&mut p.answers)
                    .into_iter()
                    .map(|(phase, q)| (phase, to(q)))
                    .collect();
            }
        }
    }

    fn rename_message(message: &mut Message, to: To<'_>) {
        match message {
            Message::Prepare { ballot: b } | Message::Accept { ballot: b, .. } => {
                ballot(b, to)
            }
            Message::Accepted { ballot: b, .. } => ballot(b, to),
            Message::Promise {
                ballot: b,
                accepted,
            } => {
                ballot(b, to);
                if let Some(p) = accepted {
                    proposal(p, to);
                }
            }
            Message::Refuse {
                ballot: b,
                promised,
                ..
            } => {
                ballot(b, to);
                ballot(promised, to);
            }
            Message::Heartbeat => {}
        }
    }

    fn rename_storage(disk: &mut Disk, to: To<'_>) {
        acceptor(&mut disk.acceptor, to);
    }
}
