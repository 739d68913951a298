//! A small protocol for trying the runtime: each node greets the others on a timer,
//! counts the greetings it receives, persists the count, and answers a client with it.

use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A greeting.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hello;

/// The timer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Greet;

/// A node of the tally protocol.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tally {
    /// How many nodes.
    pub n: usize,
    /// Greetings received, over every run of this node.
    pub received: u64,
    /// How often to greet.
    pub every: Duration,
}

impl Process for Tally {
    type Message = Hello;
    type Timer = Greet;
    type Request = ();
    type Response = u64;
    type Output = u64;
    type Storage = u64;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer(Greet, self.every);
    }

    fn on_recover(&mut self, storage: &u64, ctx: &mut Context<'_, Self>) {
        self.received = *storage;
        ctx.output(self.received);
        self.on_start(ctx);
    }

    fn on_message(&mut self, _: ProcessId, _: Hello, ctx: &mut Context<'_, Self>) {
        self.received += 1;
        ctx.persist(self.received);
    }

    fn on_timer(&mut self, _: Greet, ctx: &mut Context<'_, Self>) {
        let me = ctx.id();
        ctx.send_all((0..self.n).filter(|&p| p != me), &Hello);
        ctx.set_timer(Greet, self.every);
    }

    fn on_request(&mut self, client: ClientId, _: (), ctx: &mut Context<'_, Self>) {
        ctx.respond(client, self.received);
    }
}
