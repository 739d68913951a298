//! Exercises of the chapter "The network is not reliable", each judged by a test.
//!
//! **Exercise 2.1 — numbered entries.** [`Numbered`] is the naive protocol with one
//! change: the primary numbers each entry. Change only the backup's handler so that the
//! protocol survives the `duplication` and `reordering` knobs: no replica may apply a
//! write twice or out of order. Then run `cargo test -p replication --test exercises --
//! --ignored`. A solution is in [`solution`]; try first.

use crate::fallacies::{Fallacy, run_protocol};
use crate::{PRIMARY, Request, Response};
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An entry with its position in the log.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log, from 0.
    pub index: u32,
    /// The value.
    pub value: u32,
}

/// A replica of the naive protocol with numbered entries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Numbered {
    /// The backups (at the primary).
    pub backups: Vec<ProcessId>,
    /// The log.
    pub log: Vec<u32>,
    /// Room for whatever the backup needs to remember.
    pub early: BTreeMap<u32, u32>,
}

impl Numbered {
    /// Replica `id` of `n`, with process 0 the primary.
    pub fn new(id: ProcessId, n: usize) -> Self {
        let backups = if id == PRIMARY {
            (1..n).collect()
        } else {
            Vec::new()
        };
        Numbered {
            backups,
            ..Numbered::default()
        }
    }
}

impl Process for Numbered {
    type Message = Entry;
    type Timer = ();
    type Request = Request;
    type Response = Response;
    type Output = ();
    type Storage = ();

    fn on_start(&mut self, _: &mut Context<'_, Self>) {}

    fn on_request(
        &mut self,
        client: ClientId,
        request: Request,
        ctx: &mut Context<'_, Self>,
    ) {
        serve(&mut self.log, &self.backups, client, request, ctx);
    }

    // ANCHOR: exercise
    fn on_message(&mut self, _: ProcessId, entry: Entry, _: &mut Context<'_, Self>) {
        // Exercise 2.1: this is still the naive backup. Use `entry.index`.
        self.log.push(entry.value);
    }
    // ANCHOR_END: exercise
}

/// The primary's half of the protocol, the same for the exercise and its solution: number
/// the entry, acknowledge at once, send it to each backup once. Reads are answered from
/// the log.
fn serve<P>(
    log: &mut Vec<u32>,
    backups: &[ProcessId],
    client: ClientId,
    request: Request,
    ctx: &mut Context<'_, P>,
) where
    P: Process<Message = Entry, Request = Request, Response = Response>,
{
    match request {
        Request::Write(value) if ctx.id() == PRIMARY => {
            let index = log.len() as u32;
            log.push(value);
            ctx.respond(client, Response::Written);
            ctx.send_all(backups.iter().copied(), &Entry { index, value });
        }
        Request::Read => ctx.respond(client, Response::Log(log.clone())),
        Request::Write(_) => {}
    }
}

/// What a protocol does wrong under `duplication` and `reordering`, over 50 seeds, other
/// than stale reads (which acknowledging before replicating still causes).
pub fn judge<P>(
    make: impl Fn(ProcessId, usize) -> P,
    log: impl Fn(&P) -> &[u32] + Copy,
) -> Vec<String>
where
    P: Process<Request = Request, Response = Response>,
{
    let mut found = Vec::new();
    for fallacy in [Fallacy::Duplication, Fallacy::Reordering] {
        for seed in 0..50 {
            let replicas = (0..crate::fallacies::REPLICAS)
                .map(|p| make(p, crate::fallacies::REPLICAS))
                .collect();
            let run =
                run_protocol(replicas, fallacy, seed, 5, "", log, |_| String::new());
            for problem in run
                .problems
                .into_iter()
                .filter(|p| !p.starts_with("a read"))
            {
                found.push(format!("{fallacy:?}, seed {seed}: {problem}"));
            }
        }
    }
    found
}

/// A solution to exercise 2.1.
pub mod solution {
    use super::*;

    /// [`Numbered`] with a backup that applies entries exactly once and in order.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub struct Solved(pub Numbered);

    impl Process for Solved {
        type Message = Entry;
        type Timer = ();
        type Request = Request;
        type Response = Response;
        type Output = ();
        type Storage = ();

        fn on_start(&mut self, _: &mut Context<'_, Self>) {}

        fn on_request(
            &mut self,
            client: ClientId,
            request: Request,
            ctx: &mut Context<'_, Self>,
        ) {
            serve(&mut self.0.log, &self.0.backups, client, request, ctx);
        }

        fn on_message(&mut self, _: ProcessId, entry: Entry, _: &mut Context<'_, Self>) {
            let backup = &mut self.0;
            // Keep only what is new; then apply whatever has become contiguous.
            if entry.index as usize >= backup.log.len() {
                backup.early.insert(entry.index, entry.value);
            }
            while let Some(value) = backup.early.remove(&(backup.log.len() as u32)) {
                backup.log.push(value);
            }
        }
    }
}
