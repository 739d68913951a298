//! A process that sends messages to random peers and stamps every event with each kind of
//! clock, so that the clocks can be compared on the same execution.

use crate::hlc::{Hlc, StickyHlc};
use crate::lamport::Lamport;
use crate::vector::{ForgetfulVectorClock, VectorClock};
use process::{Context, Process, ProcessId};
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use sim::{Clock, Config, Latency, Simulation};
use std::time::Duration;

/// What kind of event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A send to the given process.
    Send(ProcessId),
    /// A receive from the given process.
    Receive(ProcessId),
    /// A local step.
    Local,
}

/// An event with every clock's timestamp, as the process outputs it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stamped {
    /// What happened.
    pub kind: Kind,
    /// Lamport's clock.
    pub lamport: Lamport,
    /// The vector clock.
    pub vector: VectorClock,
    /// The planted bug's vector clock.
    pub forgetful: VectorClock,
    /// The hybrid logical clock.
    pub hlc: Hlc,
    /// The planted bug's hybrid clock.
    pub sticky: Hlc,
    /// The process's physical clock when the event happened, in its ticks (see
    /// [`Gossip::resolution`]).
    pub physical: u64,
}

/// A message: every clock's stamp.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// Lamport's clock.
    pub lamport: Lamport,
    /// The vector clock.
    pub vector: VectorClock,
    /// The planted bug's vector clock.
    pub forgetful: VectorClock,
    /// The hybrid logical clock.
    pub hlc: Hlc,
    /// The planted bug's hybrid clock.
    pub sticky: Hlc,
}

/// The process's one timer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Next;

// ANCHOR: gossip
/// A process that, every so often, either sends a stamped message to a random peer or
/// takes a local step, and stamps each receive; it outputs every event with its
/// timestamps.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Gossip {
    /// How many processes there are.
    pub n: usize,
    /// Events still to initiate.
    pub remaining: u32,
    /// The mean time between initiated events.
    pub period: Duration,
    /// The tick of the physical clock the hybrid clocks read: a reading is the local time
    /// in whole ticks.
    pub resolution: Duration,
    lamport: Lamport,
    vector: VectorClock,
    forgetful: ForgetfulVectorClock,
    hlc: Hlc,
    sticky: StickyHlc,
}

impl Gossip {
    /// One of `n` processes, initiating `events` events about every `period`, reading a
    /// physical clock that ticks every `resolution`.
    pub fn new(n: usize, events: u32, period: Duration, resolution: Duration) -> Self {
        assert!(!resolution.is_zero(), "a clock's tick is longer than zero");
        Gossip {
            n,
            remaining: events,
            period,
            resolution,
            lamport: Lamport::default(),
            vector: VectorClock::new(n),
            forgetful: ForgetfulVectorClock(VectorClock::new(n)),
            hlc: Hlc::default(),
            sticky: StickyHlc::default(),
        }
    }

    /// The physical clock's reading, in ticks, at local time `now`.
    fn physical(&self, now: process::Time) -> u64 {
        now.nanos() / self.resolution.as_nanos() as u64
    }

    fn stamp(&self, kind: Kind, physical: u64) -> Stamped {
        Stamped {
            kind,
            lamport: self.lamport,
            vector: self.vector.clone(),
            forgetful: self.forgetful.0.clone(),
            hlc: self.hlc,
            sticky: self.sticky.0,
            physical,
        }
    }
}

impl Process for Gossip {
    type Message = Stamp;
    type Timer = Next;
    type Request = ();
    type Response = ();
    type Output = Stamped;
    type Storage = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer_between(Next, self.period / 2, self.period * 3 / 2);
    }

    fn on_timer(&mut self, _: Next, ctx: &mut Context<'_, Self>) {
        let (me, pt) = (ctx.id(), self.physical(ctx.now()));
        self.lamport.tick();
        self.vector.tick(me);
        self.forgetful.0.tick(me);
        self.hlc.tick(pt);
        self.sticky.tick(pt);
        // One event in four is local; the others are sends to a random peer.
        if ctx.choose(4) == 0 {
            ctx.output(self.stamp(Kind::Local, pt));
        } else {
            let peer = (me + 1 + ctx.choose(self.n - 1)) % self.n;
            ctx.output(self.stamp(Kind::Send(peer), pt));
            let stamp = Stamp {
                lamport: self.lamport,
                vector: self.vector.clone(),
                forgetful: self.forgetful.0.clone(),
                hlc: self.hlc,
                sticky: self.sticky.0,
            };
            ctx.send(peer, stamp);
        }
        self.remaining -= 1;
        if self.remaining > 0 {
            ctx.set_timer_between(Next, self.period / 2, self.period * 3 / 2);
        }
    }

    fn on_message(&mut self, from: ProcessId, stamp: Stamp, ctx: &mut Context<'_, Self>) {
        let (me, pt) = (ctx.id(), self.physical(ctx.now()));
        self.lamport.receive(stamp.lamport);
        self.vector.receive(me, &stamp.vector);
        self.forgetful.receive(me, &stamp.forgetful);
        self.hlc.receive(pt, stamp.hlc);
        self.sticky.receive(pt, stamp.sticky);
        ctx.output(self.stamp(Kind::Receive(from), pt));
    }
}
// ANCHOR_END: gossip

/// The physical clocks' tick wherever the chapter does not say otherwise.
pub const MICROSECOND: Duration = Duration::from_micros(1);

/// Runs `n` gossip processes, each initiating `events` events about every 10 ms over a
/// network with delays between 1 and 5 ms, with the given clocks read in ticks of
/// `resolution`, until everything is delivered.
pub fn simulate(
    n: usize,
    events: u32,
    clocks: Vec<Clock>,
    seed: u64,
    resolution: Duration,
) -> Simulation<Gossip> {
    let mut config = Config::default();
    config.network.latency = Latency::Uniform {
        min: Duration::from_millis(1),
        max: Duration::from_millis(5),
    };
    config.network.fifo = false;
    config.nodes.clocks = clocks;
    let processes = (0..n)
        .map(|_| Gossip::new(n, events, Duration::from_millis(10), resolution))
        .collect();
    let mut sim = Simulation::new(processes, config, seed);
    sim.run_until(process::Time::from_secs(3_600));
    sim
}

/// Clocks with drifts drawn uniformly in `[-drift, drift]` and offsets in `[-offset,
/// offset]` microseconds.
pub fn random_clocks(
    n: usize,
    drift: f64,
    offset_us: i64,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<Clock> {
    (0..n)
        .map(|_| Clock {
            drift: if drift > 0.0 {
                rng.random_range(-drift..=drift)
            } else {
                0.0
            },
            offset_nanos: if offset_us > 0 {
                rng.random_range(-offset_us..=offset_us) * 1_000
            } else {
                0
            },
        })
        .collect()
}
