// A reference solution to exercise 2.1: the backup keeps entries that arrive early and
// applies whatever has become contiguous, ignoring what it already has.

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
    /// Entries that arrived before the ones they follow, by index.
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

    fn on_message(&mut self, _: ProcessId, entry: Entry, _: &mut Context<'_, Self>) {
        // Keep only what is new; then apply whatever has become contiguous.
        if entry.index as usize >= self.log.len() {
            self.early.insert(entry.index, entry.value);
        }
        while let Some(value) = self.early.remove(&(self.log.len() as u32)) {
            self.log.push(value);
        }
    }
}
