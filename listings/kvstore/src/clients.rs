//! Clients of a replicated store in the simulator, and the verdicts on what they saw:
//! the workload of chapters 12 on, whatever protocol replicates the [`Store`](crate::Store).

use crate::{Reply, Request};
use linearizability::check::{Options, check_with};
use linearizability::models::{Kv, KvOp, KvRet};
use process::{ClientId, History, Process, ProcessId};
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use sim::{Submit, Workload};
use std::collections::BTreeMap;
use std::time::Duration;

/// How many times a client asks again before it gives up (its operation stays open).
pub const RETRIES: u32 = 8;

// ANCHOR: workload
/// The clients make `operations` operations between them, each a read of `x` or `y`
/// with probability `reads`, or else an append of the next of `1 `, `2 `, `3 `, ... to one
/// of them, at a random one of `targets` after a pause of up to `think`. A client numbers
/// its operations, and when one goes unanswered it asks again, with the same number, up
/// to [`RETRIES`] times.
pub struct Appends {
    /// Replicas to choose from.
    pub targets: Vec<ProcessId>,
    /// The probability that an operation is a read.
    pub reads: f64,
    /// Operations still to make.
    pub operations: usize,
    /// The longest pause before an operation (each is drawn uniformly up to it).
    pub think: Duration,
    /// Appends made so far.
    pub appends: u64,
    /// Each client's last operation number and how often it has retried it.
    pub clients: BTreeMap<ClientId, (u64, u32)>,
}

impl<P: Process<Request = Request, Response = Reply>> Workload<P> for Appends {
    fn next(
        &mut self,
        client: ClientId,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<P>> {
        self.operations = self.operations.checked_sub(1)?;
        let key = if rng.random_bool(0.5) { "x" } else { "y" }.to_owned();
        let op = if rng.random_bool(self.reads) {
            KvOp::Get(key)
        } else {
            self.appends += 1;
            KvOp::Append(key, format!("{} ", self.appends))
        };
        let (seq, retries) = self.clients.entry(client).or_default();
        *seq += 1;
        *retries = 0;
        Some(Submit {
            process: self.targets[rng.random_range(0..self.targets.len())],
            request: Request {
                client,
                seq: *seq,
                op,
            },
            after: pause(rng, self.think),
        })
    }

    fn answers(&self, request: &Request, reply: &Reply) -> bool {
        reply.answers(request)
    }

    fn retry(
        &mut self,
        client: ClientId,
        request: &Request,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<P>> {
        let (_, retries) = self.clients.entry(client).or_default();
        *retries += 1;
        (*retries <= RETRIES).then(|| Submit {
            process: self.targets[rng.random_range(0..self.targets.len())],
            request: request.clone(),
            after: pause(rng, self.think),
        })
    }
}

// ANCHOR_END: workload

/// A pause drawn uniformly below `think` (none if it is zero), in whole microseconds.
fn pause(rng: &mut Xoshiro256PlusPlus, think: Duration) -> Duration {
    Duration::from_micros(rng.random_range(0..(think.as_micros() as u64).max(1)))
}

/// The clients' longest pause between operations in the chapter's runs.
pub const THINK: Duration = Duration::from_millis(3);

/// Whether `history` is linearizable for a key-value store.
pub fn linearizable(history: &History<KvOp, KvRet>) -> bool {
    let options = Options {
        threads: 1,
        ..Options::default()
    };
    check_with(&Kv, history, options).is_linearizable()
}

/// The first read in `history` whose value holds some appended piece twice: the mark of
/// an append applied twice (every append of the workload adds a different number).
pub fn repeated(history: &History<KvOp, KvRet>) -> Option<String> {
    history.operations.iter().find_map(|o| match &o.returned {
        Some((KvRet::Value(v), _)) => {
            let mut pieces: Vec<&str> = v.split_whitespace().collect();
            pieces.sort_unstable();
            pieces.windows(2).any(|w| w[0] == w[1]).then(|| v.clone())
        }
        _ => None,
    })
}
