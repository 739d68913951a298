//! The simulation: a single-threaded discrete-event loop over virtual time.

use crate::clients::{Clients, Workload};
use crate::config::{Action, Clock, Config};
use crate::stats::Stats;
use crate::trace::{Cause, Event, Trace};
use process::{Choices, ClientId, Context, Effect, History, Process, ProcessId, Time};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::time::Duration;

/// Something scheduled to happen at a time.
enum Scheduled<P: Process> {
    Start(ProcessId),
    Deliver {
        from: ProcessId,
        to: ProcessId,
        id: u64,
        message: P::Message,
        /// Tampered with so badly it no longer decodes: the receiver drops it.
        garbled: bool,
    },
    Timer {
        process: ProcessId,
        timer: P::Timer,
        generation: u64,
    },
    Request {
        client: ClientId,
        process: ProcessId,
        request: P::Request,
    },
    Invoke {
        client: ClientId,
        process: ProcessId,
        request: P::Request,
    },
    ClientTimeout {
        client: ClientId,
        operation: usize,
    },
    NextOperation {
        client: ClientId,
    },
    Admin(Action),
    Partition(Vec<Vec<ProcessId>>),
    RandomPartition,
    Heal {
        random: bool,
    },
}

/// A queue entry, ordered by time and then by the order it was scheduled in: ties are
/// broken the same way in every run.
struct Entry<P: Process> {
    at: Time,
    seq: u64,
    what: Scheduled<P>,
}

impl<P: Process> PartialEq for Entry<P> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<P: Process> Eq for Entry<P> {}
impl<P: Process> PartialOrd for Entry<P> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<P: Process> Ord for Entry<P> {
    /// Reversed, so that the standard max-heap pops the earliest entry.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// One process and what the world knows about it.
struct Node<P: Process> {
    process: P,
    up: bool,
    storage: P::Storage,
    /// The current generation of each set timer; an expiry of an older generation is
    /// stale.
    timers: HashMap<P::Timer, u64>,
    /// Handling events until then (a slow machine, or a pause).
    busy_until: Time,
    clock: Clock,
    step: Duration,
}

/// The simulator's random choices, as the process model asks for them.
struct Seeded<'a>(&'a mut Xoshiro256PlusPlus);

impl Choices for Seeded<'_> {
    fn choose(&mut self, options: usize) -> usize {
        self.0.random_range(0..options)
    }
}

// ANCHOR: simulation
/// A run of a system of processes in a simulated world.
pub struct Simulation<P: Process> {
    config: Config,
    rng: Xoshiro256PlusPlus,
    now: Time,
    seq: u64,
    queue: BinaryHeap<Entry<P>>,
    initial: Vec<P>,
    nodes: Vec<Node<P>>,
    effects: Vec<Effect<P>>,
    /// Processes in the same group can talk; `None` is no partition.
    groups: Option<Vec<usize>>,
    /// Per directed link `from * n + to`: when the link is next free (bandwidth), and the
    /// latest delivery scheduled on it (FIFO).
    link_free: Vec<Time>,
    link_last: Vec<Time>,
    next_message: u64,
    trace: Trace<P>,
    stats: Stats,
    outputs: Vec<(Time, ProcessId, P::Output)>,
    clients: Clients<P>,
}
// ANCHOR_END: simulation

impl<P: Process> Simulation<P> {
    /// A simulation of `processes` (process `i` is `processes[i]`) in the world `config`,
    /// with every random choice drawn from a generator seeded with `seed`.
    ///
    /// # Panics
    /// If `config` is not a valid world for these processes ([`Config::validate`]): a
    /// program's bug, reported before anything runs.
    pub fn new(processes: Vec<P>, config: Config, seed: u64) -> Self {
        let n = processes.len();
        if let Err(why) = config.validate(n) {
            panic!("not a valid world for {n} processes: {why}");
        }
        let nodes = processes
            .iter()
            .enumerate()
            .map(|(i, p)| Node {
                process: p.clone(),
                up: true,
                storage: P::Storage::default(),
                timers: HashMap::new(),
                busy_until: Time::ZERO,
                clock: config.nodes.clocks.get(i).copied().unwrap_or_default(),
                step: config.nodes.step.get(i).copied().unwrap_or_default(),
            })
            .collect();
        let mut sim = Simulation {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            now: Time::ZERO,
            seq: 0,
            queue: BinaryHeap::new(),
            initial: processes,
            nodes,
            effects: Vec::new(),
            groups: None,
            link_free: vec![Time::ZERO; n * n],
            link_last: vec![Time::ZERO; n * n],
            next_message: 0,
            trace: Trace::default(),
            stats: Stats::new(n),
            outputs: Vec::new(),
            clients: Clients::default(),
            config,
        };
        for p in 0..n {
            sim.schedule(Time::ZERO, Scheduled::Start(p));
        }
        for (at, action) in sim.config.administrator.clone() {
            sim.schedule(at, Scheduled::Admin(action));
        }
        for (at, groups) in sim.config.network.partitions.scheduled.clone() {
            sim.schedule(at, Scheduled::Partition(groups));
        }
        if let Some(random) = sim.config.network.partitions.random.clone() {
            let after = sim.exponential(random.mean_interval);
            sim.schedule(Time::ZERO + after, Scheduled::RandomPartition);
        }
        sim
    }

    /// Adds `clients` clients running `workload`: each submits an operation, waits for
    /// its response or for `timeout`, then submits the next. A client that times out
    /// leaves its operation open and is replaced by a new client (as Jepsen does), since
    /// it can never know whether the operation took effect.
    pub fn add_clients(
        &mut self,
        clients: usize,
        timeout: Duration,
        workload: Box<dyn Workload<P>>,
    ) {
        self.clients = Clients::new(timeout, workload);
        for _ in 0..clients {
            let client = self.clients.join();
            self.schedule(self.now, Scheduled::NextOperation { client });
        }
    }

    /// The current true time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Process `p` as it is now.
    pub fn process(&self, p: ProcessId) -> &P {
        &self.nodes[p].process
    }

    /// Whether process `p` is running (not crashed).
    pub fn is_up(&self, p: ProcessId) -> bool {
        self.nodes[p].up
    }

    /// Process `p`'s durable storage.
    pub fn storage(&self, p: ProcessId) -> &P::Storage {
        &self.nodes[p].storage
    }

    /// The trace so far (empty if tracing is off).
    pub fn trace(&self) -> &Trace<P> {
        &self.trace
    }

    /// The counters so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Every output, with its true time and process.
    pub fn outputs(&self) -> &[(Time, ProcessId, P::Output)] {
        &self.outputs
    }

    /// The clients' history so far.
    pub fn history(&self) -> &History<P::Request, P::Response> {
        &self.clients.history
    }

    /// Whether nothing is left to happen.
    pub fn is_quiet(&self) -> bool {
        self.queue.is_empty()
    }

    /// Runs every event up to and including time `end`; the clock then reads `end`.
    pub fn run_until(&mut self, end: Time) {
        while self.queue.peek().is_some_and(|e| e.at <= end) {
            self.step();
        }
        self.now = self.now.max(end);
    }

    /// Runs for `d` of virtual time.
    pub fn run_for(&mut self, d: Duration) {
        self.run_until(self.now + d);
    }

    /// Runs until nothing is left to happen or time `limit` is reached; returns whether
    /// the world went quiet.
    pub fn run_until_quiet(&mut self, limit: Time) -> bool {
        self.run_until(limit);
        self.is_quiet()
    }

    /// Handles the earliest scheduled event; returns false if there was none.
    pub fn step(&mut self) -> bool {
        let Some(Entry { at, what, .. }) = self.queue.pop() else {
            return false;
        };
        // Virtual time never runs backwards: nothing is scheduled in the past.
        assert!(at >= self.now, "an event at {at} after time {}", self.now);
        self.now = at;
        self.handle(what);
        true
    }

    fn schedule(&mut self, at: Time, what: Scheduled<P>) {
        debug_assert!(at >= self.now, "scheduled in the past");
        self.seq += 1;
        self.queue.push(Entry {
            at,
            seq: self.seq,
            what,
        });
    }

    fn record(&mut self, event: Event<P>) {
        if self.config.trace {
            self.trace.events.push((self.now, event));
        }
    }

    fn exponential(&mut self, mean: Duration) -> Duration {
        let u: f64 = self.rng.random();
        Duration::from_secs_f64(-mean.as_secs_f64() * (1.0 - u).ln())
    }

    /// Whether an event for process `p` must wait because `p` is busy or paused; if so it
    /// is queued again for when `p` is free, behind what already waits.
    fn defer_if_busy(
        &mut self,
        p: ProcessId,
        what: Scheduled<P>,
    ) -> Option<Scheduled<P>> {
        let free = self.nodes[p].busy_until;
        if free > self.now {
            self.schedule(free, what);
            None
        } else {
            Some(what)
        }
    }

    fn handle(&mut self, what: Scheduled<P>) {
        match what {
            Scheduled::Start(p) => {
                self.record(Event::Start(p));
                self.run_handler(p, |process, ctx| process.on_start(ctx));
            }
            Scheduled::Deliver {
                from,
                to,
                id,
                message,
                garbled,
            } => {
                if !self.nodes[to].up {
                    return self.lose(from, to, id, Cause::ReceiverDown);
                }
                if self.cut(from, to) {
                    return self.lose(from, to, id, Cause::Partition);
                }
                if garbled {
                    return self.lose(from, to, id, Cause::Undecodable);
                }
                let what = Scheduled::Deliver {
                    from,
                    to,
                    id,
                    message,
                    garbled,
                };
                let Some(Scheduled::Deliver { message, .. }) =
                    self.defer_if_busy(to, what)
                else {
                    return;
                };
                self.stats.delivered += 1;
                if self.config.trace {
                    self.record(Event::Deliver {
                        from,
                        to,
                        id,
                        message: message.clone(),
                    });
                }
                self.run_handler(to, |process, ctx| {
                    process.on_message(from, message, ctx)
                });
            }
            Scheduled::Timer {
                process: p,
                timer,
                generation,
            } => {
                if !self.nodes[p].up
                    || self.nodes[p].timers.get(&timer) != Some(&generation)
                {
                    return; // cancelled, reset, or lost in a crash
                }
                let what = Scheduled::Timer {
                    process: p,
                    timer,
                    generation,
                };
                let Some(Scheduled::Timer { timer, .. }) = self.defer_if_busy(p, what)
                else {
                    return;
                };
                self.nodes[p].timers.remove(&timer);
                self.record(Event::Timer {
                    process: p,
                    timer: timer.clone(),
                });
                self.run_handler(p, |process, ctx| process.on_timer(timer, ctx));
            }
            Scheduled::Request {
                client,
                process: p,
                request,
            } => {
                if !self.nodes[p].up {
                    return; // the request is lost; the client will time out
                }
                let what = Scheduled::Request {
                    client,
                    process: p,
                    request,
                };
                let Some(Scheduled::Request { request, .. }) =
                    self.defer_if_busy(p, what)
                else {
                    return;
                };
                self.run_handler(p, |process, ctx| {
                    process.on_request(client, request, ctx)
                });
            }
            Scheduled::NextOperation { client } => self.next_operation(client),
            Scheduled::Invoke {
                client,
                process,
                request,
            } => {
                let operation =
                    self.clients
                        .invoke(client, process, request.clone(), self.now);
                if self.config.trace {
                    self.record(Event::Invoke {
                        client,
                        process,
                        request: request.clone(),
                    });
                }
                let timeout = self.now + self.clients.timeout;
                self.schedule(timeout, Scheduled::ClientTimeout { client, operation });
                self.handle(Scheduled::Request {
                    client,
                    process,
                    request,
                });
            }
            Scheduled::ClientTimeout { client, operation } => {
                if !self.clients.is_outstanding(client, operation) {
                    return;
                }
                if let Some(submit) = self.clients.retry(client, operation, &mut self.rng)
                {
                    let at = self.now + submit.after;
                    let what = Scheduled::Request {
                        client,
                        process: submit.process,
                        request: submit.request,
                    };
                    self.schedule(at, what);
                    let timeout = at + self.clients.timeout;
                    self.schedule(
                        timeout,
                        Scheduled::ClientTimeout { client, operation },
                    );
                } else if self.clients.time_out(client, operation) {
                    self.record(Event::Timeout { client });
                    let replacement = self.clients.join();
                    self.schedule(
                        self.now,
                        Scheduled::NextOperation {
                            client: replacement,
                        },
                    );
                }
            }
            Scheduled::Admin(action) => self.administer(action),
            Scheduled::Partition(groups) => self.partition(groups),
            Scheduled::RandomPartition => {
                let n = self.nodes.len();
                let mut groups = vec![Vec::new(), Vec::new()];
                // Every process joins one side at random; both sides must be non-empty.
                for p in 0..n {
                    groups[self.rng.random_range(0..2)].push(p);
                }
                if groups[0].is_empty() || groups[1].is_empty() {
                    let p = self.rng.random_range(0..n);
                    groups = vec![vec![p], (0..n).filter(|q| *q != p).collect()];
                }
                self.partition(groups);
                let mean = self
                    .config
                    .network
                    .partitions
                    .random
                    .as_ref()
                    .map(|r| r.mean_duration);
                let after = self.exponential(mean.unwrap_or_default());
                self.schedule(self.now + after, Scheduled::Heal { random: true });
            }
            Scheduled::Heal { random } => {
                self.partition(Vec::new());
                if random && let Some(r) = self.config.network.partitions.random.clone() {
                    let after = self.exponential(r.mean_interval);
                    self.schedule(self.now + after, Scheduled::RandomPartition);
                }
            }
        }
    }

    fn partition(&mut self, groups: Vec<Vec<ProcessId>>) {
        if groups.is_empty() {
            self.groups = None;
            self.record(Event::Heal);
            return;
        }
        // A process in no group is alone.
        let n = self.nodes.len();
        let mut group_of: Vec<usize> = (0..n).map(|p| groups.len() + p).collect();
        for (g, members) in groups.iter().enumerate() {
            for &p in members {
                group_of[p] = g;
            }
        }
        self.groups = Some(group_of);
        self.record(Event::Partition(groups));
    }

    /// Whether a partition cuts the link from `from` to `to`.
    fn cut(&self, from: ProcessId, to: ProcessId) -> bool {
        self.groups.as_ref().is_some_and(|g| g[from] != g[to])
    }

    fn lose(&mut self, from: ProcessId, to: ProcessId, id: u64, cause: Cause) {
        self.stats.lost += 1;
        self.record(Event::Lost {
            from,
            to,
            id,
            cause,
        });
    }

    fn administer(&mut self, action: Action) {
        match action {
            Action::Crash(p) => {
                if !self.nodes[p].up {
                    return;
                }
                let node = &mut self.nodes[p];
                node.up = false;
                node.timers.clear();
                node.process = self.initial[p].clone(); // volatile state is gone
                self.stats.crashes += 1;
                self.record(Event::Crash(p));
            }
            Action::Restart(p) => {
                if self.nodes[p].up {
                    return;
                }
                self.nodes[p].up = true;
                self.nodes[p].busy_until = self.now;
                self.record(Event::Recover(p));
                let storage = self.nodes[p].storage.clone();
                self.run_handler(p, |process, ctx| process.on_recover(&storage, ctx));
            }
            Action::Pause(p, d) => {
                let until = self.now + d;
                let node = &mut self.nodes[p];
                node.busy_until = node.busy_until.max(until);
                self.record(Event::Pause(p, until));
            }
        }
    }

    fn next_operation(&mut self, client: ClientId) {
        let Some(submit) = self.clients.next(client, &mut self.rng) else {
            return;
        };
        let invoke = Scheduled::Invoke {
            client,
            process: submit.process,
            request: submit.request,
        };
        self.schedule(self.now + submit.after, invoke);
    }

    /// Runs one handler of process `p` and carries out its effects.
    fn run_handler(
        &mut self,
        p: ProcessId,
        handler: impl FnOnce(&mut P, &mut Context<'_, P>),
    ) {
        let mut effects = std::mem::take(&mut self.effects);
        let node = &mut self.nodes[p];
        let local = node.clock.read(self.now);
        {
            let mut choices = Seeded(&mut self.rng);
            let mut ctx = Context::new(p, local, &mut effects, &mut choices);
            handler(&mut node.process, &mut ctx);
        }
        if !node.step.is_zero() {
            node.busy_until = self.now + node.step;
        }
        for effect in effects.drain(..) {
            self.apply(p, effect);
        }
        self.effects = effects;
    }

    fn apply(&mut self, p: ProcessId, effect: Effect<P>) {
        match effect {
            Effect::Send { to, message } => self.send(p, to, message),
            Effect::SetTimer { timer, min, max } => {
                // A timer that must fire at once would fire again at once, for ever, and
                // virtual time would never advance: refuse it.
                assert!(
                    !max.is_zero() && min <= max,
                    "p{p} set timer {timer:?} to fire between {min:?} and {max:?}: a timer \
                     must be able to take some time, and its range must not be empty"
                );
                let local = if min == max {
                    min
                } else {
                    Duration::from_nanos(
                        self.rng
                            .random_range(min.as_nanos() as u64..=max.as_nanos() as u64),
                    )
                };
                let node = &mut self.nodes[p];
                let delay = if node.clock.drift == 0.0 {
                    local
                } else {
                    node.clock.true_duration(local)
                };
                self.seq += 1;
                let generation = self.seq;
                node.timers.insert(timer.clone(), generation);
                self.schedule(
                    self.now + delay,
                    Scheduled::Timer {
                        process: p,
                        timer,
                        generation,
                    },
                );
            }
            Effect::CancelTimer { timer } => {
                self.nodes[p].timers.remove(&timer);
            }
            Effect::Persist { storage } => {
                self.nodes[p].storage = storage;
                self.record(Event::Persist(p));
            }
            Effect::Respond { client, response } => {
                if self.config.trace {
                    self.record(Event::Return {
                        client,
                        process: p,
                        response: response.clone(),
                    });
                }
                if self.clients.complete(client, p, response, self.now) {
                    self.schedule(self.now, Scheduled::NextOperation { client });
                }
            }
            Effect::Output { output } => {
                if self.config.trace {
                    self.record(Event::Output {
                        process: p,
                        output: output.clone(),
                    });
                }
                self.outputs.push((self.now, p, output));
            }
        }
    }

    // ANCHOR: send
    /// Puts a message on the network, which applies every knob to it.
    fn send(&mut self, from: ProcessId, to: ProcessId, message: P::Message) {
        let n = self.nodes.len();
        assert!(
            to < n,
            "p{from} sent a message to p{to}, but the processes are p0..p{}",
            n - 1
        );
        let id = self.next_message;
        self.next_message += 1;
        self.stats.sent += 1;
        self.stats.sent_by[from] += 1;
        if self.config.count_bytes || self.config.network.bandwidth.is_some() {
            let bytes = postcard::to_allocvec(&message).map_or(0, |b| b.len() as u64);
            self.stats.bytes += bytes;
            if let Some(rate) = self.config.network.bandwidth {
                // Transmission takes size / bandwidth, behind what the link already
                // carries.
                let link = from * n + to;
                let start = self.link_free[link].max(self.now);
                self.link_free[link] =
                    start + Duration::from_secs_f64(bytes as f64 / rate as f64);
            }
        }
        if self.config.trace {
            self.record(Event::Send {
                from,
                to,
                id,
                message: message.clone(),
            });
        }
        if self.cut(from, to) {
            return self.lose(from, to, id, Cause::Partition);
        }
        let network = &self.config.network;
        let (loss, latency) = match network.links.get(&(from, to)) {
            Some(link) => (link.loss, &link.latency),
            None => (network.loss, &network.latency),
        };
        if loss > 0.0 && self.rng.random_bool(loss.min(1.0)) {
            return self.lose(from, to, id, Cause::Loss);
        }
        let delay = latency.sample(&mut self.rng);
        let (corruption, duplication) = (network.corruption, network.duplication);
        let (message, garbled) =
            if corruption > 0.0 && self.rng.random_bool(corruption.min(1.0)) {
                self.stats.tampered += 1;
                self.record(Event::Tamper { id });
                self.tamper(message)
            } else {
                (message, false)
            };
        if duplication > 0.0 && self.rng.random_bool(duplication.min(1.0)) {
            let copy = self.next_message;
            self.next_message += 1;
            self.stats.duplicated += 1;
            self.record(Event::Duplicate { id, copy });
            let network = &self.config.network;
            let latency = network
                .links
                .get(&(from, to))
                .map_or(&network.latency, |l| &l.latency);
            let delay = latency.sample(&mut self.rng);
            let at = self.arrival(from, to, delay);
            let what = Scheduled::Deliver {
                from,
                to,
                id: copy,
                message: message.clone(),
                garbled,
            };
            self.schedule(at, what);
        }
        let at = self.arrival(from, to, delay);
        self.schedule(
            at,
            Scheduled::Deliver {
                from,
                to,
                id,
                message,
                garbled,
            },
        );
    }
    // ANCHOR_END: send

    /// When a message sent now with propagation `delay` arrives: after its transmission
    /// (if bandwidth is limited) and, on a FIFO link, not before the previous one.
    fn arrival(&mut self, from: ProcessId, to: ProcessId, delay: Duration) -> Time {
        let link = from * self.nodes.len() + to;
        let departed = if self.config.network.bandwidth.is_some() {
            self.link_free[link]
        } else {
            self.now
        };
        let mut at = departed + delay;
        if self.config.network.fifo {
            at = at.max(self.link_last[link]);
            self.link_last[link] = at;
        }
        at
    }

    /// Flips one random bit of the message's encoding; returns what the receiver decodes,
    /// or the original marked garbled if the result no longer decodes.
    fn tamper(&mut self, message: P::Message) -> (P::Message, bool) {
        let Ok(mut bytes) = postcard::to_allocvec(&message) else {
            return (message, true);
        };
        if bytes.is_empty() {
            return (message, true);
        }
        let bit = self.rng.random_range(0..bytes.len() * 8);
        bytes[bit / 8] ^= 1 << (bit % 8);
        match postcard::from_bytes::<P::Message>(&bytes) {
            Ok(altered) => (altered, false),
            Err(_) => (message, true),
        }
    }
}
