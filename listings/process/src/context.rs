//! The context: the only way a process acts on the world, and the only way the world's
//! nondeterminism reaches a process.

use crate::{ClientId, Process, ProcessId, Time};
use std::time::Duration;

/// One action a handler asked for. The world that runs the process carries them out, in
/// order, after the handler returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Effect<P: Process> {
    /// Send `message` to process `to`.
    Send {
        /// The receiver.
        to: ProcessId,
        /// The message.
        message: P::Message,
    },
    /// Start (or restart) `timer` to expire after a duration between `min` and `max`
    /// inclusive, measured on the process's own clock; the world picks the duration.
    SetTimer {
        /// The timer's name.
        timer: P::Timer,
        /// The shortest delay.
        min: Duration,
        /// The longest delay.
        max: Duration,
    },
    /// Stop `timer` if it is set.
    CancelTimer {
        /// The timer's name.
        timer: P::Timer,
    },
    /// Replace the process's durable storage with `storage`: it survives crashes.
    Persist {
        /// The new durable state.
        storage: P::Storage,
    },
    /// Answer client `client`'s outstanding request.
    Respond {
        /// The client.
        client: ClientId,
        /// The answer.
        response: P::Response,
    },
    /// Make `output` observable: a decision, a delivered value.
    Output {
        /// The observed value.
        output: P::Output,
    },
}

/// The source of a process's random and nondeterministic choices, supplied by the world:
/// a seeded generator in the simulator, every option in turn in the model checker, the
/// operating system's generator on a real network.
pub trait Choices {
    /// A choice among `options` alternatives, `0..options`.
    fn choose(&mut self, options: usize) -> usize;
}

/// What a handler may do: everything it does goes through here.
pub struct Context<'a, P: Process> {
    id: ProcessId,
    now: Time,
    effects: &'a mut Vec<Effect<P>>,
    choices: &'a mut dyn Choices,
}

impl<'a, P: Process> Context<'a, P> {
    /// A context for process `id`, whose clock reads `now`, collecting effects into
    /// `effects`. Worlds call this; protocols only use contexts they are given.
    pub fn new(
        id: ProcessId,
        now: Time,
        effects: &'a mut Vec<Effect<P>>,
        choices: &'a mut dyn Choices,
    ) -> Self {
        Context {
            id,
            now,
            effects,
            choices,
        }
    }
}

// ANCHOR: context
impl<P: Process> Context<'_, P> {
    /// The process's own name.
    pub fn id(&self) -> ProcessId {
        self.id
    }

    /// The process's local clock. It may be offset from other processes' clocks and drift
    /// from true time; in the model checker it always reads zero.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Sends `message` to process `to`. The network may lose, delay, duplicate, reorder
    /// or corrupt it.
    pub fn send(&mut self, to: ProcessId, message: P::Message) {
        self.effects.push(Effect::Send { to, message });
    }

    /// Sends a copy of `message` to each process in `to`.
    pub fn send_all(
        &mut self,
        to: impl IntoIterator<Item = ProcessId>,
        message: &P::Message,
    ) {
        for p in to {
            self.send(p, message.clone());
        }
    }

    /// Sets `timer` to expire after `after` on the local clock, replacing it if already
    /// set.
    pub fn set_timer(&mut self, timer: P::Timer, after: Duration) {
        self.set_timer_between(timer, after, after);
    }

    /// Sets `timer` to expire after a duration between `min` and `max`, chosen by the
    /// world: a randomized timeout (Raft's 150–300 ms) without a random draw in the
    /// handler.
    pub fn set_timer_between(&mut self, timer: P::Timer, min: Duration, max: Duration) {
        let (min, max) = (min.min(max), min.max(max));
        self.effects.push(Effect::SetTimer { timer, min, max });
    }

    /// Stops `timer` if it is set.
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.effects.push(Effect::CancelTimer { timer });
    }

    /// Replaces the durable storage: after a crash, [`Process::on_recover`] receives it.
    pub fn persist(&mut self, storage: P::Storage) {
        self.effects.push(Effect::Persist { storage });
    }

    /// Answers `client`'s request.
    pub fn respond(&mut self, client: crate::ClientId, response: P::Response) {
        self.effects.push(Effect::Respond { client, response });
    }

    /// Makes `output` observable to the checkers.
    pub fn output(&mut self, output: P::Output) {
        self.effects.push(Effect::Output { output });
    }

    /// A choice among `options` alternatives, `0..options`: random in the simulator,
    /// every alternative in the model checker. Panics if `options` is zero.
    pub fn choose(&mut self, options: usize) -> usize {
        assert!(options > 0, "a choice needs at least one option");
        let choice = self.choices.choose(options);
        debug_assert!(choice < options);
        choice
    }

    /// A fair coin: `choose(2) == 1`.
    pub fn coin(&mut self) -> bool {
        self.choose(2) == 1
    }
}
// ANCHOR_END: context
