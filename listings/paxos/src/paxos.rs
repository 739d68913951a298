//! Single-decree Paxos, rule by rule from "Paxos Made Simple" (Lamport, 2001).
//!
//! Processes `0..acceptors` are acceptors; the next `proposers` processes are proposers,
//! each also a learner. Every rule below names the requirement of the paper it
//! maintains: P1, P1a, P2c.

use process::{ClientId, Context, Process, ProcessId, Time};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::time::Duration;

/// A value a proposer may propose.
pub type Value = u32;

// ANCHOR: ballot
/// A proposal number: a round and the proposer that chose it, compared in that order.
/// Two proposers never issue the same number, as the paper requires ("different
/// proposers choose their numbers from disjoint sets").
#[derive(
    Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Ballot {
    /// The round.
    pub round: u32,
    /// The proposer that chose it.
    pub proposer: ProcessId,
}
// ANCHOR_END: ballot

impl fmt::Debug for Ballot {
    /// `b2/p3`: round 2, proposer p3.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b{}/p{}", self.round, self.proposer)
    }
}

/// What the processes say to each other.
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
    /// Phase 2b, sent to every learner: the acceptor accepted this proposal.
    Accepted {
        /// The proposal number.
        ballot: Ballot,
        /// The value.
        value: Value,
    },
    /// The acceptor has promised a higher number (the paper's suggested optimization: a
    /// proposer should abandon a proposal that cannot succeed).
    Refuse {
        /// The proposal refused.
        ballot: Ballot,
        /// The number the acceptor promised.
        promised: Ballot,
        /// The phase refused: 1 (a prepare) or 2 (an accept).
        phase: u8,
    },
    /// Ω's heartbeat, between proposers: I am alive.
    Heartbeat,
}

/// The planted bugs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Bug {
    /// An acceptor keeps its accepted proposal on disk but not its promise: after a
    /// restart it may accept a proposal below one it promised to ignore (breaks P1a).
    ForgetsPromise,
    /// A proposer proposes its own value even when a promise reports an accepted
    /// proposal (breaks P2c).
    IgnoresAccepted,
    /// A proposer adopts the value of the *lowest*-numbered accepted proposal its
    /// promises report, not the highest (breaks P2c(b)).
    LowestAccepted,
    /// A learner learns from the first acceptance it hears of, not a majority's (breaks
    /// the third requirement: learn only what has been chosen).
    HastyLearner,
}

/// When a proposer starts a new ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retry {
    /// Never: one ballot per proposer.
    Never,
    /// When its timer fires, up to `max` ballots in all.
    Timer {
        /// How long to wait for a ballot to succeed.
        after: Duration,
        /// Ballots at most.
        max: u32,
    },
    /// At once, as soon as every acceptor has answered and one refused: the eager
    /// proposer whose duels never end.
    Eager,
    /// After a random wait between `after` and `after` times 2 to the number of failed
    /// ballots (capped at 2^6): randomized exponential backoff.
    Backoff {
        /// The shortest wait.
        after: Duration,
    },
    /// Only the proposer that Ω names leader proposes: the smallest-numbered proposer
    /// heard from within `timeout` (itself included). Heartbeats every `heartbeat`.
    Leader {
        /// Between heartbeats.
        heartbeat: Duration,
        /// Silence after which a proposer is suspected.
        timeout: Duration,
        /// How long the leader waits for a ballot to succeed before another.
        after: Duration,
    },
}

/// How the system is put together; the same in every process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Setup {
    /// Acceptors: processes `0..acceptors`.
    pub acceptors: usize,
    /// Proposers (and learners): the next `proposers` processes.
    pub proposers: usize,
    /// When proposers retry.
    pub retry: Retry,
    /// A planted bug, if any.
    pub bug: Option<Bug>,
    /// When the proposers begin (in the simulator; the model checker begins at once).
    pub start: Duration,
    /// Sizes of the phase 1 and phase 2 quorums, if not majorities (for exercise 11.1).
    pub quorums: Option<(usize, usize)>,
}

impl Setup {
    /// `acceptors` acceptors and `proposers` proposers retrying by `retry`, beginning at
    /// once, with majority quorums and no planted bug.
    pub fn new(acceptors: usize, proposers: usize, retry: Retry) -> Setup {
        Setup {
            acceptors,
            proposers,
            retry,
            bug: None,
            start: Duration::ZERO,
            quorums: None,
        }
    }

    /// The acceptors' names.
    pub fn acceptors(&self) -> std::ops::Range<ProcessId> {
        0..self.acceptors
    }

    /// The proposers' names.
    pub fn proposers(&self) -> std::ops::Range<ProcessId> {
        self.acceptors..self.acceptors + self.proposers
    }

    /// Whether acceptors tell proposers of higher promises. Only a proposer that retries
    /// can use the news; for the model checker it would only add interleavings.
    pub fn refusals(&self) -> bool {
        !matches!(self.retry, Retry::Never | Retry::Timer { .. })
    }

    /// How many promises a proposer needs: a majority of the acceptors.
    pub fn phase1(&self) -> usize {
        self.quorums
            .map_or(quorum::majority::majority(self.acceptors), |q| q.0)
    }

    /// How many acceptances of one proposal choose its value: a majority.
    pub fn phase2(&self) -> usize {
        self.quorums
            .map_or(quorum::majority::majority(self.acceptors), |q| q.1)
    }

    /// Every process: acceptors, then proposers proposing `inputs` in order.
    pub fn processes(&self, inputs: &[Value]) -> Vec<Paxos> {
        assert_eq!(inputs.len(), self.proposers, "one input per proposer");
        let acceptors = self
            .acceptors()
            .map(|_| Role::Acceptor(Acceptor::default()));
        let proposers = inputs
            .iter()
            .map(|&input| Role::Proposer(Proposer::new(input)));
        acceptors
            .chain(proposers)
            .map(|role| Paxos { setup: *self, role })
            .collect()
    }
}

// ANCHOR: acceptor
/// An acceptor's state, all of it durable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Acceptor {
    /// The highest proposal number it has promised.
    pub promised: Option<Ballot>,
    /// The highest-numbered proposal it has accepted.
    pub accepted: Option<(Ballot, Value)>,
    /// Ghost state, for the checker only (no rule reads it): every proposal it has ever
    /// accepted, so that what is *chosen* can be told from what is learned.
    pub ever: BTreeSet<(Ballot, Value)>,
}
// ANCHOR_END: acceptor

/// A phase of a proposer's current ballot.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// No ballot in progress.
    Idle,
    /// Phase 1: collecting promises, each with the acceptor's accepted proposal.
    Preparing {
        /// The proposal number.
        ballot: Ballot,
        /// Promises so far.
        promises: BTreeMap<ProcessId, Option<(Ballot, Value)>>,
    },
    /// Phase 2: the proposal is out; collecting acceptances.
    Accepting {
        /// The proposal number.
        ballot: Ballot,
        /// The value proposed.
        value: Value,
    },
}

/// A proposer, which is also a learner.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Proposer {
    /// The value it would like chosen.
    pub input: Value,
    /// The highest round it has used or heard of.
    pub round: u32,
    /// Ballots started so far.
    pub ballots: u32,
    /// Its current ballot.
    pub phase: Phase,
    /// As learner: each acceptor's latest accepted proposal.
    pub learned: BTreeMap<ProcessId, (Ballot, Value)>,
    /// The value learned chosen.
    pub decided: Option<Value>,
    /// For Ω: when each other proposer was last heard from.
    pub heard: BTreeMap<ProcessId, Time>,
    /// For the eager policy: the answers to the current ballot, as (phase, acceptor),
    /// and whether any was a refusal.
    pub answers: BTreeSet<(u8, ProcessId)>,
    /// Whether an acceptor refused the current ballot.
    pub refused: bool,
}

impl Proposer {
    /// The current ballot, if one is in progress.
    pub fn current(&self) -> Option<Ballot> {
        match &self.phase {
            Phase::Idle => None,
            Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => {
                Some(*ballot)
            }
        }
    }

    fn new(input: Value) -> Self {
        Proposer {
            input,
            round: 0,
            ballots: 0,
            phase: Phase::Idle,
            learned: BTreeMap::new(),
            decided: None,
            heard: BTreeMap::new(),
            answers: BTreeSet::new(),
            refused: false,
        }
    }
}

/// A process's role and state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// An acceptor.
    Acceptor(Acceptor),
    /// A proposer and learner.
    Proposer(Proposer),
}

/// A process of single-decree Paxos.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paxos {
    /// The system it is part of.
    pub setup: Setup,
    /// Its role and state.
    pub role: Role,
}

/// Hashes the role alone: a process's setup is the same in every state of a system
/// (a restart keeps it), so it would only cost every fingerprint its hashing. Equal
/// processes still hash equally.
impl Hash for Paxos {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.role.hash(state);
    }
}

/// What a process keeps on disk: an acceptor's state, or a proposer's highest round
/// (a restarted proposer must not reuse a number).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Disk {
    /// An acceptor's state.
    pub acceptor: Acceptor,
    /// A proposer's highest round.
    pub round: u32,
}

/// A proposer's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Timer {
    /// Start another ballot.
    Retry,
    /// Ω: send a heartbeat and look for the leader.
    Heartbeat,
}

// ANCHOR: acceptor_rules
impl Acceptor {
    /// Phase 1b. P1a: an acceptor may accept proposal n only if it has not promised a
    /// number above n, so it promises only numbers at least as high as any before, and
    /// makes the promise durable before sending it.
    fn prepare(
        &mut self,
        ballot: Ballot,
        setup: &Setup,
        ctx: &mut Context<'_, Paxos>,
    ) -> Message {
        if let Some(refusal) = self.refusal(ballot, 1) {
            return refusal;
        }
        self.promised = Some(ballot);
        self.persist(setup, ctx);
        Message::Promise {
            ballot,
            accepted: self.accepted,
        }
    }

    /// Phase 2b. P1a again: accept unless a higher number has been promised.
    fn accept(
        &mut self,
        ballot: Ballot,
        value: Value,
        setup: &Setup,
        ctx: &mut Context<'_, Paxos>,
    ) -> Message {
        if let Some(refusal) = self.refusal(ballot, 2) {
            return refusal;
        }
        self.promised = Some(ballot);
        self.accepted = Some((ballot, value));
        self.ever.insert((ballot, value));
        self.persist(setup, ctx);
        Message::Accepted { ballot, value }
    }

    /// P1a's test, for both phases: a request numbered below the promise is refused.
    fn refusal(&self, ballot: Ballot, phase: u8) -> Option<Message> {
        let promised = self.promised.filter(|&p| ballot < p)?;
        Some(Message::Refuse {
            ballot,
            promised,
            phase,
        })
    }

    fn persist(&self, setup: &Setup, ctx: &mut Context<'_, Paxos>) {
        let mut acceptor = self.clone();
        if setup.bug == Some(Bug::ForgetsPromise) {
            // The planted bug: only the accepted proposal reaches the disk.
            acceptor.promised = self.accepted.map(|(b, _)| b);
        }
        ctx.persist(Disk { acceptor, round: 0 });
    }
}
// ANCHOR_END: acceptor_rules

// ANCHOR: phase1
impl Paxos {
    /// Starts a new ballot: a number higher than any this proposer has used or heard
    /// of, made durable, and a prepare request to every acceptor.
    fn start(&mut self, ctx: &mut Context<'_, Paxos>) {
        let setup = self.setup;
        let Role::Proposer(p) = &mut self.role else {
            return;
        };
        p.round += 1;
        p.ballots += 1;
        p.answers.clear();
        p.refused = false;
        let ballot = Ballot {
            round: p.round,
            proposer: ctx.id(),
        };
        ctx.persist(Disk {
            acceptor: Acceptor::default(),
            round: p.round,
        });
        p.phase = Phase::Preparing {
            ballot,
            promises: BTreeMap::new(),
        };
        ctx.send_all(setup.acceptors(), &Message::Prepare { ballot });
        self.arm(ctx);
    }

    /// A promise for the current ballot. With a majority, phase 2 begins with the value
    /// P2c demands: that of the highest-numbered proposal any of the majority accepted,
    /// or the proposer's own if none did.
    fn promised(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        accepted: Option<(Ballot, Value)>,
        ctx: &mut Context<'_, Paxos>,
    ) {
        let setup = self.setup;
        let Role::Proposer(p) = &mut self.role else {
            return;
        };
        if p.current() != Some(ballot) {
            return; // a promise for an abandoned ballot
        }
        if setup.retry == Retry::Eager {
            p.answers.insert((1, from));
        }
        let Phase::Preparing { promises, .. } = &mut p.phase else {
            return self.eager_retry(ctx); // a late promise: phase 2 is under way
        };
        promises.insert(from, accepted);
        if promises.len() < setup.phase1() {
            return;
        }
        let reported = promises.values().flatten();
        let highest = match setup.bug {
            None | Some(Bug::ForgetsPromise | Bug::HastyLearner) => {
                reported.max_by_key(|(b, _)| *b)
            }
            Some(Bug::LowestAccepted) => reported.min_by_key(|(b, _)| *b),
            Some(Bug::IgnoresAccepted) => None,
        };
        let value = highest.map_or(p.input, |&(_, v)| v);
        p.phase = Phase::Accepting { ballot, value };
        ctx.send_all(setup.acceptors(), &Message::Accept { ballot, value });
    }
}
// ANCHOR_END: phase1

// ANCHOR: learner
impl Paxos {
    /// As learner: a value is chosen when a majority of acceptors have accepted the same
    /// proposal. Only each acceptor's latest acceptance is kept: what a majority last
    /// accepted was accepted by a majority, so what is learned was chosen.
    fn learn(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        value: Value,
        ctx: &mut Context<'_, Paxos>,
    ) {
        let majority = match self.setup.bug {
            Some(Bug::HastyLearner) => 1,
            _ => self.setup.phase2(),
        };
        let eager = self.setup.retry == Retry::Eager; // only it counts answers
        let Role::Proposer(p) = &mut self.role else {
            return;
        };
        if eager && p.current() == Some(ballot) {
            p.answers.insert((2, from));
        }
        if p.learned.get(&from).is_none_or(|(b, _)| ballot > *b) {
            p.learned.insert(from, (ballot, value));
        }
        let votes = p.learned.values().filter(|(b, _)| *b == ballot).count();
        if votes >= majority && p.decided.is_none() {
            p.decided = Some(value);
            p.phase = Phase::Idle;
            ctx.cancel_timer(Timer::Retry);
            ctx.output(value);
        }
        self.eager_retry(ctx);
    }
}
// ANCHOR_END: learner

impl Paxos {
    /// An acceptor refused the current ballot: remember the higher number, and with the
    /// eager policy, start again once every acceptor has answered.
    fn refused(
        &mut self,
        from: ProcessId,
        ballot: Ballot,
        promised: Ballot,
        phase: u8,
        ctx: &mut Context<'_, Paxos>,
    ) {
        let Role::Proposer(p) = &mut self.role else {
            return;
        };
        p.round = p.round.max(promised.round);
        if p.current() == Some(ballot) {
            p.refused = true;
            p.answers.insert((phase, from));
            self.eager_retry(ctx);
        }
    }

    /// The eager policy: once every acceptor has answered both phases of the current
    /// ballot (or phase 1, if it never reached phase 2) and one refused, start again at
    /// once. Waiting for every answer leaves no message of an old ballot in flight.
    fn eager_retry(&mut self, ctx: &mut Context<'_, Paxos>) {
        let n = self.setup.acceptors;
        let Role::Proposer(p) = &self.role else {
            return;
        };
        if self.setup.retry != Retry::Eager || !p.refused || p.decided.is_some() {
            return;
        }
        let answered = |phase| p.answers.iter().filter(|(f, _)| *f == phase).count();
        let done = match p.phase {
            Phase::Preparing { .. } => answered(1) == n,
            Phase::Accepting { .. } => answered(1) == n && answered(2) == n,
            Phase::Idle => false,
        };
        if done {
            self.start(ctx);
        }
    }

    /// Sets the retry timer the policy asks for.
    fn arm(&self, ctx: &mut Context<'_, Paxos>) {
        let Role::Proposer(p) = &self.role else {
            return;
        };
        match self.setup.retry {
            Retry::Timer { after, max } if p.ballots < max => {
                ctx.set_timer(Timer::Retry, after)
            }
            Retry::Backoff { after } => {
                let failures = p.ballots.saturating_sub(1).min(6);
                ctx.set_timer_between(Timer::Retry, after, after * (1 << failures));
            }
            Retry::Leader { after, .. } => ctx.set_timer(Timer::Retry, after),
            _ => {}
        }
    }

    /// Ω: whether this proposer is the smallest-numbered one not suspected.
    fn leads(&self, ctx: &Context<'_, Paxos>) -> bool {
        let (Role::Proposer(p), Retry::Leader { timeout, .. }) =
            (&self.role, self.setup.retry)
        else {
            return false;
        };
        let alive = |q: &ProcessId| {
            p.heard
                .get(q)
                .is_some_and(|&at| ctx.now().since(at) <= timeout)
        };
        !self
            .setup
            .proposers()
            .take_while(|&q| q < ctx.id())
            .any(|q| alive(&q))
    }
}

impl Process for Paxos {
    type Message = Message;
    type Timer = Timer;
    type Request = ();
    type Response = ();
    type Output = Value;
    type Storage = Disk;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let Role::Proposer(_) = self.role {
            let start = self.setup.start;
            match self.setup.retry {
                Retry::Leader { heartbeat, .. } => {
                    ctx.set_timer(Timer::Heartbeat, start + heartbeat)
                }
                _ if start > Duration::ZERO => ctx.set_timer(Timer::Retry, start),
                _ => self.start(ctx),
            }
        }
    }

    fn on_recover(&mut self, disk: &Disk, ctx: &mut Context<'_, Self>) {
        match &mut self.role {
            Role::Acceptor(a) => *a = disk.acceptor.clone(),
            Role::Proposer(p) => {
                p.round = disk.round;
                self.on_start(ctx);
            }
        }
    }

    fn on_request(&mut self, _: ClientId, (): (), _: &mut Context<'_, Self>) {}

    // ANCHOR: ignores
    /// The messages of a ballot that is over, where nothing answers them: a prepare or
    /// accept request below the acceptor's promise, in memory and on disk (the promise
    /// never falls, and a restart reads the disk), when refusals are not sent; and a
    /// promise for a ballot its proposer no longer collects promises for, whose round is
    /// on its disk (ballots only rise, and a restart starts above the round on disk),
    /// unless the eager policy counts it. Acceptances are never dead: a learner's record
    /// of them does not survive a crash.
    fn ignores(&self, disk: &Disk, _: ProcessId, message: &Message) -> bool {
        let above = |ballot: &Ballot, promised: Option<Ballot>| promised > Some(*ballot);
        match (&self.role, message) {
            (
                Role::Acceptor(a),
                Message::Prepare { ballot } | Message::Accept { ballot, .. },
            ) => {
                !self.setup.refusals()
                    && above(ballot, a.promised)
                    && above(ballot, disk.acceptor.promised)
            }
            (Role::Proposer(p), Message::Promise { ballot, .. }) => {
                let collecting =
                    matches!(&p.phase, Phase::Preparing { ballot: b, .. } if b == ballot);
                self.setup.retry != Retry::Eager
                    && !collecting
                    && disk.round >= ballot.round
            }
            _ => false,
        }
    }
    // ANCHOR_END: ignores

    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        let setup = self.setup;
        match (&mut self.role, message) {
            (Role::Acceptor(a), Message::Prepare { ballot }) => {
                let reply = a.prepare(ballot, &setup, ctx);
                if setup.refusals() || !matches!(reply, Message::Refuse { .. }) {
                    ctx.send(from, reply);
                }
            }
            (Role::Acceptor(a), Message::Accept { ballot, value }) => {
                let reply = a.accept(ballot, value, &setup, ctx);
                match reply {
                    // The proposer is the distinguished learner of its own ballot.
                    Message::Accepted { ballot, .. } => ctx.send(ballot.proposer, reply),
                    refusal if setup.refusals() => ctx.send(from, refusal),
                    _ => {}
                }
            }
            (Role::Proposer(_), Message::Promise { ballot, accepted }) => {
                self.promised(from, ballot, accepted, ctx)
            }
            (Role::Proposer(_), Message::Accepted { ballot, value }) => {
                self.learn(from, ballot, value, ctx)
            }
            (
                Role::Proposer(_),
                Message::Refuse {
                    ballot,
                    promised,
                    phase,
                },
            ) => self.refused(from, ballot, promised, phase, ctx),
            (Role::Proposer(p), Message::Heartbeat) => {
                p.heard.insert(from, ctx.now());
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Context<'_, Self>) {
        let Role::Proposer(p) = &self.role else {
            return;
        };
        if p.decided.is_some() {
            return;
        }
        match timer {
            Timer::Retry
                if !matches!(self.setup.retry, Retry::Leader { .. })
                    || self.leads(ctx) =>
            {
                self.start(ctx)
            }
            Timer::Retry => {
                // No longer the leader: drop the ballot; the leader will carry on.
                if let Role::Proposer(p) = &mut self.role {
                    p.phase = Phase::Idle;
                }
            }
            Timer::Heartbeat => {
                let Retry::Leader { heartbeat, .. } = self.setup.retry else {
                    return;
                };
                let me = ctx.id();
                let others = self.setup.proposers().filter(|&q| q != me);
                ctx.send_all(others, &Message::Heartbeat);
                ctx.set_timer(Timer::Heartbeat, heartbeat);
                if self.leads(ctx) && p.phase == Phase::Idle {
                    self.start(ctx);
                }
            }
        }
    }
}
