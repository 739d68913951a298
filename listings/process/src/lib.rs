//! The process model: every protocol in the book is written once, as a [`Process`].
//!
//! A process is a deterministic state machine in the style of Lynch's I/O automata
//! (N. A. Lynch, *Distributed Algorithms*, Morgan Kaufmann, 1996): it reacts to its
//! start, to a delivered message, to an expired timer and to a client's request, and acts
//! only through a [`Context`]: it sends messages, sets and cancels timers, persists
//! durable state, answers clients, emits observable outputs, and asks for random or
//! nondeterministic choices.
//!
//! It does no I/O of its own ("sans-IO"), so the world that runs it decides everything a
//! real network and a real machine would decide: when a message arrives, whether it
//! arrives at all, when a timer fires, which way a coin falls, when the process crashes.
//! Three worlds run the same process code: the model checker (every choice,
//! exhaustively), the simulator (seeded choices at scale) and the real network (sockets
//! and clocks).

mod context;
mod history;
mod time;

pub use context::{Choices, Context, Effect};
pub use history::{History, Operation};
pub use time::{Millis, Span, Time};

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::hash::Hash;

/// A process's name: its index among the processes of a system, from 0.
pub type ProcessId = usize;

/// A client's name. Clients submit requests to processes and wait for their responses.
pub type ClientId = usize;

/// What every value a process exchanges or stores must be: comparable and hashable (so
/// the model checker can store states), printable (for traces), and serializable (for the
/// real network and the disk).
pub trait Data:
    Clone + Eq + Hash + Debug + Serialize + DeserializeOwned + Send + Sync + 'static
{
}

impl<T> Data for T where
    T: Clone + Eq + Hash + Debug + Serialize + DeserializeOwned + Send + Sync + 'static
{
}

// ANCHOR: process
/// A protocol participant: a deterministic state machine driven by the world that runs
/// it.
///
/// Each handler is a function of the process's state, the event, and the choices the
/// context returns; it acts only through the context. The state itself is comparable and
/// hashable so that the model checker can recognise a state it has seen before.
pub trait Process: Clone + Eq + Hash + Debug + Send + Sync + 'static {
    /// What processes send each other.
    type Message: Data;
    /// The names of this process's timers: setting a timer that is already set restarts
    /// it.
    type Timer: Clone + Eq + Hash + Debug + Send + Sync + 'static;
    /// What clients ask of a process.
    type Request: Data;
    /// What a process answers a client.
    type Response: Data;
    /// What a process makes observable: a decision, a delivered value. The checkers read
    /// these.
    type Output: Clone + Eq + Hash + Debug + Send + Sync + 'static;
    /// What survives a crash: the last value passed to [`Context::persist`].
    type Storage: Data + Default;

    /// The process boots for the first time.
    fn on_start(&mut self, ctx: &mut Context<'_, Self>);

    /// The process restarts after a crash. `self` is the process as first constructed,
    /// its volatile state lost; `storage` is what it last persisted (the default if
    /// nothing). By default a restart is a first boot: the process forgets everything.
    fn on_recover(&mut self, storage: &Self::Storage, ctx: &mut Context<'_, Self>) {
        let _ = storage;
        self.on_start(ctx);
    }

    /// A message from process `from` is delivered.
    fn on_message(
        &mut self,
        from: ProcessId,
        message: Self::Message,
        ctx: &mut Context<'_, Self>,
    );

    /// A timer set with [`Context::set_timer`] expires.
    fn on_timer(&mut self, timer: Self::Timer, ctx: &mut Context<'_, Self>) {
        let _ = (timer, ctx);
    }

    /// A client submits a request; answer it, now or later, with [`Context::respond`].
    fn on_request(
        &mut self,
        client: ClientId,
        request: Self::Request,
        ctx: &mut Context<'_, Self>,
    ) {
        let _ = (client, request, ctx);
    }

    /// Whether `message` from `from` is *dead* here: this process, whose disk holds
    /// `storage`, ignores it — delivering it, whatever the answers to the handler's
    /// choices, changes no state and has no effect (no send, timer, persist, output or
    /// answer) — now and in every later state, across crashes (after which the process is
    /// as first constructed) and restarts; a protocol checked only where processes never
    /// restart may promise from memory alone. A protocol's promise, which the model
    /// checker relies on to drop such messages: so its answer must not change when
    /// interchangeable processes are renamed, and where checked invariants read the
    /// messages in flight, dead ones must be kept (`keeping_dead`). The default promises
    /// nothing.
    fn ignores(
        &self,
        storage: &Self::Storage,
        from: ProcessId,
        message: &Self::Message,
    ) -> bool {
        let _ = (storage, from, message);
        false
    }
}
// ANCHOR_END: process
