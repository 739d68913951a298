//! A system of processes, unchanged, as a transition system.
//!
//! A global state is every process's state, what each has persisted, which are up, the
//! timers set, and the messages in flight — a multiset, so that the network may deliver
//! them in any order. Each enabled action is a step: deliver a message, lose it,
//! duplicate it, fire a timer, crash a process, restart it. Time is abstract: any set
//! timer may fire at any moment, which is sound for safety (every timing the real world
//! could produce is among them) and, for liveness, is exactly the adversary of the FLP
//! proof. A handler that asks the context for a choice is run once for each way of
//! answering it: its choices become branches.
//!
//! Clients, too, can take part: each submits its requests one at a time, and the global
//! state records what they asked and were answered as a [`History`] — a history
//! variable, in Abadi and Lamport's sense — so that linearizability can be an invariant.

use crate::checker::fingerprint;
use crate::system::System;
use process::{Choices, ClientId, Context, Effect, History, Process, ProcessId, Time};
use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// What the network and the administrator may do, beyond delivering messages and firing
/// timers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Messages may be lost.
    pub loss: bool,
    /// Messages may be delivered more than once. The network is then a set that keeps
    /// every message sent, and each delivery is of a copy: as a multiset, a process that
    /// answers every copy of a request would make the state space infinite. For safety
    /// nothing is lost by never removing a message: one kept and not delivered again
    /// leaves the processes exactly where one removed would.
    pub duplication: bool,
    /// At most this many crashes in an execution.
    pub crashes: usize,
    /// Whether a crashed process may restart (from what it persisted).
    pub restarts: bool,
    /// Only processes numbered below this may crash (`None`: any may).
    pub crash_below: Option<ProcessId>,
    /// Each channel — the messages from one process to another — delivers them in the
    /// order sent, as TCP does between two live endpoints (the network may still lose
    /// any of them). Not with `duplication`, whose network is a set.
    pub fifo: bool,
}

impl Faults {
    /// Whether process `p` is one that may crash (budget aside).
    pub fn may_crash(&self, p: ProcessId) -> bool {
        self.crash_below.is_none_or(|below| p < below)
    }
}

/// A message in flight.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Envelope<P: Process> {
    /// The sender.
    pub from: ProcessId,
    /// The receiver.
    pub to: ProcessId,
    /// The message.
    pub message: P::Message,
}

impl<P: Process> fmt::Debug for Envelope<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}->p{} {:?}", self.from, self.to, self.message)
    }
}

// ANCHOR: global
/// A global state of a system of processes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Global<P: Process> {
    /// What belongs to each process.
    locals: Vec<Shared<Local<P>>>,
    /// The messages in flight, a multiset in a canonical order.
    network: Vec<Shared<Envelope<P>>>,
    /// Crashes so far.
    crashes: usize,
    /// What the clients asked and were answered. Time is the number of invocations
    /// and responses before: only their order is real.
    history: History<P::Request, P::Response>,
}

/// What belongs to one process in a global state.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Local<P: Process> {
    /// Its state.
    process: P,
    /// What it last persisted.
    storage: Shared<P::Storage>,
    /// Whether it is running.
    up: bool,
    /// Its set timers, in a canonical order.
    timers: Vec<P::Timer>,
    /// Its outputs so far.
    outputs: Vec<P::Output>,
}

/// A value with its fingerprint, computed once, shared by every state that holds it:
/// a state is a handful of pointers, and hashing one hashes each part's fingerprint.
struct Shared<T>(Arc<Part<T>>);

/// A shared value, its fingerprint, and its key under symmetry once computed.
#[derive(Clone)]
struct Part<T> {
    /// The value's fingerprint.
    print: u64,
    /// The key of [`Interchangeable::key`], with the number of the system that computed it.
    key: OnceLock<(usize, u64)>,
    /// The value.
    value: T,
}
// ANCHOR_END: global

impl<T: Hash> Shared<T> {
    fn new(value: T) -> Self {
        Shared(Arc::new(Part {
            print: fingerprint(&value),
            key: OnceLock::new(),
            value,
        }))
    }

    /// The value's fingerprint.
    fn print(&self) -> u64 {
        self.0.print
    }

    /// Changes the value through `f`, copying it first if another state holds it.
    fn edit<R>(&mut self, f: impl FnOnce(&mut T) -> R) -> R
    where
        T: Clone,
    {
        let part = Arc::make_mut(&mut self.0);
        let result = f(&mut part.value);
        part.print = fingerprint(&part.value);
        part.key = OnceLock::new();
        result
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0.value
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.0.print == other.0.print && self.0.value == other.0.value)
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T> Hash for Shared<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.print);
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.value.fmt(f)
    }
}

/// One copy of each value made: a value equal to one already made is replaced by it, so
/// that the states of a search, however many, hold each process's own part and each
/// message once. Never emptied while the system lives. Split into shards, each behind its
/// own lock, for the threads of a search.
struct Pool<T> {
    shards: Vec<Mutex<nohash_hasher::IntMap<u64, Vec<Shared<T>>>>>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            shards: (0..64).map(|_| Mutex::default()).collect(),
        }
    }
}

impl<T: Hash + Eq> Pool<T> {
    /// The copy of `value` made first.
    fn share(&self, value: Shared<T>) -> Shared<T> {
        let shard = &self.shards[(value.print() >> 58) as usize];
        let mut shard = shard
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let same = shard.entry(value.print()).or_default();
        match same.iter().find(|v| **v == value) {
            Some(first) => first.clone(),
            None => {
                same.push(value.clone());
                value
            }
        }
    }
}

/// The pools of a system's processes' parts.
struct Pools<P: Process> {
    locals: Pool<Local<P>>,
    envelopes: Pool<Envelope<P>>,
}

impl<P: Process> Default for Pools<P> {
    fn default() -> Self {
        Pools {
            locals: Pool::default(),
            envelopes: Pool::default(),
        }
    }
}

impl<P: Process> Global<P> {
    /// How many processes there are.
    pub fn len(&self) -> usize {
        self.locals.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.locals.is_empty()
    }

    /// Process `p`'s state.
    pub fn process(&self, p: ProcessId) -> &P {
        &self.locals[p].process
    }

    /// Every process's state, in order.
    pub fn all_processes(&self) -> impl ExactSizeIterator<Item = &P> + Clone {
        self.locals.iter().map(|l| &l.process)
    }

    /// What process `p` last persisted.
    pub fn storage(&self, p: ProcessId) -> &P::Storage {
        &self.locals[p].storage
    }

    /// What every process last persisted, in order.
    pub fn all_storage(&self) -> impl ExactSizeIterator<Item = &P::Storage> + Clone {
        self.locals.iter().map(|l| &*l.storage)
    }

    /// Whether the message at `i` in flight may be delivered next (see [`deliverable`]).
    pub(crate) fn deliverable(&self, i: usize, fifo: bool) -> bool {
        deliverable(&self.network, i, fifo)
    }

    /// Whether process `p` is running.
    pub fn is_up(&self, p: ProcessId) -> bool {
        self.locals[p].up
    }

    /// Process `p`'s set timers, in a canonical order.
    pub fn timers(&self, p: ProcessId) -> &[P::Timer] {
        &self.locals[p].timers
    }

    /// Process `p`'s outputs so far.
    pub fn outputs(&self, p: ProcessId) -> &[P::Output] {
        &self.locals[p].outputs
    }

    /// Every process's outputs so far, in order.
    pub fn all_outputs(&self) -> impl ExactSizeIterator<Item = &[P::Output]> + Clone {
        self.locals.iter().map(|l| l.outputs.as_slice())
    }

    /// The messages in flight, in a canonical order.
    pub fn network(&self) -> impl ExactSizeIterator<Item = &Envelope<P>> + Clone {
        self.network.iter().map(|e| &**e)
    }

    /// Crashes so far.
    pub fn crashes(&self) -> usize {
        self.crashes
    }

    /// What the clients asked and were answered.
    pub fn history(&self) -> &History<P::Request, P::Response> {
        &self.history
    }

    /// Changes process `p`'s state through `f`.
    pub fn edit_process(&mut self, p: ProcessId, f: impl FnOnce(&mut P)) {
        self.locals[p].edit(|local| f(&mut local.process));
    }

    /// Changes what process `p` last persisted through `f`.
    pub fn edit_storage(&mut self, p: ProcessId, f: impl FnOnce(&mut P::Storage)) {
        self.locals[p].edit(|local| local.storage.edit(f));
    }

    /// Changes every message in flight through `f`, and puts them back in the canonical
    /// order of a network whose channels are not FIFO.
    pub fn edit_messages(&mut self, mut f: impl FnMut(&mut Envelope<P>)) {
        for envelope in &mut self.network {
            envelope.edit(&mut f);
        }
        order(&mut self.network, false);
    }

    /// Keeps only the messages in flight for which `f` holds.
    pub fn retain_messages(&mut self, mut f: impl FnMut(&Envelope<P>) -> bool) {
        self.network.retain(|e| f(e));
    }

    /// Process `p` crashed, its volatile state `initial` again, its timers and outputs
    /// gone, and with no crash counted: a state the system's search did not reach, for a
    /// proof that starts from it.
    pub fn down(&mut self, p: ProcessId, initial: P) {
        self.locals[p].edit(|local| {
            local.process = initial;
            local.up = false;
            local.timers.clear();
            local.outputs.clear();
        });
    }
}

impl<P: Process> fmt::Debug for Global<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Global")
            .field("processes", &self.all_processes().collect::<Vec<_>>())
            .field(
                "up",
                &(0..self.len()).map(|p| self.is_up(p)).collect::<Vec<_>>(),
            )
            .field("network", &self.network)
            .field("outputs", &self.all_outputs().collect::<Vec<_>>())
            .field("history", &self.history)
            .finish()
    }
}

/// A step of a system of processes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Step<P: Process> {
    /// Process `to` handles `message` from `from`; the handler's choices were `choices`.
    Deliver(Envelope<P>, Vec<usize>),
    /// The network loses a message.
    Lose(Envelope<P>),
    /// The network delivers a copy of a message and keeps the original in flight.
    Duplicate(Envelope<P>, Vec<usize>),
    /// A timer of a process expires.
    Fire(ProcessId, P::Timer, Vec<usize>),
    /// A process crashes.
    Crash(ProcessId),
    /// A crashed process restarts.
    Restart(ProcessId, Vec<usize>),
    /// A client submits its next request.
    Invoke(ClientId, Vec<usize>),
}

impl<P: Process> fmt::Debug for Step<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let choices = |c: &Vec<usize>| {
            if c.is_empty() {
                String::new()
            } else {
                format!(" choosing {c:?}")
            }
        };
        match self {
            Step::Deliver(e, c) => write!(f, "deliver {e:?}{}", choices(c)),
            Step::Lose(e) => write!(f, "lose {e:?}"),
            Step::Duplicate(e, c) => write!(f, "duplicate {e:?}{}", choices(c)),
            Step::Fire(p, t, c) => write!(f, "p{p} timer {t:?}{}", choices(c)),
            Step::Crash(p) => write!(f, "crash p{p}"),
            Step::Restart(p, c) => write!(f, "restart p{p}{}", choices(c)),
            Step::Invoke(c, choices_made) => {
                write!(f, "client {c} invokes{}", choices(choices_made))
            }
        }
    }
}

/// Processes as a transition system.
pub struct Processes<P: Process> {
    /// The processes as constructed (before their start).
    pub initial: Vec<P>,
    /// What may go wrong.
    pub faults: Faults,
    /// Each client's requests, each with the process it is submitted to. A client
    /// submits its next request once the previous one is answered; a request to a
    /// crashed process, or one whose answer never comes, stays open forever.
    pub clients: Vec<Vec<(ProcessId, P::Request)>>,
    /// Keep dead messages in flight ([`Process::ignores`]) instead of dropping them: to
    /// measure what dropping them saves, and for the reduced search, which needs them.
    pub keep_dead: bool,
    /// The one copy of each part of a state that the search has made.
    pools: Pools<P>,
}

impl<P: Process> Processes<P> {
    /// The processes `initial`, under `faults`, with no clients, dropping dead messages.
    pub fn new(initial: Vec<P>, faults: Faults) -> Self {
        Processes {
            initial,
            faults,
            clients: Vec::new(),
            keep_dead: false,
            pools: Pools::default(),
        }
    }

    /// The system with these clients.
    pub fn with_clients(self, clients: Vec<Vec<(ProcessId, P::Request)>>) -> Self {
        Processes { clients, ..self }
    }

    /// The system keeping dead messages in flight, if `keep_dead`.
    pub fn keeping_dead(self, keep_dead: bool) -> Self {
        Processes { keep_dead, ..self }
    }

    /// `local`, shared with every state that holds one equal to it.
    fn share(&self, local: Local<P>) -> Shared<Local<P>> {
        self.pools.locals.share(Shared::new(local))
    }

    /// `state` with each of its parts shared likewise.
    fn shared(&self, mut state: Global<P>) -> Global<P> {
        for local in &mut state.locals {
            *local = self.pools.locals.share(local.clone());
        }
        for envelope in &mut state.network {
            *envelope = self.pools.envelopes.share(envelope.clone());
        }
        state
    }

    /// `envelope`, shared likewise.
    fn share_envelope(&self, envelope: Envelope<P>) -> Shared<Envelope<P>> {
        self.pools.envelopes.share(Shared::new(envelope))
    }
}

/// Answers choices from a script, recording each choice's number of options, so that
/// every combination can be enumerated by running the handler again.
struct Script {
    choices: Vec<usize>,
    options: Vec<usize>,
    next: usize,
}

impl Choices for Script {
    fn choose(&mut self, options: usize) -> usize {
        let i = self.next;
        self.next += 1;
        if i == self.choices.len() {
            self.choices.push(0);
        }
        if i == self.options.len() {
            self.options.push(options);
        }
        self.choices[i].min(options - 1)
    }
}

impl<P: Process> Processes<P> {
    /// Runs `handler` on process `p`, whose own part is `local`, of `state` once for every
    /// combination of its choices; for each, the successor state and the choices made.
    fn run(
        &self,
        state: &Global<P>,
        local: &Local<P>,
        p: ProcessId,
        handler: &dyn Fn(&mut P, &mut Context<'_, P>),
    ) -> Vec<(Global<P>, Vec<usize>)> {
        let mut results = Vec::new();
        let mut script = Script {
            choices: Vec::new(),
            options: Vec::new(),
            next: 0,
        };
        loop {
            let mut next = state.clone();
            let mut local = local.clone();
            let mut effects = Vec::new();
            script.next = 0;
            script.options.clear();
            {
                let mut ctx = Context::new(p, Time::ZERO, &mut effects, &mut script);
                handler(&mut local.process, &mut ctx);
            }
            script.choices.truncate(script.next);
            for effect in effects {
                self.apply(&mut next, &mut local, p, effect);
            }
            local.timers.sort_by_cached_key(fingerprint);
            next.locals[p] = self.share(local);
            self.settle(&mut next);
            results.push((next, script.choices.clone()));
            // The next combination, as an odometer over the choices made this time.
            let mut i = script.choices.len();
            loop {
                if i == 0 {
                    return results;
                }
                i -= 1;
                if script.choices[i] + 1 < script.options[i] {
                    script.choices[i] += 1;
                    script.choices.truncate(i + 1);
                    break;
                }
            }
        }
    }

    /// The steps in which the running receiver of `envelope`, a message in flight in
    /// `state`, receives it: one for each combination of its choices. They are among
    /// the successors of `state`; a search that picks its own schedule asks for these
    /// alone rather than generating every successor. Empty if the message is not in
    /// flight, its receiver is down, or it waits behind an older message of its FIFO
    /// channel.
    pub fn deliver(
        &self,
        state: &Global<P>,
        envelope: &Envelope<P>,
    ) -> Vec<(Step<P>, Global<P>)> {
        let Some(i) = state.network().position(|e| e == envelope) else {
            return Vec::new();
        };
        if !state.is_up(envelope.to) || !deliverable(&state.network, i, self.faults.fifo)
        {
            return Vec::new();
        }
        let mut rest = state.clone();
        rest.network.remove(i);
        self.receipts(state, rest, envelope)
    }

    /// The receiver of `envelope` handles it, from `state`, or from `rest` (`state`
    /// without it) when the network does not duplicate.
    fn receipts(
        &self,
        state: &Global<P>,
        rest: Global<P>,
        envelope: &Envelope<P>,
    ) -> Vec<(Step<P>, Global<P>)> {
        let receive = |p: &mut P, ctx: &mut Context<'_, P>| {
            p.on_message(envelope.from, envelope.message.clone(), ctx)
        };
        if self.faults.duplication {
            // Deliver a copy and keep the message: a network that duplicates keeps
            // everything sent (as the message set of Lamport's Paxos.tla does).
            self.run(state, &state.locals[envelope.to], envelope.to, &receive)
                .into_iter()
                .map(|(next, choices)| (Step::Duplicate(envelope.clone(), choices), next))
                .collect()
        } else {
            self.run(&rest, &state.locals[envelope.to], envelope.to, &receive)
                .into_iter()
                .map(|(next, choices)| (Step::Deliver(envelope.clone(), choices), next))
                .collect()
        }
    }

    /// The initial global states: every process started, every combination of their
    /// choices.
    fn started(&self) -> Vec<Global<P>> {
        assert!(
            !(self.faults.fifo && self.faults.duplication),
            "a duplicating network keeps a set of messages, which has no order: not with FIFO channels"
        );
        let n = self.initial.len();
        let storage = Shared::new(P::Storage::default());
        let mut states = vec![Global {
            locals: (self.initial.iter())
                .map(|process| {
                    self.share(Local {
                        process: process.clone(),
                        storage: storage.clone(),
                        up: true,
                        timers: Vec::new(),
                        outputs: Vec::new(),
                    })
                })
                .collect(),
            network: Vec::new(),
            crashes: 0,
            history: History::default(),
        }];
        for p in 0..n {
            states = states
                .iter()
                .flat_map(|s| {
                    self.run(s, &s.locals[p], p, &|process, ctx| process.on_start(ctx))
                })
                .map(|(s, _)| s)
                .collect();
        }
        states
    }
}

// ANCHOR: dead
/// Drops the messages in flight that their receivers promise to ignore for ever
/// ([`Process::ignores`]). Delivering one would change nothing, so a state with it and
/// the state without it have the same futures, up to such deliveries, and the same
/// processes, disks, outputs and history at every step: only the network tells them
/// apart, which an invariant of processes that make this promise must not read.
fn drop_dead<P: Process>(state: &mut Global<P>) {
    let locals = &state.locals;
    state.network.retain(|e| {
        let receiver = &locals[e.to];
        !(receiver.process).ignores(&receiver.storage, e.from, &e.message)
    });
}
// ANCHOR_END: dead

/// The first promise to ignore a message ([`Process::ignores`]) that `state`, a state of
/// `system` with dead messages kept, shows broken, described: a message its running
/// receiver calls dead whose delivery changes more than the network, or that a step, or a
/// crash of the receiver and its restart, leaves live again with the receiver running. A
/// test can run it as an invariant, on every state a search reaches.
pub fn broken_promise<P: Process>(
    system: &Processes<P>,
    state: &Global<P>,
) -> Option<String> {
    assert!(system.keep_dead, "dead messages must be kept to be checked");
    let dead = |s: &Global<P>, e: &Envelope<P>| {
        s.is_up(e.to) && s.process(e.to).ignores(s.storage(e.to), e.from, &e.message)
    };
    let mut successors = Vec::new();
    system.successors(state, &mut successors);
    for (i, envelope) in state.network().enumerate() {
        if !dead(state, envelope) {
            continue;
        }
        let mut unchanged = state.clone();
        if !system.faults.duplication {
            unchanged.network.remove(i);
        }
        if let Some((step, _)) = (system.deliver(state, envelope).into_iter())
            .find(|(_, next)| *next != unchanged)
        {
            return Some(format!("{step:?} changed more than the network"));
        }
        let live = |s: &Global<P>| {
            s.is_up(envelope.to)
                && s.network().any(|e| e == envelope)
                && !dead(s, envelope)
        };
        if let Some((step, _)) = successors.iter().find(|(_, next)| live(next)) {
            return Some(format!("after {step:?}, {envelope:?} is no longer dead"));
        }
        for (_, crashed) in (successors.iter())
            .filter(|(step, _)| matches!(step, Step::Crash(q) if *q == envelope.to))
        {
            let mut restarts = Vec::new();
            system.successors(crashed, &mut restarts);
            let restarted = restarts.iter().find(|(step, next)| {
                matches!(step, Step::Restart(q, _) if *q == envelope.to) && live(next)
            });
            if let Some((step, _)) = restarted {
                return Some(format!("after a crash and {step:?}, {envelope:?} is live"));
            }
        }
    }
    None
}

/// Puts the messages in flight in their canonical order: by fingerprint, so that two
/// states with the same multiset are equal; or, with FIFO channels, by channel, each in
/// the order sent (a stable sort of messages appended in that order).
fn order<P: Process>(network: &mut [Shared<Envelope<P>>], fifo: bool) {
    if fifo {
        network.sort_by_key(|e| (e.from, e.to));
    } else {
        network.sort_by_key(Shared::print);
    }
}

/// Whether the message at `i` in flight may be delivered next: any may, unless channels
/// are FIFO, when only the oldest of its channel may.
fn deliverable<P: Process>(
    network: &[Shared<Envelope<P>>],
    i: usize,
    fifo: bool,
) -> bool {
    let e = &network[i];
    !fifo
        || !network[..i]
            .iter()
            .any(|f| f.from == e.from && f.to == e.to)
}

impl<P: Process> Processes<P> {
    /// Carries out one effect of process `p`'s handler, on `state` and on `local`, the
    /// process's own part of it.
    fn apply(
        &self,
        state: &mut Global<P>,
        local: &mut Local<P>,
        p: ProcessId,
        effect: Effect<P>,
    ) {
        match effect {
            Effect::Send { to, message } => {
                let envelope = Envelope {
                    from: p,
                    to,
                    message,
                };
                state.network.push(self.share_envelope(envelope));
            }
            Effect::SetTimer { timer, .. } => {
                if !local.timers.contains(&timer) {
                    local.timers.push(timer);
                }
            }
            Effect::CancelTimer { timer } => local.timers.retain(|t| *t != timer),
            Effect::Persist { storage } => local.storage = Shared::new(storage),
            Effect::Respond { client, response } => {
                // Only the client's open operation takes an answer: a late or repeated
                // one is ignored.
                let at = events(&state.history);
                let open = (state.history.operations.iter())
                    .rposition(|op| op.client == client)
                    .filter(|&i| state.history.operations[i].is_open());
                if let Some(i) = open {
                    state.history.complete(i, response, at);
                }
            }
            Effect::Output { output } => local.outputs.push(output),
        }
    }

    /// Puts a successor in its canonical form: dead messages dropped (unless kept), the
    /// network in its canonical order, and copies of a message one if the network
    /// duplicates.
    fn settle(&self, state: &mut Global<P>) {
        if !self.keep_dead {
            drop_dead(state);
        }
        order(&mut state.network, self.faults.fifo);
        if self.faults.duplication {
            // Two copies in flight are no different from one.
            state.network.dedup();
        }
    }
}

/// The number of invocations and responses in `history`, as a time.
fn events<Req, Resp>(history: &History<Req, Resp>) -> Time {
    let returned = history.operations.iter().filter(|op| !op.is_open()).count();
    Time::from_nanos((history.operations.len() + returned) as u64)
}

impl<P: Process> Processes<P> {
    /// Client `c`'s next request and its process, if it has one and nothing open.
    pub(crate) fn next_request(
        &self,
        state: &Global<P>,
        c: ClientId,
    ) -> Option<(ProcessId, P::Request)> {
        let mine = state.history.operations.iter().filter(|op| op.client == c);
        let (done, open) = mine.fold((0, false), |(n, _), op| (n + 1, op.is_open()));
        if open {
            return None;
        }
        self.clients[c].get(done).cloned()
    }
}

// ANCHOR: steps
impl<P: Process> System for Processes<P> {
    type State = Global<P>;
    type Action = Step<P>;

    fn initial(&self) -> Vec<Global<P>> {
        self.started()
    }

    fn successors(&self, state: &Global<P>, out: &mut Vec<(Step<P>, Global<P>)>) {
        for (i, envelope) in state.network.iter().enumerate() {
            if i > 0 && state.network[i - 1] == *envelope {
                continue; // the same message twice in flight: one step covers both
            }
            let mut rest = state.clone();
            rest.network.remove(i);
            let to = envelope.to;
            if self.faults.loss {
                out.push((Step::Lose((**envelope).clone()), rest.clone()));
            }
            if !state.is_up(to) {
                // A crashed receiver drops it (a duplicating network keeps a copy).
                if !self.faults.loss && !self.faults.duplication {
                    out.push((Step::Lose((**envelope).clone()), rest));
                }
                continue;
            }
            if deliverable(&state.network, i, self.faults.fifo) {
                out.extend(self.receipts(state, rest, envelope));
            }
        }
        for (p, local) in state.locals.iter().enumerate() {
            if local.up {
                for timer in &local.timers {
                    let mut unset = (**local).clone();
                    unset.timers.retain(|t| t != timer);
                    let fire = |q: &mut P, ctx: &mut Context<'_, P>| {
                        q.on_timer(timer.clone(), ctx)
                    };
                    for (next, choices) in self.run(state, &unset, p, &fire) {
                        out.push((Step::Fire(p, timer.clone(), choices), next));
                    }
                }
                if state.crashes < self.faults.crashes && self.faults.may_crash(p) {
                    let mut crashed = state.clone();
                    // Volatile state is lost.
                    crashed.locals[p] = self.share(Local {
                        process: self.initial[p].clone(),
                        storage: local.storage.clone(),
                        up: false,
                        timers: Vec::new(),
                        outputs: local.outputs.clone(),
                    });
                    crashed.crashes += 1;
                    if !self.keep_dead {
                        drop_dead(&mut crashed);
                    }
                    out.push((Step::Crash(p), crashed));
                }
            } else if self.faults.restarts {
                let mut restarted = (**local).clone();
                restarted.up = true;
                let storage = local.storage.clone();
                let recover =
                    |q: &mut P, ctx: &mut Context<'_, P>| q.on_recover(&storage, ctx);
                for (next, choices) in self.run(state, &restarted, p, &recover) {
                    out.push((Step::Restart(p, choices), next));
                }
            }
        }
        for c in 0..self.clients.len() {
            let Some((p, request)) = self.next_request(state, c) else {
                continue;
            };
            let mut invoked = state.clone();
            let at = events(&state.history);
            invoked.history.invoke(c, p, request.clone(), at);
            if !state.is_up(p) {
                out.push((Step::Invoke(c, Vec::new()), invoked));
                continue;
            }
            let submit = |q: &mut P, ctx: &mut Context<'_, P>| {
                q.on_request(c, request.clone(), ctx)
            };
            for (next, choices) in self.run(&invoked, &state.locals[p], p, &submit) {
                out.push((Step::Invoke(c, choices), next));
            }
        }
    }

    /// Weak fairness of delivery: a message that stays in flight is eventually delivered;
    /// of timers: a timer that stays set eventually fires; and of clients: a client
    /// ready to submit eventually does.
    fn fairness(&self, step: &Step<P>) -> Option<u64> {
        match step {
            Step::Deliver(envelope, _) => Some(fingerprint(&(0u8, envelope))),
            Step::Fire(p, timer, _) => Some(fingerprint(&(1u8, p, timer))),
            Step::Invoke(c, _) => Some(fingerprint(&(2u8, c))),
            _ => None,
        }
    }
}
// ANCHOR_END: steps

// ANCHOR: symmetric
/// A process of a system in which some processes are interchangeable: it can rename the
/// processes its values name. Each method applies `to` to every process id the value
/// holds: a permutation, or, for the checker's keys, a map that gives a whole group one
/// name. Renaming by a permutation within the groups and then by that map must give what
/// the map alone gives; a value that maps processes of a group to something must then
/// merge the entries the map collides in a way that does not depend on their old names
/// (it may keep them all, say). Otherwise a class may get several representatives. The
/// defaults leave a value unchanged, for types that name no process. (Clients' requests
/// and responses must name none.)
pub trait Symmetric: Process {
    /// Renames the processes this process's state names.
    fn rename(&mut self, to: &dyn Fn(ProcessId) -> ProcessId) {
        let _ = to;
    }
    /// Renames the processes a message names.
    fn rename_message(message: &mut Self::Message, to: &dyn Fn(ProcessId) -> ProcessId) {
        let _ = (message, to);
    }
    /// Renames the processes a disk names.
    fn rename_storage(storage: &mut Self::Storage, to: &dyn Fn(ProcessId) -> ProcessId) {
        let _ = (storage, to);
    }
    /// Renames the processes a timer names.
    fn rename_timer(timer: &mut Self::Timer, to: &dyn Fn(ProcessId) -> ProcessId) {
        let _ = (timer, to);
    }
    /// Renames the processes an output names.
    fn rename_output(output: &mut Self::Output, to: &dyn Fn(ProcessId) -> ProcessId) {
        let _ = (output, to);
    }
}

/// A system of processes in which each of `groups` is a set of interchangeable processes:
/// renaming the processes of a group among themselves, in the state and in everything it
/// holds, maps every execution to an execution. The checker then explores one state of
/// each class of states that differ only by such a renaming (with
/// [`Checker::symmetry`](crate::Checker::symmetry)). Which one: each process of a group
/// gets a *key*, the fingerprint of its own state with every member of its group given
/// one name, so that no renaming within the groups changes it; of the renamings that
/// number each group's members in the order of their keys, the state whose fingerprint is
/// least. Only members with equal keys are tried in more than one order.
pub struct Interchangeable<P: Symmetric> {
    /// The system.
    pub system: Processes<P>,
    /// The groups, each in increasing order.
    groups: Vec<Vec<ProcessId>>,
    /// For each process, the name its group shares in keys (itself if in no group).
    merged: Vec<ProcessId>,
    /// This system's number, which no other system of the program has: a part remembers
    /// its key with the number of the system that computed it.
    id: usize,
}

impl<P: Symmetric> Interchangeable<P> {
    /// `system` with the interchangeable processes of `groups`, which must be disjoint.
    /// A process a client's requests go to, or one that may crash while another of its
    /// group may not, breaks the symmetry: this panics if a group holds one.
    pub fn new(system: Processes<P>, groups: &[Vec<ProcessId>]) -> Self {
        let n = system.initial.len();
        let mut merged: Vec<ProcessId> = (0..n).collect();
        let mut grouped = vec![false; n];
        let mut sorted = Vec::new();
        for group in groups {
            for &p in group {
                assert!(
                    p < n && !grouped[p],
                    "groups are disjoint sets of processes"
                );
                grouped[p] = true;
                assert!(
                    system.clients.iter().flatten().all(|(to, _)| *to != p),
                    "a client names process {p}, so it is not interchangeable"
                );
                let may_crash = |q: ProcessId| system.faults.may_crash(q);
                assert!(
                    group.iter().all(|&q| may_crash(q) == may_crash(p)),
                    "processes of a group may all crash, or none"
                );
            }
            let mut group = group.clone();
            group.sort_unstable();
            for &p in &group {
                merged[p] = group[0];
            }
            sorted.push(group);
        }
        static SYSTEMS: AtomicUsize = AtomicUsize::new(0);
        Interchangeable {
            system,
            groups: sorted,
            merged,
            id: SYSTEMS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Process `p`'s key in `state`: the fingerprint of its own state, disk, timers and
    /// outputs, and whether it is up, with each group's members given one name.
    /// Computed once per part: a part that many states share pays for it once.
    fn key(&self, state: &Global<P>, p: ProcessId) -> u64 {
        let memo = &state.locals[p].0.key;
        match memo.get() {
            Some(&(id, key)) if id == self.id => key,
            _ => {
                let key = fingerprint(&local(state, p, &|q| self.merged[q]));
                let _ = memo.set((self.id, key));
                key
            }
        }
    }

    /// The renamings that number each group's members in the order of their keys in
    /// `state`: one, unless members share a key, whose orders are all tried.
    fn candidates(&self, state: &Global<P>) -> Vec<Vec<ProcessId>> {
        let mut candidates: Vec<Vec<ProcessId>> = vec![(0..state.len()).collect()];
        for group in &self.groups {
            let mut keyed: Vec<(u64, ProcessId)> =
                group.iter().map(|&p| (self.key(state, p), p)).collect();
            keyed.sort_unstable();
            // Every order of the members that keeps the keys in order.
            let mut orders: Vec<Vec<ProcessId>> = vec![Vec::new()];
            for tie in keyed.chunk_by(|a, b| a.0 == b.0) {
                let members: Vec<ProcessId> = tie.iter().map(|&(_, p)| p).collect();
                let ways = permutations(&members);
                orders = (orders.iter())
                    .flat_map(|o| ways.iter().map(move |w| [o.as_slice(), w].concat()))
                    .collect();
            }
            candidates = (candidates.iter())
                .flat_map(|c| {
                    orders.iter().map(move |order| {
                        let mut to = c.clone();
                        for (&member, &name) in order.iter().zip(group) {
                            to[member] = name;
                        }
                        to
                    })
                })
                .collect();
        }
        candidates
    }
}

/// Every order of `items`.
fn permutations(items: &[ProcessId]) -> Vec<Vec<ProcessId>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut all = Vec::new();
    for (i, &first) in items.iter().enumerate() {
        let mut rest = items.to_vec();
        rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            all.push(tail);
        }
    }
    all
}

/// Process `p`'s own part of `state`, with every process it names renamed by `to`, and its
/// timers in their canonical order.
fn local<P: Symmetric>(
    state: &Global<P>,
    p: ProcessId,
    to: &dyn Fn(ProcessId) -> ProcessId,
) -> Local<P> {
    let own = &state.locals[p];
    let mut process = own.process.clone();
    process.rename(to);
    let mut storage = (*own.storage).clone();
    P::rename_storage(&mut storage, to);
    let mut timers = own.timers.clone();
    timers.iter_mut().for_each(|t| P::rename_timer(t, to));
    timers.sort_by_cached_key(fingerprint);
    let mut outputs = own.outputs.clone();
    outputs.iter_mut().for_each(|o| P::rename_output(o, to));
    Local {
        process,
        storage: Shared::new(storage),
        up: own.up,
        timers,
        outputs,
    }
}

/// `state` with every process `p` renamed `to[p]`; `fifo` if channels are.
pub fn renamed<P: Symmetric>(
    state: &Global<P>,
    to: &[ProcessId],
    fifo: bool,
) -> Global<P> {
    let f = |p: ProcessId| to[p];
    let mut next = state.clone();
    for (p, &q) in to.iter().enumerate() {
        next.locals[q] = Shared::new(local(state, p, &f));
    }
    for envelope in &mut next.network {
        envelope.edit(|e| {
            e.from = to[e.from];
            e.to = to[e.to];
            P::rename_message(&mut e.message, &f);
        });
    }
    order(&mut next.network, fifo);
    for op in &mut next.history.operations {
        op.process = to[op.process];
    }
    next
}
// ANCHOR_END: symmetric

impl<P: Symmetric> System for Interchangeable<P> {
    type State = Global<P>;
    type Action = Step<P>;

    fn initial(&self) -> Vec<Global<P>> {
        self.system.initial()
    }

    fn successors(&self, state: &Global<P>, out: &mut Vec<(Step<P>, Global<P>)>) {
        self.system.successors(state, out);
    }

    fn canonical(&self, state: &Global<P>) -> Global<P> {
        let candidates = self.candidates(state);
        let unchanged = |to: &[ProcessId]| to.iter().enumerate().all(|(p, &q)| p == q);
        if let [only] = candidates.as_slice()
            && unchanged(only)
        {
            return state.clone();
        }
        let mut least: Option<(u64, Global<P>, bool)> = None;
        for to in candidates {
            let (next, renames) = if unchanged(&to) {
                (state.clone(), false)
            } else {
                (renamed(state, &to, self.system.faults.fifo), true)
            };
            let print = fingerprint(&next);
            if least.as_ref().is_none_or(|(l, _, _)| print < *l) {
                least = Some((print, next, renames));
            }
        }
        let (_, least, renamed) = least.expect("every state has a candidate");
        if renamed {
            self.system.shared(least)
        } else {
            least // its parts are those of a state the system made
        }
    }

    fn fairness(&self, step: &Step<P>) -> Option<u64> {
        self.system.fairness(step)
    }
}

/// A trace of a system of processes — the initial state, then each step and the state it
/// leads to — as a space-time diagram whose time is the step number. `label` shortens a
/// message.
pub fn diagram<P: Process>(
    title: &str,
    trace: &[(Option<Step<P>>, Global<P>)],
    loop_from: Option<usize>,
    label: impl Fn(&P::Message) -> String,
) -> figures::Diagram {
    let debug = |r: &dyn fmt::Debug| format!("{r:?}");
    diagram_with(title, trace, loop_from, label, |q| debug(q), |r| debug(r))
}

/// [`diagram`], with clients' requests and responses written by `request` and `response`
/// rather than as Rust prints them.
pub fn diagram_with<P: Process>(
    title: &str,
    trace: &[(Option<Step<P>>, Global<P>)],
    loop_from: Option<usize>,
    label: impl Fn(&P::Message) -> String,
    request: impl Fn(&P::Request) -> String,
    response: impl Fn(&P::Response) -> String,
) -> figures::Diagram {
    use figures::spacetime::{Arrow, Band, BandKind, Fate, Point, PointMark};
    let n = trace.first().map_or(0, |(_, s)| s.len());
    let mut diagram = figures::Diagram {
        title: title.to_owned(),
        lanes: (0..n).map(|p| format!("p{p}")).collect(),
        unit: "step".into(),
        ..figures::Diagram::default()
    };
    // Messages in flight, with the step they were sent at.
    let mut sent: Vec<(Envelope<P>, f64)> = Vec::new();
    let mut down: Vec<Option<f64>> = vec![None; n];
    let mut previous: Option<&Global<P>> = None;
    for (i, (step, state)) in trace.iter().enumerate() {
        let t = i as f64;
        // What was in flight before, less what this step took off the network.
        let mut before: Vec<Envelope<P>> =
            previous.map_or(Vec::new(), |s| s.network().cloned().collect());
        if let Some(Step::Deliver(e, _) | Step::Lose(e)) = step
            && let Some(k) = before.iter().position(|x| x == e)
        {
            before.remove(k);
        }
        match step {
            Some(Step::Deliver(e, _) | Step::Duplicate(e, _)) => {
                let k = sent.iter().position(|(x, _)| x == e);
                let at = k.map_or(t - 0.5, |k| sent[k].1);
                if let (Some(k), Some(Step::Deliver(..))) = (k, step) {
                    sent.remove(k);
                }
                diagram.arrows.push(Arrow {
                    from: (e.from, at),
                    to: (e.to, t),
                    label: label(&e.message),
                    fate: Fate::Delivered,
                });
            }
            Some(Step::Lose(e)) => {
                let k = sent.iter().position(|(x, _)| x == e);
                let at = k.map_or(t - 0.5, |k| sent.remove(k).1);
                diagram.arrows.push(Arrow {
                    from: (e.from, at),
                    to: (e.to, t),
                    label: format!("{} (lost)", label(&e.message)),
                    fate: Fate::Lost,
                });
            }
            Some(Step::Fire(p, timer, _)) => {
                diagram.points.push(Point {
                    lane: *p,
                    time: t,
                    mark: PointMark::Timer,
                    label: format!("timer {timer:?}"),
                });
            }
            Some(Step::Crash(p)) => {
                down[*p] = Some(t);
                diagram.points.push(Point {
                    lane: *p,
                    time: t,
                    mark: PointMark::Crash,
                    label: "crash".into(),
                });
            }
            Some(Step::Restart(p, _)) => {
                if let Some(from) = down[*p].take() {
                    diagram.bands.push(Band {
                        lanes: vec![*p],
                        from,
                        to: t,
                        kind: BandKind::Down,
                        label: String::new(),
                    });
                }
                diagram.points.push(Point {
                    lane: *p,
                    time: t,
                    mark: PointMark::Start,
                    label: "restart".into(),
                });
            }
            Some(Step::Invoke(..)) | None => {}
        }
        // Messages that appeared in this step were sent by it.
        for envelope in state.network() {
            if let Some(k) = before.iter().position(|x| x == envelope) {
                before.remove(k);
            } else {
                sent.push((envelope.clone(), t));
            }
        }
        if let (Some(Step::Invoke(c, _)), Some(op)) =
            (step, state.history.operations.last())
        {
            diagram.points.push(Point {
                lane: op.process,
                time: t,
                mark: PointMark::Client,
                label: format!("c{c}: {}", request(&op.request)),
            });
        }
        // Responses that appeared in this step.
        for (k, op) in state.history.operations.iter().enumerate() {
            let before = previous.and_then(|s| s.history.operations.get(k));
            if let (Some((answer, _)), true) =
                (&op.returned, before.is_none_or(|b| b.is_open()))
            {
                diagram.points.push(Point {
                    lane: op.process,
                    time: t,
                    mark: PointMark::Client,
                    label: format!("c{} ← {}", op.client, response(answer)),
                });
            }
        }
        // Outputs that appeared in this step.
        for p in 0..n {
            let old = previous.map_or(0, |s| s.outputs(p).len());
            for output in state.outputs(p).iter().skip(old) {
                diagram.points.push(Point {
                    lane: p,
                    time: t,
                    mark: PointMark::Output,
                    label: format!("{output:?}"),
                });
            }
        }
        if loop_from == Some(i) {
            diagram.points.push(Point {
                lane: 0,
                time: t,
                mark: PointMark::Note,
                label: "the loop starts here".into(),
            });
        }
        previous = Some(state);
    }
    let end = trace.len().saturating_sub(1) as f64;
    for (p, from) in down.into_iter().enumerate() {
        if let Some(from) = from {
            diagram.bands.push(Band {
                lanes: vec![p],
                from,
                to: end,
                kind: BandKind::Down,
                label: String::new(),
            });
        }
    }
    if loop_from.is_some() {
        diagram.points.push(Point {
            lane: 0,
            time: end,
            mark: PointMark::Note,
            label: "back to the loop's start: repeats forever".into(),
        });
    }
    diagram
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Checker;
    use serde::{Deserialize, Serialize};

    /// Process 0 sends its coin flip to process 1, which outputs it.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Flip;

    #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    struct Coin(bool);

    impl Process for Flip {
        type Message = Coin;
        type Timer = ();
        type Request = ();
        type Response = ();
        type Output = bool;
        type Storage = ();
        fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
            if ctx.id() == 0 {
                let heads = ctx.coin();
                ctx.send(1, Coin(heads));
            }
        }
        fn on_message(
            &mut self,
            _: ProcessId,
            Coin(heads): Coin,
            ctx: &mut Context<'_, Self>,
        ) {
            ctx.output(heads);
        }
    }

    #[test]
    fn every_coin_flip_is_a_branch_and_faults_add_steps() {
        let system = Processes::new(vec![Flip, Flip], Faults::default());
        // Two initial states (heads, tails), each delivering: four states.
        let report = Checker::new(&system).run();
        assert_eq!(report.distinct, 4);
        let outputs = |s: &Global<Flip>| s.outputs(1).to_vec();
        let bad = Checker::new(&system)
            .invariant("never tails", |s| outputs(s) != vec![false])
            .run();
        assert!(bad.violation.is_some());
        // Loss adds one state: the message lost (heads or tails, the rest is the same).
        // Duplication adds those with two outputs.
        let lossy = Processes::new(
            vec![Flip, Flip],
            Faults {
                loss: true,
                ..Faults::default()
            },
        );
        assert_eq!(Checker::new(&lossy).run().distinct, 5);
        let copies = Processes::new(
            vec![Flip, Flip],
            Faults {
                duplication: true,
                ..Faults::default()
            },
        );
        let twice = Checker::new(&copies)
            .invariant("one output", |s| s.outputs(1).len() <= 1)
            .run();
        assert!(twice.violation.is_some());
    }

    /// Process 0 sends 1, then 2, to process 1, which outputs what it receives.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Pair;

    impl Process for Pair {
        type Message = u8;
        type Timer = ();
        type Request = ();
        type Response = ();
        type Output = u8;
        type Storage = ();
        fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
            if ctx.id() == 0 {
                ctx.send(1, 1);
                ctx.send(1, 2);
            }
        }
        fn on_message(&mut self, _: ProcessId, n: u8, ctx: &mut Context<'_, Self>) {
            ctx.output(n);
        }
    }

    #[test]
    fn a_fifo_channel_delivers_in_the_order_sent_and_may_still_lose() {
        let in_order = |s: &Global<Pair>| s.outputs(1).is_sorted();
        let with = |fifo: bool, loss: bool| {
            let system = Processes::new(
                vec![Pair, Pair],
                Faults {
                    fifo,
                    loss,
                    ..Faults::default()
                },
            );
            Checker::new(&system).invariant("in order", in_order).run()
        };
        assert!(with(false, false).violation.is_some(), "reordered");
        let fifo = with(true, false);
        assert!(fifo.proved());
        // Sent, 1 delivered, both delivered.
        assert_eq!(fifo.distinct, 3);
        // Loss adds: 1 lost, 2 lost, both lost, 1 delivered then 2 lost, 1 lost then 2
        // delivered.
        let lossy = with(true, true);
        assert!(lossy.proved());
        assert_eq!(lossy.distinct, 3 + 5);
    }

    #[test]
    fn equal_parts_made_by_different_steps_are_stored_once() {
        let lossy = Faults {
            loss: true,
            ..Faults::default()
        };
        let system = Processes::new(vec![Pair, Pair], lossy);
        let after = |state: &Global<Pair>| {
            let mut next = Vec::new();
            system.successors(state, &mut next);
            next.into_iter().map(|(_, s)| s).collect::<Vec<_>>()
        };
        let start = system.initial().remove(0);
        // 1 delivered then 2 lost, and 2 lost then 1 delivered: the receiver's part, made
        // by each delivery, is the same.
        let ends: Vec<Global<Pair>> = (after(&start).iter().flat_map(after))
            .filter(|s| s.outputs(1) == [1] && s.network().len() == 0)
            .collect();
        assert_eq!(ends.len(), 2);
        assert_eq!(ends[0], ends[1]);
        assert!(Arc::ptr_eq(&ends[0].locals[1].0, &ends[1].locals[1].0));
        // A part carries its value's fingerprint.
        assert_eq!(ends[0].locals[1].print(), fingerprint(&*ends[0].locals[1]));
    }

    /// Process 0 sends 1, then 2, to process 1, which outputs each number above the
    /// highest it has seen and promises to ignore the rest — or, if it `lies`, the next
    /// number too.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Highest {
        seen: u8,
        lies: bool,
    }

    impl Process for Highest {
        type Message = u8;
        type Timer = ();
        type Request = ();
        type Response = ();
        type Output = u8;
        type Storage = u8;
        fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
            if ctx.id() == 0 {
                ctx.send(1, 1);
                ctx.send(1, 2);
            }
        }
        fn on_recover(&mut self, disk: &u8, _: &mut Context<'_, Self>) {
            self.seen = *disk;
        }
        fn on_message(&mut self, _: ProcessId, n: u8, ctx: &mut Context<'_, Self>) {
            if n > self.seen {
                self.seen = n;
                ctx.persist(n);
                ctx.output(n);
            }
        }
        fn ignores(&self, disk: &u8, _: ProcessId, n: &u8) -> bool {
            let above = u8::from(self.lies);
            *n <= self.seen + above && *n <= *disk + above
        }
    }

    #[test]
    fn a_dead_message_is_dropped_and_nothing_the_invariants_read_changes() {
        let with = |keep_dead: bool, crashes: usize| {
            let system = Processes::new(
                vec![
                    Highest {
                        seen: 0,
                        lies: false
                    };
                    2
                ],
                Faults {
                    crashes,
                    restarts: true,
                    ..Faults::default()
                },
            )
            .keeping_dead(keep_dead);
            let outputs = std::sync::Mutex::new(std::collections::BTreeSet::new());
            let report = Checker::new(&system)
                .invariant("record", |s| {
                    outputs
                        .lock()
                        .unwrap()
                        .insert(s.all_outputs().map(<[_]>::to_vec).collect::<Vec<_>>());
                    true
                })
                .run();
            assert!(report.complete);
            (report.distinct, outputs.into_inner().unwrap())
        };
        // Kept: sent, 1 delivered, both delivered in order; 2 delivered with 1 in flight,
        // then 1 delivered to no effect. Dropped: 1 goes when 2 is delivered, and the last
        // two states are one.
        let (kept, read) = with(true, 0);
        let (dropped, read_dropped) = with(false, 0);
        assert_eq!((kept, dropped), (5, 4));
        assert_eq!(read, read_dropped);
        // With a crash and restart of either process, the same outputs are reachable.
        let (kept, read) = with(true, 1);
        let (dropped, read_dropped) = with(false, 1);
        assert!(dropped < kept);
        assert_eq!(read, read_dropped);
    }

    #[test]
    fn a_broken_promise_to_ignore_is_found_and_a_kept_one_is_not() {
        for lies in [false, true] {
            let system = Processes::new(
                vec![Highest { seen: 0, lies }; 2],
                Faults {
                    crashes: 1,
                    restarts: true,
                    ..Faults::default()
                },
            )
            .keeping_dead(true);
            let report = Checker::new(&system)
                .invariant("promises kept", |s| broken_promise(&system, s).is_none())
                .run();
            assert_eq!(report.violation.is_some(), lies);
            assert!(report.complete || lies);
        }
    }

    /// Answers each request with how many it has been asked.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Counter(u32);

    impl Process for Counter {
        type Message = ();
        type Timer = ();
        type Request = ();
        type Response = u32;
        type Output = ();
        type Storage = ();
        fn on_start(&mut self, _: &mut Context<'_, Self>) {}
        fn on_message(&mut self, _: ProcessId, _: (), _: &mut Context<'_, Self>) {}
        fn on_request(&mut self, client: ClientId, _: (), ctx: &mut Context<'_, Self>) {
            self.0 += 1;
            ctx.respond(client, self.0);
        }
    }

    #[test]
    fn clients_submit_one_request_at_a_time_and_the_history_records_the_order() {
        let system = Processes::new(
            vec![Counter(0)],
            Faults {
                crashes: 1,
                ..Faults::default()
            },
        )
        .with_clients(vec![vec![(0, ()), (0, ())], vec![(0, ())]]);
        let finals = std::sync::Mutex::new(Vec::new());
        let report = Checker::new(&system)
            .invariant("a client waits for its answer", |s| {
                (0..2).all(|c| {
                    let mine: Vec<_> = s
                        .history
                        .operations
                        .iter()
                        .filter(|op| op.client == c)
                        .collect();
                    mine.windows(2).all(|w| {
                        w[0].returned
                            .as_ref()
                            .is_some_and(|(_, at)| *at < w[1].invoked)
                    })
                })
            })
            .invariant("record the final histories", |s| {
                if s.history.operations.len() == 3 {
                    finals.lock().unwrap().push(s.history.clone());
                }
                true
            })
            .run();
        assert!(report.violation.is_none() && report.complete);
        let finals = finals.into_inner().unwrap();
        // Without a crash, every order of the three requests is a history: the answers
        // are 1, 2, 3 in the order of invocation.
        let full = |h: &&History<(), u32>| h.operations.iter().all(|op| !op.is_open());
        assert!(finals.iter().filter(full).all(|h| {
            let mut answers: Vec<_> = h.operations.iter().map(|op| op.returned).collect();
            answers.sort_by_key(|r| r.as_ref().map(|(_, at)| *at));
            answers.iter().map(|r| r.as_ref().unwrap().0).eq(1..=3)
        }));
        // A request submitted to the crashed process stays open forever.
        assert!(
            finals
                .iter()
                .any(|h| h.operations.iter().any(|op| op.is_open()))
        );
    }
}
