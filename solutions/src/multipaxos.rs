// Lab 4 (chapter 12): the replicated log's leader, the reference solution.
//
// A candidate runs phase 1 once for every slot from the first one it does not know to be
// chosen, with a ballot above every ballot it has promised. With promises from a
// majority, it proposes again, in each slot, the entry of the highest-numbered proposal
// the promises report, and a no-op in each slot below the last reported where none is
// reported; then its clients' commands, in fresh slots. An entry is chosen once a
// majority, the leader included, accepted it under the leader's ballot; the leader tells
// the others.

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

    /// Phase 1 for every slot not known to be chosen.
    fn campaign(&mut self, ctx: &mut Context<'_, Self>) {
        let ballot = Ballot {
            round: self.disk.promised.round + 1,
            proposer: self.id,
        };
        self.disk.promised = ballot;
        self.disk.campaigns += 1;
        ctx.persist(self.disk.clone());
        let from = self.applied;
        let reported = self
            .disk
            .accepted
            .range(from..)
            .map(|(&s, p)| (s, p.clone()));
        self.role = Role::Candidate {
            ballot,
            from,
            promises: BTreeSet::from([self.id]),
            reported: reported.collect(),
        };
        self.leader = None;
        ctx.send_all(self.others(), &Message::Prepare { ballot, from });
        self.arm_election(ctx);
        self.promised(self.id, ballot, Vec::new(), ctx);
    }

    /// A promise: keep, in each slot, the highest-numbered proposal reported.
    fn promised(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        accepted: Vec<(Slot, Ballot, Entry)>,
        ctx: &mut Context<'_, Self>,
    ) {
        let quorum = self.quorum();
        let Role::Candidate {
            ballot: own,
            promises,
            reported,
            ..
        } = &mut self.role
        else {
            return;
        };
        if *own != ballot {
            return;
        }
        promises.insert(from);
        for (slot, b, entry) in accepted {
            if reported.get(&slot).is_none_or(|(highest, _)| *highest < b) {
                reported.insert(slot, (b, entry));
            }
        }
        if promises.len() >= quorum {
            self.lead(ctx);
        }
    }

    /// Phase 1 is done: the reported entries again, no-ops in the gaps, then the
    /// clients' commands.
    fn lead(&mut self, ctx: &mut Context<'_, Self>) {
        let Role::Candidate {
            ballot,
            from,
            reported,
            ..
        } = std::mem::replace(&mut self.role, Role::Follower)
        else {
            return;
        };
        let end = reported.keys().next_back().map_or(from, |&last| last + 1);
        self.role = Role::Leader {
            ballot,
            next: end,
            proposed: BTreeMap::new(),
        };
        self.leader = Some(self.id);
        ctx.cancel_timer(Timer::Election);
        if self.setup.heartbeat.is_some() {
            self.beat(ctx);
        }
        for slot in from..end {
            let entry = reported.get(&slot).map_or(Entry::Noop, |(_, e)| e.clone());
            self.propose_in(slot, entry, ctx);
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

    /// A majority of acceptances chooses the entry.
    fn accepted(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        slot: Slot,
        ctx: &mut Context<'_, Self>,
    ) {
        let quorum = self.quorum();
        let Role::Leader {
            ballot: own,
            proposed,
            ..
        } = &mut self.role
        else {
            return;
        };
        if *own != ballot {
            return;
        }
        let Some((_, voters)) = proposed.get_mut(&slot) else {
            return;
        };
        voters.insert(from);
        if voters.len() >= quorum {
            let (entry, _) = proposed.remove(&slot).expect("just found");
            let chosen = Message::Chosen {
                entries: vec![(slot, entry.clone())],
            };
            ctx.send_all(self.others(), &chosen);
            self.learn(slot, entry, ctx);
        }
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
