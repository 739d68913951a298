// Lab 3 (chapter 11): single-decree Paxos.
//
// Processes `0..acceptors` are acceptors; the next ones are proposers, each proposing its
// input and each also a learner. A learner announces the value it learns has been chosen
// with `ctx.output(value)`, once. Make sure that no two learners ever learn different
// values and that nothing is learned that no proposer proposed, whatever the network and
// the crashes do; and that once the network behaves, with a leader, every learner learns.
// The judge model-checks every interleaving of three acceptors and two proposers (also
// with an acceptor that crashes and restarts from its disk), runs every fault mix of the
// simulator, and a partition that heals at GST. Judge it with `cargo xtask lab paxos`.
//
// The timers, the heartbeats and Ω (`leads`) are written for you, and so is the choice
// of when a proposer starts a new ballot (`on_timer`). Acceptors report an acceptance
// to the ballot's proposer, which tells the other learners once it has learned (the
// paper's distinguished learners). As it stands, a proposer skips phase 1 and asks the
// acceptors to accept its own value; an acceptor accepts whatever it is asked; a
// proposer learns the first acceptance it hears of. Change anything in this file except
// the names `Node` and `Node::new`, which the judge calls. The model checker explores
// every state your processes can reach, within a bound: keep only the state you need.

use labs::consensus::Setup;
use paxos::paxos::{Retry, Value};
use process::{ClientId, Context, Process, ProcessId, Time};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// A proposal number: a round and the proposer that chose it, compared in that order, so
/// that no two proposers ever use the same one.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
pub struct Ballot {
    /// The round.
    pub round: u32,
    /// The proposer that chose it.
    pub proposer: ProcessId,
}

/// What the processes say to each other. Change it as your protocol needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Phase 1a: promise not to accept anything numbered below `ballot`.
    Prepare {
        /// The proposal number.
        ballot: Ballot,
    },
    /// Phase 1b: the promise, with the highest-numbered proposal accepted so far.
    Promise {
        /// The proposal number promised.
        ballot: Ballot,
        /// The acceptor's accepted proposal, if any.
        accepted: Option<(Ballot, Value)>,
    },
    /// Phase 2a: accept this proposal.
    Accept {
        /// The proposal number.
        ballot: Ballot,
        /// The value.
        value: Value,
    },
    /// Phase 2b, to the ballot's proposer, a distinguished learner: the acceptor
    /// accepted this proposal.
    Accepted {
        /// The proposal number.
        ballot: Ballot,
        /// The value.
        value: Value,
    },
    /// A distinguished learner tells the other learners: `value` is chosen.
    Chosen {
        /// The value.
        value: Value,
    },
    /// Ω's heartbeat, between proposers: I am alive.
    Heartbeat,
}

/// A proposer's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Start another ballot, if the policy says so.
    Retry,
    /// Ω: send a heartbeat.
    Heartbeat,
}

/// What a process keeps on disk (see `Context::persist` and `Process::on_recover`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Disk {
    /// An acceptor's highest promise.
    pub promised: Option<Ballot>,
    /// An acceptor's highest-numbered accepted proposal.
    pub accepted: Option<(Ballot, Value)>,
    /// A proposer's highest round, so that a restarted proposer never reuses a number.
    pub round: u32,
}

/// A process of single-decree Paxos: an acceptor, or a proposer that is also a learner.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    /// The system it is part of.
    pub setup: Setup,
    /// Its name.
    pub id: ProcessId,
    /// An acceptor's state (kept on its disk as well).
    pub disk: Disk,
    /// A proposer's value.
    pub input: Value,
    /// A proposer's ballots started so far.
    pub ballots: u32,
    /// A proposer's current ballot, if one is in progress.
    pub current: Option<Ballot>,
    /// A proposer's promises for its current ballot, by acceptor, with what each had
    /// accepted.
    pub promises: BTreeMap<ProcessId, Option<(Ballot, Value)>>,
    /// A learner's record of each acceptor's acceptances.
    pub accepted: BTreeMap<ProcessId, (Ballot, Value)>,
    /// The value this learner has learned, if any.
    pub learned: Option<Value>,
    /// For Ω: when each other proposer was last heard from.
    pub heard: BTreeMap<ProcessId, Time>,
}

impl Node {
    /// Process `id` of the system `setup`.
    pub fn new(id: ProcessId, setup: &Setup) -> Self {
        let input = setup
            .proposers()
            .position(|p| p == id)
            .map_or(0, |i| setup.inputs[i]);
        Node {
            setup: setup.clone(),
            id,
            disk: Disk::default(),
            input,
            ballots: 0,
            current: None,
            promises: BTreeMap::new(),
            accepted: BTreeMap::new(),
            learned: None,
            heard: BTreeMap::new(),
        }
    }

    fn is_proposer(&self) -> bool {
        self.setup.proposers().contains(&self.id)
    }

    /// A proposer starts a new ballot, numbered above any it has used or heard of.
    fn start_ballot(&mut self, ctx: &mut Context<'_, Self>) {
        self.ballots += 1;
        self.disk.round += 1;
        let ballot = Ballot {
            round: self.disk.round,
            proposer: self.id,
        };
        self.current = Some(ballot);
        self.promises.clear();
        ctx.persist(self.disk.clone());
        let value = self.input;
        ctx.send_all(self.setup.acceptors(), &Message::Accept { ballot, value });
        self.arm(ctx);
    }

    /// An acceptor is asked to promise.
    fn on_prepare(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        ctx: &mut Context<'_, Self>,
    ) {
        let _ = (from, ballot, ctx);
    }

    /// A proposer hears a promise.
    fn on_promise(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        accepted: Option<(Ballot, Value)>,
        ctx: &mut Context<'_, Self>,
    ) {
        let _ = (from, ballot, accepted, ctx);
    }

    /// An acceptor is asked to accept.
    fn on_accept(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        value: Value,
        ctx: &mut Context<'_, Self>,
    ) {
        let _ = from;
        self.disk.accepted = Some((ballot, value));
        ctx.persist(self.disk.clone());
        ctx.send(ballot.proposer, Message::Accepted { ballot, value });
    }

    /// A proposer, as the distinguished learner of its ballots, hears of an acceptance.
    fn on_accepted(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        value: Value,
        ctx: &mut Context<'_, Self>,
    ) {
        self.accepted.insert(from, (ballot, value));
        let others = self.setup.proposers().filter(|&p| p != self.id);
        ctx.send_all(others, &Message::Chosen { value });
        self.learn(value, ctx);
    }

    /// A learner learns `value`: it announces it, once.
    fn learn(&mut self, value: Value, ctx: &mut Context<'_, Self>) {
        if self.learned.is_none() {
            self.learned = Some(value);
            ctx.cancel_timer(Timer::Retry);
            ctx.output(value);
        }
    }

    // What follows is given: when to retry, and Ω.

    /// Sets the retry timer the policy asks for.
    fn arm(&self, ctx: &mut Context<'_, Self>) {
        match self.setup.retry {
            Retry::Timer { after, max } if self.ballots < max => {
                ctx.set_timer(Timer::Retry, after)
            }
            Retry::Leader { after, .. } => ctx.set_timer(Timer::Retry, after),
            _ => {}
        }
    }

    /// Ω: whether this proposer is the smallest-numbered one not suspected.
    fn leads(&self, ctx: &Context<'_, Self>) -> bool {
        let Retry::Leader { timeout, .. } = self.setup.retry else {
            return true;
        };
        let alive = |q: ProcessId| {
            self.heard
                .get(&q)
                .is_some_and(|&at| ctx.now().since(at) <= timeout)
        };
        !self
            .setup
            .proposers()
            .take_while(|&q| q < self.id)
            .any(alive)
    }
}

impl Process for Node {
    type Message = Message;
    type Timer = Timer;
    type Request = ();
    type Response = ();
    type Output = Value;
    type Storage = Disk;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if !self.is_proposer() {
            return;
        }
        let start = self.setup.start;
        match self.setup.retry {
            Retry::Leader { heartbeat, .. } => {
                ctx.set_timer(Timer::Heartbeat, start + heartbeat)
            }
            _ if start > Duration::ZERO => ctx.set_timer(Timer::Retry, start),
            _ => self.start_ballot(ctx),
        }
    }

    /// After a crash, with what the process persisted.
    fn on_recover(&mut self, disk: &Disk, ctx: &mut Context<'_, Self>) {
        self.disk = disk.clone();
        self.on_start(ctx);
    }

    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        match message {
            Message::Prepare { ballot } => self.on_prepare(from, ballot, ctx),
            Message::Promise { ballot, accepted } => {
                self.on_promise(from, ballot, accepted, ctx)
            }
            Message::Accept { ballot, value } => self.on_accept(from, ballot, value, ctx),
            Message::Accepted { ballot, value } => {
                self.on_accepted(from, ballot, value, ctx)
            }
            Message::Chosen { value } => self.learn(value, ctx),
            Message::Heartbeat => {
                self.heard.insert(from, ctx.now());
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Context<'_, Self>) {
        match (timer, self.setup.retry) {
            (Timer::Heartbeat, Retry::Leader { heartbeat, .. }) => {
                let others = self.setup.proposers().filter(|&p| p != self.id);
                ctx.send_all(others, &Message::Heartbeat);
                ctx.set_timer(Timer::Heartbeat, heartbeat);
                if self.current.is_none() && self.learned.is_none() && self.leads(ctx) {
                    self.start_ballot(ctx);
                }
            }
            (Timer::Retry, _) if self.learned.is_none() && self.leads(ctx) => {
                self.start_ballot(ctx)
            }
            (Timer::Retry, Retry::Leader { after, .. }) if self.learned.is_none() => {
                self.current = None; // not the leader: wait, and look again
                ctx.set_timer(Timer::Retry, after);
            }
            _ => {}
        }
    }

    fn on_request(&mut self, _: ClientId, (): (), _: &mut Context<'_, Self>) {}
}
