//! The judges of the judged exercises of the chapter "The network is not reliable":
//! exercise 2.1 (numbered entries): `cargo xtask lab numbered-entries`. Their starting
//! points are frozen in the `labs` crate, which runs each judge on the student's copy.

use crate::fallacies::{Fallacy, run_protocol};
use crate::{PRIMARY, Request, Response};
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};

/// An entry with its position in the log.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log, from 0.
    pub index: u32,
    /// The value.
    pub value: u32,
}

/// The primary's half of the protocol, the same for the exercise and its solution: number
/// the entry, acknowledge at once, send it to each backup once. Reads are answered from
/// the log.
pub fn serve<P>(
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
