// Exercise 2.1 (chapter 2): numbered entries.
//
// `Numbered` is the naive protocol of the chapter with one change: the primary numbers
// each entry it sends. Change only the backup's handler, `on_message`, so that the
// protocol survives the simulator's `duplication` and `reordering` knobs: no replica may
// apply a write twice or out of order. Judge it with `cargo xtask lab numbered-entries`.
// Keep the names `Numbered`, `Numbered::new` and the field `log`, which the judge uses.

use process::{ClientId, Context, Process, ProcessId};
use replication::exercises::{Entry, serve};
use replication::{PRIMARY, Request, Response};
use std::collections::BTreeMap;

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
