//! The naive protocol: what a first version looks like when the network is assumed
//! perfect.

use crate::{PRIMARY, Request, Response};
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};

/// The only message: "append this value".
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Append(pub u32);

// ANCHOR: naive
/// A replica of the naive protocol.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Naive {
    /// The other replicas (for the primary: the backups).
    pub backups: Vec<ProcessId>,
    /// The replicated log, in memory only.
    pub log: Vec<u32>,
}

impl Process for Naive {
    type Message = Append;
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
        match request {
            Request::Write(value) if ctx.id() == PRIMARY => {
                self.log.push(value);
                // Fallacies 1 and 2: the network is reliable and latency is zero, so the
                // write is as good as replicated already.
                ctx.respond(client, Response::Written);
                ctx.send_all(self.backups.clone(), &Append(value));
            }
            Request::Read => ctx.respond(client, Response::Log(self.log.clone())),
            Request::Write(_) => {} // only the primary takes writes
        }
    }

    fn on_message(
        &mut self,
        _: ProcessId,
        Append(value): Append,
        _: &mut Context<'_, Self>,
    ) {
        self.log.push(value);
    }
}
// ANCHOR_END: naive

impl Naive {
    /// Replica `id` of `n`, with process 0 the primary.
    pub fn new(id: ProcessId, n: usize) -> Self {
        let backups = if id == PRIMARY {
            (1..n).collect()
        } else {
            Vec::new()
        };
        Naive {
            backups,
            log: Vec::new(),
        }
    }
}
