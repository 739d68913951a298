//! A replica of the replicated log: acceptor, learner and, when elected, leader.
//!
//! Each slot of the log is one instance of single-decree Paxos (chapter 11), and the
//! instances share their phase 1: a leader's prepare covers every slot from a point on
//! ("Paxos Made Simple" §3), so that in the steady state a command costs one round of
//! phase 2. A new leader learns from the promises what may have been chosen in every
//! slot it does not know, proposes it again, and fills the slots nobody reported with
//! no-ops. Every replica applies the chosen entries in slot order to its copy of the
//! [`Store`], and the replica a client asked answers it from its own copy.

use kvstore::{Command, Reply, Request, Store};
use linearizability::models::{KvOp, KvRet};
use paxos::paxos::Ballot;
use process::{ClientId, Context, Process, ProcessId, Time};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::time::Duration;

/// A position in the log, from 0.
pub type Slot = u64;

/// What a slot of the log holds.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Entry {
    /// Nothing: a new leader's filler for a slot in which nothing can have been chosen.
    Noop,
    /// A client's command.
    Command(Command),
    /// Several clients' commands, applied in order: a batch.
    Batch(Vec<Command>),
}

impl Entry {
    /// The commands the entry holds, in the order they apply.
    pub fn commands(&self) -> &[Command] {
        match self {
            Entry::Noop => &[],
            Entry::Command(c) => std::slice::from_ref(c),
            Entry::Batch(commands) => commands,
        }
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Noop => write!(f, "no-op"),
            Entry::Command(c) => write!(f, "{c:?}"),
            Entry::Batch(commands) => write!(f, "{commands:?}"),
        }
    }
}

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
        /// The acceptor's snapshot, if it covers slots from `from` on: it no longer
        /// keeps what it accepted there, and reports the slots as chosen instead.
        snapshot: Option<Snapshot>,
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
    /// The acceptor has promised a higher ballot: the sender is no longer leader.
    Refuse {
        /// What the acceptor promised.
        promised: Ballot,
    },
    /// These entries are chosen (news from the leader, or an answer to [`CatchUp`]).
    ///
    /// [`CatchUp`]: Message::CatchUp
    Chosen {
        /// Slots and their entries.
        entries: Vec<(Slot, Entry)>,
    },
    /// The leader is alive, and knows every slot below `chosen` to be chosen.
    Heartbeat {
        /// The leader's ballot.
        ballot: Ballot,
        /// The length of the leader's chosen prefix.
        chosen: Slot,
        /// When the leader sent it, on its own clock (for its lease).
        sent: Time,
    },
    /// A follower's answer to a heartbeat when leases are on: it will promise no other
    /// candidate for a lease's length from the moment the heartbeat arrived.
    Granted {
        /// The leader's ballot.
        ballot: Ballot,
        /// The heartbeat's `sent`, returned.
        sent: Time,
    },
    /// A lagging replica asks for the chosen entries from `from` on.
    CatchUp {
        /// The first slot it lacks.
        from: Slot,
    },
    /// A client's command, passed on to the leader by the replica the client asked.
    Forward(Command),
    /// An answer to [`CatchUp`] from a replica that no longer keeps the entries asked
    /// for: the state they lead to.
    ///
    /// [`CatchUp`]: Message::CatchUp
    Install(Snapshot),
}

/// The store after every slot below `slot` was applied: what a replica keeps instead of
/// those slots' entries ("Paxos Made Live" §5.5).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Snapshot {
    /// The first slot not applied to it.
    pub slot: Slot,
    /// The store.
    pub store: Store,
}

/// A replica's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// No word from a leader for a while: campaign.
    Election,
    /// The leader's beat: tell the followers it is alive, and send again what they have
    /// not acknowledged.
    Heartbeat,
}

/// The planted bugs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Bug {
    /// A new leader ignores the entries the promises report and fills every slot it does
    /// not know to be chosen with a no-op: it may choose a second entry in a slot.
    SkipsRecovery,
    /// A replica applies an entry as soon as it accepts it, before it is chosen.
    AppliesAccepted,
    /// The store applies every command in the log, a retried one once per copy.
    NoSessions,
    /// The leader trusts its lease for the whole length the followers grant, on its own
    /// clock, without the margin for drift: a slow leader clock outlives the grants.
    LeaseWithoutMargin,
    /// A replica truncates its acceptor's state below its snapshot and then acts as if
    /// it had accepted nothing there: it promises without the snapshot, and accepts
    /// again in those slots. A new leader may fill a chosen slot anew.
    TruncatesSilently,
}

/// The proposals a new leader's promises reported: in each slot, the highest-numbered.
pub type Reported = BTreeMap<Slot, (Ballot, Entry)>;

/// How a new leader recovers: from the first slot it does not know to be chosen and what
/// the promises reported, the entries to propose again, slot by slot. A function, so that
/// exercise 12.1 can put a student's in its place; compared and hashed by address, which
/// is all the model checker needs of a configuration every replica shares.
#[derive(Clone, Copy)]
pub struct Recovery(pub fn(Slot, &Reported) -> Vec<(Slot, Entry)>);

impl PartialEq for Recovery {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

impl Eq for Recovery {}

impl std::hash::Hash for Recovery {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.0 as usize).hash(state);
    }
}

impl fmt::Debug for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recovery")
    }
}

/// The recovery of "Paxos Made Simple" §3: in every slot from `from` to the last one
/// reported, the entry of the highest-numbered proposal reported, or a no-op where none
/// was.
pub fn recover(from: Slot, reported: &Reported) -> Vec<(Slot, Entry)> {
    let end = reported.keys().next_back().map_or(from, |&last| last + 1);
    (from..end)
        .map(|slot| {
            let entry = reported.get(&slot).map_or(Entry::Noop, |(_, e)| e.clone());
            (slot, entry)
        })
        .collect()
}

/// The planted bug's recovery: a no-op in every slot, whatever was reported.
fn no_ops(from: Slot, reported: &Reported) -> Vec<(Slot, Entry)> {
    let end = reported.keys().next_back().map_or(from, |&last| last + 1);
    (from..end).map(|slot| (slot, Entry::Noop)).collect()
}

// ANCHOR: lease
/// Leader leases (Gray & Cheriton 1989; "Paxos Made Live" §5.2): a replica that hears
/// from the leader promises no other candidate for `length` on its own clock, so the
/// leader, once a majority has granted, may answer reads from its own store. Sound only
/// if every clock's rate stays within `1 ± ρ` of true time, where ρ is `drift_ppm`
/// millionths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lease {
    /// How long a grant lasts, on the granting replica's clock.
    pub length: Duration,
    /// The bound ρ on every clock's drift, in millionths.
    pub drift_ppm: u32,
}

impl Lease {
    /// How long the leader may trust a majority's grants, on its own clock, from when it
    /// sent the heartbeat they answered: `length · (1 − ρ) / (1 + ρ)`. A grant starts
    /// after the heartbeat was sent and lasts at least `length / (1 + ρ)` of true time;
    /// this lasts at most `length · (1 − ρ) / (1 + ρ) / (1 − ρ)`, no longer.
    pub fn leader(&self) -> Duration {
        let rho = f64::from(self.drift_ppm) / 1e6;
        let nanos = self.length.as_nanos() as f64 * (1.0 - rho) / (1.0 + rho);
        Duration::from_nanos(nanos.floor() as u64) // rounded down, never up
    }
}
// ANCHOR_END: lease

/// How the replicas are configured; the same in every replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Setup {
    /// Replicas: processes `0..replicas`.
    pub replicas: usize,
    /// How long a follower waits for a leader before it campaigns: a duration drawn
    /// between the two.
    pub election: (Duration, Duration),
    /// Between a leader's heartbeats; `None`: no heartbeats (the model checker's
    /// setting: no catch-up and no resending either).
    pub heartbeat: Option<Duration>,
    /// Only replicas numbered below this campaign.
    pub candidates: usize,
    /// Campaigns per replica at most (`None`: no bound; the model checker bounds them).
    pub campaigns: Option<u32>,
    /// Entries per catch-up answer at most.
    pub batch: usize,
    /// A leader the replicas begin with, as if it had run phase 1 with ballot 1 and
    /// every replica had promised (the model checker's starting point; `None`: the
    /// replicas begin with no leader and elect one).
    pub leader: Option<ProcessId>,
    /// How a new leader recovers the slots it does not know ([`recover`]).
    pub recovery: Recovery,
    /// Leader leases, for reads at the leader without the log (`None`: every read goes
    /// through the log). Needs heartbeats.
    pub lease: Option<Lease>,
    /// Take a snapshot, and truncate the log below it, every this many slots applied
    /// (`None`: never; the log grows without bound).
    pub snapshot: Option<u64>,
    /// The most slots a leader has proposed and not yet seen chosen (`None`: no limit,
    /// phase 2 pipelined as deep as the commands come; `Some(1)`: one slot at a time).
    /// Commands that find the window full wait in the leader's queue.
    pub window: Option<usize>,
    /// The most commands the leader puts in one slot, from its queue: a batch.
    pub per_slot: usize,
    /// A planted bug, if any.
    pub bug: Option<Bug>,
}

impl Setup {
    /// `replicas` replicas, any of which may campaign, with no bug.
    pub fn new(
        replicas: usize,
        election: (Duration, Duration),
        heartbeat: Option<Duration>,
    ) -> Setup {
        Setup {
            replicas,
            election,
            heartbeat,
            candidates: replicas,
            campaigns: None,
            batch: 64,
            leader: None,
            recovery: Recovery(recover),
            lease: None,
            snapshot: None,
            window: None,
            per_slot: 1,
            bug: None,
        }
    }

    /// Whether acceptors tell a deposed leader so. Only a leader that would otherwise
    /// keep beating needs the news; for the model checker, which runs without
    /// heartbeats, it would only add interleavings.
    pub fn refusals(&self) -> bool {
        self.heartbeat.is_some()
    }

    /// The size of a quorum: a majority of the replicas.
    pub fn quorum(&self) -> usize {
        quorum::majority::majority(self.replicas)
    }

    /// The replicas, one per process.
    pub fn replicas(&self) -> Vec<Replica> {
        (0..self.replicas)
            .map(|id| Replica::new(id, *self))
            .collect()
    }
}

// ANCHOR: disk
/// What a replica persists before it answers: its acceptor's state, and (for the model
/// checker's bound) how many campaigns it started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Disk {
    /// The highest ballot promised.
    pub promised: Ballot,
    /// In each slot, the highest-numbered proposal accepted.
    pub accepted: BTreeMap<Slot, (Ballot, Entry)>,
    /// Campaigns started (so that a restart does not reset the bound on them).
    pub campaigns: u32,
    /// Every proposal ever accepted: a ghost record, read only by the checks, from which
    /// they compute what was chosen.
    pub ever: BTreeSet<(Slot, Ballot, Entry)>,
    /// The latest snapshot; `accepted` keeps only the slots from its `slot` on.
    pub snapshot: Option<Snapshot>,
    /// Snapshots installed from other replicas' promises, and in answer to catch-up or
    /// to an accept in a slot they had truncated: ghost counts, read only by the checks,
    /// that show each path taken.
    pub installed: (u32, u32),
}
// ANCHOR_END: disk

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
        reported: Reported,
    },
    /// Running phase 2 only.
    Leader {
        /// Its ballot.
        ballot: Ballot,
        /// The next free slot.
        next: Slot,
        /// The slots proposed and not yet chosen: the entry, and who accepted it.
        proposed: BTreeMap<Slot, (Entry, BTreeSet<ProcessId>)>,
        /// The end of its recovery: once every slot below is applied, its store holds
        /// every entry chosen before it led.
        recovered: Slot,
        /// For each follower, the latest heartbeat (by sending time) it granted.
        grants: BTreeMap<ProcessId, Time>,
        /// Commands waiting for room in the window.
        queue: VecDeque<Command>,
    },
}

/// A replica.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replica {
    /// Its number.
    pub id: ProcessId,
    /// The configuration.
    pub setup: Setup,
    /// Its acceptor's state, as on its disk.
    pub disk: Disk,
    /// What it is doing about leadership.
    pub role: Role,
    /// The leader it last heard from.
    pub leader: Option<ProcessId>,
    /// Every entry it knows to be chosen.
    pub log: BTreeMap<Slot, Entry>,
    /// The slots applied: every slot below this one.
    pub applied: Slot,
    /// Its copy of the state machine.
    pub store: Store,
    /// The commands its clients are waiting for, by the name each client gave itself:
    /// the name this replica knows the client by (to answer it), and the command.
    pub waiting: BTreeMap<ClientId, (ClientId, Command)>,
    /// The lease it granted, if any: to which replica, and until when on its own clock.
    /// After a restart it does not remember whom, and grants itself one, so that it
    /// promises nobody for a lease's length.
    pub granted: Option<(ProcessId, Time)>,
}

impl Replica {
    /// Replica `id` of `setup`, before it starts.
    pub fn new(id: ProcessId, setup: Setup) -> Replica {
        Replica {
            id,
            setup,
            disk: Disk::default(),
            role: Role::Follower,
            leader: None,
            log: BTreeMap::new(),
            applied: 0,
            store: Store::default(),
            waiting: BTreeMap::new(),
            granted: None,
        }
    }

    /// The other replicas.
    fn others(&self) -> impl Iterator<Item = ProcessId> + use<> {
        let me = self.id;
        (0..self.setup.replicas).filter(move |&q| q != me)
    }

    /// Sets the election timer, if this replica may (still) campaign.
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

    /// The ballot this replica leads or campaigns with, if any.
    fn own_ballot(&self) -> Option<Ballot> {
        match &self.role {
            Role::Follower => None,
            Role::Candidate { ballot, .. } | Role::Leader { ballot, .. } => Some(*ballot),
        }
    }

    /// Hears of `ballot`: a higher ballot than its own ends its campaign or its
    /// leadership. If the ballot `leads` (an accept or a heartbeat, not a prepare), its
    /// proposer is the leader. Returns whether the ballot is at least the one promised.
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
                if let Some(lease) = self.setup.lease {
                    self.granted = Some((ballot.proposer, ctx.now() + lease.length));
                    // Promise the ballot too: no late message of a lower one can then move
                    // the grant back to a deposed leader.
                    if ballot > self.disk.promised {
                        self.disk.promised = ballot;
                        ctx.persist(self.disk.clone());
                    }
                }
                self.follow(ballot.proposer, ctx);
            } else {
                self.leader = None;
                self.arm_election(ctx); // give the candidate its time
            }
        }
        true
    }

    /// Takes `leader` as the leader: passes it the clients' commands, and waits for it
    /// before campaigning.
    fn follow(&mut self, leader: ProcessId, ctx: &mut Context<'_, Self>) {
        if self.leader != Some(leader) {
            self.leader = Some(leader);
            for (_, command) in self.waiting.values() {
                ctx.send(leader, Message::Forward(command.clone()));
            }
        }
        self.arm_election(ctx);
    }

    // ANCHOR: campaign
    /// Phase 1 for every slot this replica does not know to be chosen, with a ballot
    /// higher than any it has promised.
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
        self.arm_election(ctx); // if this campaign fails, another
        self.promised(self.id, ballot, Vec::new(), None, ctx);
    }

    /// A promise for `ballot` from `from`, reporting `accepted`.
    fn promised(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        accepted: Vec<(Slot, Ballot, Entry)>,
        snapshot: Option<Snapshot>,
        ctx: &mut Context<'_, Self>,
    ) {
        let quorum = self.setup.quorum();
        if !matches!(&self.role, Role::Candidate { ballot: own, .. } if *own == ballot) {
            return;
        }
        if let Some(snapshot) = snapshot {
            // The slots below it are chosen: the campaign starts above them.
            if snapshot.slot > self.applied {
                self.disk.installed.0 += 1; // persisted with the snapshot
            }
            self.install(snapshot, ctx);
        }
        let applied = self.applied;
        let Role::Candidate {
            from: first,
            promises,
            reported,
            ..
        } = &mut self.role
        else {
            return;
        };
        if *first < applied {
            *first = applied;
            reported.retain(|&slot, _| slot >= applied);
        }
        promises.insert(from);
        for (slot, b, entry) in accepted.into_iter().filter(|(s, ..)| *s >= applied) {
            if reported.get(&slot).is_none_or(|(highest, _)| *highest < b) {
                reported.insert(slot, (b, entry));
            }
        }
        if promises.len() >= quorum {
            self.lead(ctx);
        }
    }

    /// Phase 1 is done: propose again what the recovery says (by default [`recover`]: in
    /// every slot from the campaign's first on, the entry of the highest-numbered proposal
    /// reported, or a no-op where none was), then the clients' commands.
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
        let Recovery(recovery) = match self.setup.bug {
            Some(Bug::SkipsRecovery) => Recovery(no_ops),
            _ => self.setup.recovery,
        };
        let recovered = recovery(from, &reported);
        // New commands go above every slot reported and every slot recovered.
        let end = reported.keys().next_back().map_or(from, |&last| last + 1);
        let next = recovered.iter().map(|&(s, _)| s + 1).fold(end, Slot::max);
        self.role = Role::Leader {
            ballot,
            next,
            proposed: BTreeMap::new(),
            recovered: next,
            grants: BTreeMap::new(),
            queue: VecDeque::new(),
        };
        self.leader = Some(self.id);
        ctx.cancel_timer(Timer::Election);
        if self.setup.heartbeat.is_some() {
            self.beat(ctx); // at once: the followers pass it their clients' commands
        }
        for (slot, entry) in recovered {
            self.propose_in(slot, entry, ctx);
        }
        let waiting: Vec<Command> =
            self.waiting.values().map(|(_, c)| c.clone()).collect();
        for command in waiting {
            self.propose(command, ctx);
        }
    }
    // ANCHOR_END: campaign

    // ANCHOR: propose
    /// The leader queues `command` for the next free slot.
    fn propose(&mut self, command: Command, ctx: &mut Context<'_, Self>) {
        let Role::Leader { queue, .. } = &mut self.role else {
            return;
        };
        queue.push_back(command);
        self.fill(ctx);
    }

    /// While the window has room, the leader puts up to `per_slot` queued commands in
    /// the next free slot.
    fn fill(&mut self, ctx: &mut Context<'_, Self>) {
        loop {
            let Role::Leader {
                next,
                proposed,
                queue,
                ..
            } = &mut self.role
            else {
                return;
            };
            let full = self.setup.window.is_some_and(|w| proposed.len() >= w);
            if queue.is_empty() || full {
                return;
            }
            let take = queue.len().min(self.setup.per_slot.max(1));
            let mut commands: Vec<Command> = queue.drain(..take).collect();
            let entry = match commands.pop() {
                Some(only) if commands.is_empty() => Entry::Command(only),
                Some(last) => {
                    commands.push(last);
                    Entry::Batch(commands)
                }
                None => return,
            };
            let slot = *next;
            *next += 1;
            self.propose_in(slot, entry, ctx);
        }
    }

    /// Phase 2 for `entry` in `slot`: the leader accepts it itself, then asks the others.
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

    /// The acceptor's phase 2b: accept `entry` in `slot` unless a higher ballot was
    /// promised, persisting before answering. Returns whether it accepted.
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
        self.disk.accepted.insert(slot, (ballot, entry.clone()));
        self.disk.ever.insert((slot, ballot, entry.clone()));
        ctx.persist(self.disk.clone());
        if self.setup.bug == Some(Bug::AppliesAccepted) {
            self.learn(slot, entry, ctx);
        }
        true
    }

    /// The leader counts an acceptance; a quorum chooses the entry, and every replica
    /// is told.
    fn accepted(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        slot: Slot,
        ctx: &mut Context<'_, Self>,
    ) {
        let quorum = self.setup.quorum();
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
            self.fill(ctx); // room in the window
        }
    }
    // ANCHOR_END: propose

    // ANCHOR: apply
    /// Learns that `entry` is chosen in `slot`, and applies every entry it can, in slot
    /// order: the state machine sees the same commands in the same order at every
    /// replica. The replica the client asked answers it.
    fn learn(&mut self, slot: Slot, entry: Entry, ctx: &mut Context<'_, Self>) {
        if slot < self.applied {
            return;
        }
        self.log.insert(slot, entry);
        self.apply_ready(ctx);
    }

    /// Applies every entry known from the first slot not applied on, in slot order.
    fn apply_ready(&mut self, ctx: &mut Context<'_, Self>) {
        while let Some(entry) = self.log.get(&self.applied) {
            for command in entry.commands() {
                let result = if self.setup.bug == Some(Bug::NoSessions) {
                    self.store.execute(&command.op)
                } else {
                    self.store.apply(command)
                };
                let asked_here = self.waiting.get(&command.client);
                if let Some(&(client, _)) = asked_here.filter(|(_, w)| w == command) {
                    self.waiting.remove(&command.client);
                    let seq = command.seq;
                    ctx.respond(client, Reply { seq, result });
                }
            }
            ctx.output((self.applied, entry.clone()));
            self.applied += 1;
        }
        if let Role::Leader { proposed, .. } = &mut self.role {
            // Slots it learned otherwise (a snapshot, a late `Chosen`) need no more votes.
            let (applied, log) = (self.applied, &self.log);
            let before = proposed.len();
            proposed.retain(|slot, _| *slot >= applied && !log.contains_key(slot));
            if proposed.len() < before {
                self.fill(ctx);
            }
        }
        let taken = self.disk.snapshot.as_ref().map_or(0, |s| s.slot);
        if let Some(every) = self.setup.snapshot
            && self.applied >= taken + every
        {
            let snapshot = Snapshot {
                slot: self.applied,
                store: self.store.clone(),
            };
            self.keep(snapshot, ctx);
        }
    }
    // ANCHOR_END: apply

    // ANCHOR: snapshot
    /// Persists `snapshot` in place of what it covers: the acceptor's state and the
    /// chosen entries below its slot, all chosen and applied, are dropped.
    fn keep(&mut self, snapshot: Snapshot, ctx: &mut Context<'_, Self>) {
        self.disk.accepted = self.disk.accepted.split_off(&snapshot.slot);
        self.log = self.log.split_off(&snapshot.slot);
        self.disk.snapshot = Some(snapshot);
        ctx.persist(self.disk.clone());
    }

    /// Installs a snapshot from another replica (or its own disk, after a restart) if it
    /// is ahead: the store jumps to it, the clients whose commands it covers are
    /// answered, and what the log holds beyond it is applied.
    fn install(&mut self, snapshot: Snapshot, ctx: &mut Context<'_, Self>) {
        if snapshot.slot <= self.applied {
            return;
        }
        self.store = snapshot.store.clone();
        self.applied = snapshot.slot;
        let store = &self.store;
        self.waiting
            .retain(|&name, (client, command)| match store.session(name) {
                Some((seq, result)) if *seq >= command.seq => {
                    if *seq == command.seq {
                        let (seq, result) = (*seq, result.clone());
                        ctx.respond(*client, Reply { seq, result });
                    }
                    false
                }
                _ => true,
            });
        if self
            .disk
            .snapshot
            .as_ref()
            .is_none_or(|s| s.slot < snapshot.slot)
        {
            self.keep(snapshot, ctx);
        }
        self.apply_ready(ctx);
    }
    // ANCHOR_END: snapshot

    // ANCHOR: reads
    /// Whether a prepare for `ballot` must wait: this replica granted another replica a
    /// lease that has not run out on its clock.
    fn bound_by_lease(&self, ballot: Ballot, now: Time) -> bool {
        self.granted
            .is_some_and(|(to, until)| to != ballot.proposer && now < until)
    }

    /// Whether this replica may answer a read from its own store at `now` (its clock):
    /// it leads, its store holds every entry chosen before it led, and a majority's
    /// grants, counting its own, still hold by the margin of [`Lease::leader`].
    fn holds_lease(&self, now: Time) -> bool {
        let (
            Some(lease),
            Role::Leader {
                recovered, grants, ..
            },
        ) = (self.setup.lease, &self.role)
        else {
            return false;
        };
        if self.applied < *recovered {
            return false;
        }
        let mut sent: Vec<Time> = grants.values().copied().collect();
        sent.sort_unstable_by(|a, b| b.cmp(a));
        // It needs the grants of a majority less itself: the oldest of the freshest few.
        let others = self.setup.quorum() - 1;
        if others == 0 {
            return true; // a majority of one replica: itself
        }
        let Some(&since) = sent.get(others - 1) else {
            return false;
        };
        let trusted = match self.setup.bug {
            Some(Bug::LeaseWithoutMargin) => lease.length,
            _ => lease.leader(),
        };
        now < since + trusted
    }
    // ANCHOR_END: reads

    /// The leader's beat.
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
            sent: ctx.now(),
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
            ctx.persist(self.disk.clone());
            self.leader = Some(leader);
            if leader == self.id {
                self.disk.campaigns = 1; // the campaign that elected it
                ctx.persist(self.disk.clone());
                if let Some(beat) = self.setup.heartbeat {
                    ctx.set_timer(Timer::Heartbeat, beat);
                }
                self.role = Role::Leader {
                    ballot,
                    next: 0,
                    proposed: BTreeMap::new(),
                    recovered: 0,
                    grants: BTreeMap::new(),
                    queue: VecDeque::new(),
                };
                return;
            }
        }
        self.arm_election(ctx);
    }

    fn on_recover(&mut self, disk: &Disk, ctx: &mut Context<'_, Self>) {
        self.disk = disk.clone();
        if let Some(snapshot) = disk.snapshot.clone() {
            self.install(snapshot, ctx);
        }
        if let Some(lease) = self.setup.lease {
            self.granted = Some((self.id, ctx.now() + lease.length));
        }
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
            && self.setup.bug != Some(Bug::NoSessions)
        {
            // A retry of a command applied here.
            let (seq, result) = (*seq, result.clone());
            ctx.respond(client, Reply { seq, result });
            return;
        }
        if let KvOp::Get(key) = &request.op
            && self.holds_lease(ctx.now())
        {
            let result = KvRet::Value(self.store.get(key).to_owned());
            ctx.respond(
                client,
                Reply {
                    seq: request.seq,
                    result,
                },
            );
            return;
        }
        let command = Command::new(&request);
        self.waiting
            .insert(request.client, (client, command.clone()));
        match self.leader {
            Some(leader) if leader == self.id => self.propose(command, ctx),
            Some(leader) => ctx.send(leader, Message::Forward(command)),
            None => {} // passed on when a leader is heard of
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
                if self.bound_by_lease(ballot, ctx.now()) {
                    // Ignored: the candidate campaigns again when its timer runs out.
                } else if self.hear(ballot, false, ctx) {
                    if ballot > self.disk.promised {
                        self.disk.promised = ballot;
                        ctx.persist(self.disk.clone());
                    }
                    let accepted = self
                        .disk
                        .accepted
                        .range(first..)
                        .map(|(&slot, (b, e))| (slot, *b, e.clone()))
                        .collect();
                    let snapshot = self
                        .disk
                        .snapshot
                        .clone()
                        .filter(|s| s.slot > first)
                        .filter(|_| self.setup.bug != Some(Bug::TruncatesSilently));
                    let promise = Message::Promise {
                        ballot,
                        accepted,
                        snapshot,
                    };
                    ctx.send(from, promise);
                } else if self.setup.refusals() {
                    let promised = self.disk.promised;
                    ctx.send(from, Message::Refuse { promised });
                }
            }
            Message::Promise {
                ballot,
                accepted,
                snapshot,
            } => self.promised(from, ballot, accepted, snapshot, ctx),
            Message::Install(snapshot) => {
                if snapshot.slot > self.applied {
                    self.disk.installed.1 += 1; // persisted with the snapshot
                }
                self.install(snapshot, ctx)
            }
            Message::Accept {
                ballot,
                slot,
                entry,
            } => {
                let truncated = self
                    .disk
                    .snapshot
                    .clone()
                    .filter(|s| slot < s.slot)
                    .filter(|_| self.setup.bug != Some(Bug::TruncatesSilently));
                if !self.hear(ballot, true, ctx) {
                    if self.setup.refusals() {
                        let promised = self.disk.promised;
                        ctx.send(from, Message::Refuse { promised });
                    }
                } else if let Some(snapshot) = truncated {
                    // Chosen, applied and truncated here: the leader is behind.
                    ctx.send(from, Message::Install(snapshot));
                } else if self.accept(ballot, slot, entry, ctx) {
                    ctx.send(from, Message::Accepted { ballot, slot });
                } else if self.setup.refusals() {
                    let promised = self.disk.promised;
                    ctx.send(from, Message::Refuse { promised });
                }
            }
            Message::Accepted { ballot, slot } => self.accepted(from, ballot, slot, ctx),
            Message::Granted { ballot, sent } => {
                if let Role::Leader {
                    ballot: own,
                    grants,
                    ..
                } = &mut self.role
                    && *own == ballot
                {
                    let latest = grants.entry(from).or_insert(sent);
                    *latest = (*latest).max(sent);
                }
            }
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
            Message::Heartbeat {
                ballot,
                chosen,
                sent,
            } => {
                if self.hear(ballot, true, ctx) {
                    if chosen > self.applied {
                        ctx.send(from, Message::CatchUp { from: self.applied });
                    }
                    if self.setup.lease.is_some() {
                        ctx.send(from, Message::Granted { ballot, sent });
                    }
                } else if self.setup.refusals() {
                    let promised = self.disk.promised;
                    ctx.send(from, Message::Refuse { promised });
                }
            }
            Message::CatchUp { from: first } => {
                if let Some(snapshot) = &self.disk.snapshot
                    && snapshot.slot > first
                {
                    ctx.send(from, Message::Install(snapshot.clone()));
                }
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
            Timer::Election
                if self.granted.is_some_and(|(_, until)| ctx.now() < until) =>
            {
                self.arm_election(ctx) // it promised not to, for now
            }
            Timer::Election if !matches!(self.role, Role::Leader { .. }) => {
                self.campaign(ctx)
            }
            Timer::Election => {}
            Timer::Heartbeat => self.beat(ctx),
        }
    }
}
