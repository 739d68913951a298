// Lab 4 (chapter 12): the replicated log's leader.
//
// Three replicas, each acceptor, learner and, when elected, leader, replicate the
// key-value store of chapter 12. The acceptor (`accept`, the answer to a prepare), the
// learner (`learn`), the heartbeats, the catch-up, the clients' sessions and the
// forwarding to the leader are written for you. The leader's side is not: as it stands,
// a replica whose election timer fires makes itself leader at once, without phase 1, and
// counts an entry chosen as soon as it has accepted it itself.
//
// Write the leader's side of Multi-Paxos ("Paxos Made Simple", section 3):
// - `campaign`: phase 1 for every slot from the first one this replica does not know to
//   be chosen, with a ballot above every ballot it has promised;
// - `promised`: gather the promises; once a majority (this replica included) has
//   promised, lead;
// - `lead`: propose again what the promises say may have been chosen, fill the gaps, then
//   the clients' commands;
// - `accepted`: an entry is chosen once a majority accepted it under the leader's ballot.
// A replica announces each slot it applies with `ctx.output((slot, entry))` (done for you
// in `learn`). The judge model-checks a command across a leader change, runs the
// simulator under four fault mixes with clients that retry, and judges every history with
// the linearizability checker. Keep the names `Replica` and `Replica::new`, which the judge
// calls, and the `Message` variants' meaning; change anything else. The model checker
// explores every state your replicas can reach, within a bound: keep only the state you
// need. Judge it with `cargo xtask lab multipaxos`.

use kvstore::{Command, Reply, Request, Store};
use multipaxos::replica::{Entry, Setup, Slot};
use paxos::paxos::Ballot;
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What the replicas say to each other.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Phase 1a, for every slot from `from` on.
    Prepare {
        /// The ballot.
        ballot: Ballot,
        /// The first slot the candidate does not know to be chosen.
        from: Slot,
    },
    /// Phase 1b: the promise, with every proposal accepted in a slot from `from` on.
    Promise {
        /// The ballot promised.
        ballot: Ballot,
        /// The accepted proposals: slot, ballot, entry.
        accepted: Vec<(Slot, Ballot, Entry)>,
    },
    /// Phase 2a: accept this entry in this slot.
    Accept {
        /// The leader's ballot.
        ballot: Ballot,
        /// The slot.
        slot: Slot,
        /// The entry.
        entry: Entry,
    },
    /// Phase 2b, to the leader.
    Accepted {
        /// The ballot.
        ballot: Ballot,
        /// The slot.
        slot: Slot,
    },
    /// The acceptor has promised a higher ballot.
    Refuse {
        /// What it promised.
        promised: Ballot,
    },
    /// These entries are chosen.
    Chosen {
        /// Slots and their entries.
        entries: Vec<(Slot, Entry)>,
    },
    /// The leader is alive, and knows every slot below `chosen` to be chosen.
    Heartbeat {
        /// The leader's ballot.
        ballot: Ballot,
        /// The length of its chosen prefix.
        chosen: Slot,
    },
    /// A lagging replica asks for the chosen entries from `from` on.
    CatchUp {
        /// The first slot it lacks.
        from: Slot,
    },
    /// A client's command, passed on to the leader.
    Forward(Command),
}

/// A replica's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// No word from a leader for a while: campaign.
    Election,
    /// The leader's beat.
    Heartbeat,
}

/// What a replica persists before it answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Disk {
    /// The highest ballot promised.
    pub promised: Ballot,
    /// In each slot, the highest-numbered proposal accepted.
    pub accepted: BTreeMap<Slot, (Ballot, Entry)>,
    /// Campaigns started, for the model checker's bound.
    pub campaigns: u32,
}

/// What a replica is doing about leadership.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Following whichever leader it last heard from.
    Follower,
    /// Running phase 1 for every slot from `from` on.
    Candidate {
        /// Its ballot.
        ballot: Ballot,
        /// The first slot it does not know to be chosen.
        from: Slot,
        /// Who promised.
        promises: BTreeSet<ProcessId>,
        /// In each slot, the highest-numbered proposal the promises reported.
        reported: BTreeMap<Slot, (Ballot, Entry)>,
    },
    /// Running phase 2 only.
    Leader {
        /// Its ballot.
        ballot: Ballot,
        /// The next free slot.
        next: Slot,
        /// The slots proposed and not yet chosen: the entry, and who accepted it.
        proposed: BTreeMap<Slot, (Entry, BTreeSet<ProcessId>)>,
    },
}

/// A replica: acceptor, learner and, when elected, leader.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replica {
    id: ProcessId,
    setup: Setup,
    disk: Disk,
    role: Role,
    leader: Option<ProcessId>,
    log: BTreeMap<Slot, Entry>,
    applied: Slot,
    store: Store,
    waiting: BTreeMap<ClientId, (ClientId, Command)>,
}

impl Replica {
    /// Replica `id` of `setup` (the fields the lab reads: `replicas`, `election`,
    /// `heartbeat`, `candidates`, `campaigns`, `batch` and `leader`).
    pub fn new(id: ProcessId, setup: &Setup) -> Replica {
        Replica {
            id,
            setup: *setup,
            disk: Disk::default(),
            role: Role::Follower,
            leader: None,
            log: BTreeMap::new(),
            applied: 0,
            store: Store::default(),
            waiting: BTreeMap::new(),
        }
    }

    fn others(&self) -> impl Iterator<Item = ProcessId> + use<> {
        let me = self.id;
        (0..self.setup.replicas).filter(move |&q| q != me)
    }

    fn quorum(&self) -> usize {
        self.setup.replicas / 2 + 1
    }

    fn arm_election(&self, ctx: &mut Context<'_, Self>) {
        let may = self.id < self.setup.candidates
            && self
                .setup
                .campaigns
                .is_none_or(|max| self.disk.campaigns < max);
        if may {
            let (min, max) = self.setup.election;
            ctx.set_timer_between(Timer::Election, min, max);
        }
    }

    fn own_ballot(&self) -> Option<Ballot> {
        match &self.role {
            Role::Follower => None,
            Role::Candidate { ballot, .. } | Role::Leader { ballot, .. } => Some(*ballot),
        }
    }

    /// Hears of `ballot`; if it `leads` (an accept or a heartbeat), its proposer is the
    /// leader. Returns whether the ballot is at least the one promised.
    fn hear(&mut self, ballot: Ballot, leads: bool, ctx: &mut Context<'_, Self>) -> bool {
        if ballot < self.disk.promised {
            return false;
        }
        if self.own_ballot().is_some_and(|own| own < ballot) {
            self.role = Role::Follower;
            ctx.cancel_timer(Timer::Heartbeat);
        }
        if ballot.proposer != self.id {
            if leads {
                if self.leader != Some(ballot.proposer) {
                    self.leader = Some(ballot.proposer);
                    for (_, command) in self.waiting.values() {
                        ctx.send(ballot.proposer, Message::Forward(command.clone()));
                    }
                }
            } else {
                self.leader = None;
            }
            self.arm_election(ctx);
        }
        true
    }

    /// The election timer fired: campaign.
    fn campaign(&mut self, ctx: &mut Context<'_, Self>) {
        // To do: phase 1. As it stands, the replica leads at once.
        let ballot = Ballot {
            round: self.disk.promised.round + 1,
            proposer: self.id,
        };
        self.disk.promised = ballot;
        self.disk.campaigns += 1;
        ctx.persist(self.disk.clone());
        self.role = Role::Candidate {
            ballot,
            from: self.applied,
            promises: BTreeSet::from([self.id]),
            reported: BTreeMap::new(),
        };
        self.lead(ctx);
    }

    /// A promise for `ballot` from `from`, reporting `accepted`.
    fn promised(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        accepted: Vec<(Slot, Ballot, Entry)>,
        ctx: &mut Context<'_, Self>,
    ) {
        // To do: gather the promises of a majority, and what they report.
        let _ = (from, ballot, accepted, ctx, self.quorum());
    }

    /// Phase 1 is done: lead.
    fn lead(&mut self, ctx: &mut Context<'_, Self>) {
        // To do: propose again what the promises reported, and fill the gaps. As it
        // stands, the new leader proposes its clients' commands from its first slot on.
        let Role::Candidate { ballot, from, .. } =
            std::mem::replace(&mut self.role, Role::Follower)
        else {
            return;
        };
        self.role = Role::Leader {
            ballot,
            next: from,
            proposed: BTreeMap::new(),
        };
        self.leader = Some(self.id);
        ctx.cancel_timer(Timer::Election);
        if self.setup.heartbeat.is_some() {
            self.beat(ctx);
        }
        let waiting: Vec<Command> =
            self.waiting.values().map(|(_, c)| c.clone()).collect();
        for command in waiting {
            self.propose(command, ctx);
        }
    }

    fn propose(&mut self, command: Command, ctx: &mut Context<'_, Self>) {
        let Role::Leader { next, .. } = &mut self.role else {
            return;
        };
        let slot = *next;
        *next += 1;
        self.propose_in(slot, Entry::Command(command), ctx);
    }

    /// Phase 2: the leader accepts its own proposal, then asks the others.
    fn propose_in(&mut self, slot: Slot, entry: Entry, ctx: &mut Context<'_, Self>) {
        let Role::Leader {
            ballot, proposed, ..
        } = &mut self.role
        else {
            return;
        };
        let ballot = *ballot;
        proposed.insert(slot, (entry.clone(), BTreeSet::new()));
        let accept = Message::Accept {
            ballot,
            slot,
            entry: entry.clone(),
        };
        ctx.send_all(self.others(), &accept);
        if self.accept(ballot, slot, entry, ctx) {
            self.accepted(self.id, ballot, slot, ctx);
        }
    }

    /// The acceptor's phase 2b, persisted before it answers.
    fn accept(
        &mut self,
        ballot: Ballot,
        slot: Slot,
        entry: Entry,
        ctx: &mut Context<'_, Self>,
    ) -> bool {
        if ballot < self.disk.promised {
            return false;
        }
        self.disk.promised = ballot;
        self.disk.accepted.insert(slot, (ballot, entry));
        ctx.persist(self.disk.clone());
        true
    }

    /// An acceptance of `slot` under `ballot` from `from`.
    fn accepted(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        slot: Slot,
        ctx: &mut Context<'_, Self>,
    ) {
        // To do: count the acceptances. As it stands, the leader's own is enough.
        let Role::Leader {
            ballot: own,
            proposed,
            ..
        } = &mut self.role
        else {
            return;
        };
        if *own != ballot || from != self.id {
            return;
        }
        let Some((entry, _)) = proposed.remove(&slot) else {
            return;
        };
        let chosen = Message::Chosen {
            entries: vec![(slot, entry.clone())],
        };
        ctx.send_all(self.others(), &chosen);
        self.learn(slot, entry, ctx);
    }

    /// Learns that `entry` is chosen in `slot`, and applies what it can, in slot order.
    fn learn(&mut self, slot: Slot, entry: Entry, ctx: &mut Context<'_, Self>) {
        if slot < self.applied {
            return;
        }
        self.log.insert(slot, entry);
        while let Some(entry) = self.log.get(&self.applied) {
            for command in entry.commands() {
                let result = self.store.apply(command);
                let asked_here = self.waiting.get(&command.client);
                if let Some(&(client, _)) = asked_here.filter(|(_, w)| w == command) {
                    self.waiting.remove(&command.client);
                    ctx.respond(
                        client,
                        Reply {
                            seq: command.seq,
                            result,
                        },
                    );
                }
            }
            ctx.output((self.applied, entry.clone()));
            self.applied += 1;
        }
    }

    /// The leader's beat: alive, and the accepts not yet acknowledged, again.
    fn beat(&mut self, ctx: &mut Context<'_, Self>) {
        let others: Vec<ProcessId> = self.others().collect();
        let Role::Leader {
            ballot, proposed, ..
        } = &self.role
        else {
            return;
        };
        let heartbeat = Message::Heartbeat {
            ballot: *ballot,
            chosen: self.applied,
        };
        ctx.send_all(others.iter().copied(), &heartbeat);
        for (&slot, (entry, voters)) in proposed {
            let accept = Message::Accept {
                ballot: *ballot,
                slot,
                entry: entry.clone(),
            };
            ctx.send_all(
                others.iter().copied().filter(|q| !voters.contains(q)),
                &accept,
            );
        }
        if let Some(beat) = self.setup.heartbeat {
            ctx.set_timer(Timer::Heartbeat, beat);
        }
    }

    fn refuse(&self, to: ProcessId, ctx: &mut Context<'_, Self>) {
        if self.setup.heartbeat.is_some() {
            let promised = self.disk.promised;
            ctx.send(to, Message::Refuse { promised });
        }
    }
}

impl Process for Replica {
    type Message = Message;
    type Timer = Timer;
    type Request = Request;
    type Response = Reply;
    type Output = (Slot, Entry);
    type Storage = Disk;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let Some(leader) = self.setup.leader {
            let ballot = Ballot {
                round: 1,
                proposer: leader,
            };
            self.disk.promised = ballot;
            self.leader = Some(leader);
            if leader == self.id {
                self.disk.campaigns = 1;
                self.role = Role::Leader {
                    ballot,
                    next: 0,
                    proposed: BTreeMap::new(),
                };
                if let Some(beat) = self.setup.heartbeat {
                    ctx.set_timer(Timer::Heartbeat, beat);
                }
            }
            ctx.persist(self.disk.clone());
            if leader == self.id {
                return;
            }
        }
        self.arm_election(ctx);
    }

    fn on_recover(&mut self, disk: &Disk, ctx: &mut Context<'_, Self>) {
        self.disk = disk.clone();
        self.arm_election(ctx);
    }

    fn on_request(
        &mut self,
        client: ClientId,
        request: Request,
        ctx: &mut Context<'_, Self>,
    ) {
        if let Some((seq, result)) = self.store.session(request.client)
            && *seq == request.seq
        {
            let (seq, result) = (*seq, result.clone());
            ctx.respond(client, Reply { seq, result });
            return;
        }
        let command = Command::new(&request);
        self.waiting
            .insert(request.client, (client, command.clone()));
        match self.leader {
            Some(leader) if leader == self.id => self.propose(command, ctx),
            Some(leader) => ctx.send(leader, Message::Forward(command)),
            None => {}
        }
    }

    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        match message {
            Message::Prepare {
                ballot,
                from: first,
            } => {
                if !self.hear(ballot, false, ctx) {
                    return self.refuse(from, ctx);
                }
                if ballot > self.disk.promised {
                    self.disk.promised = ballot;
                    ctx.persist(self.disk.clone());
                }
                let accepted = self.disk.accepted.range(first..);
                let accepted = accepted.map(|(&s, (b, e))| (s, *b, e.clone())).collect();
                ctx.send(from, Message::Promise { ballot, accepted });
            }
            Message::Promise { ballot, accepted } => {
                self.promised(from, ballot, accepted, ctx)
            }
            Message::Accept {
                ballot,
                slot,
                entry,
            } => {
                if self.hear(ballot, true, ctx) && self.accept(ballot, slot, entry, ctx) {
                    ctx.send(from, Message::Accepted { ballot, slot });
                } else {
                    self.refuse(from, ctx);
                }
            }
            Message::Accepted { ballot, slot } => self.accepted(from, ballot, slot, ctx),
            Message::Refuse { promised } => {
                if self.own_ballot().is_some_and(|own| own < promised) {
                    self.role = Role::Follower;
                    self.leader = None;
                    ctx.cancel_timer(Timer::Heartbeat);
                    self.arm_election(ctx);
                }
            }
            Message::Chosen { entries } => {
                for (slot, entry) in entries {
                    self.learn(slot, entry, ctx);
                }
            }
            Message::Heartbeat { ballot, chosen } => {
                if !self.hear(ballot, true, ctx) {
                    return self.refuse(from, ctx);
                }
                if chosen > self.applied {
                    ctx.send(from, Message::CatchUp { from: self.applied });
                }
            }
            Message::CatchUp { from: first } => {
                let entries: Vec<(Slot, Entry)> = self
                    .log
                    .range(first..)
                    .take(self.setup.batch)
                    .map(|(&s, e)| (s, e.clone()))
                    .collect();
                if !entries.is_empty() {
                    ctx.send(from, Message::Chosen { entries });
                }
            }
            Message::Forward(command) => self.propose(command, ctx),
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Context<'_, Self>) {
        match timer {
            Timer::Election if !matches!(self.role, Role::Leader { .. }) => {
                self.campaign(ctx)
            }
            Timer::Election => {}
            Timer::Heartbeat => self.beat(ctx),
        }
    }
}
