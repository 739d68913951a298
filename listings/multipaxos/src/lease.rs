//! Reads without the log, under a leader lease, and the stale read a lease without the
//! margin for clock drift allows: staged with the worst clocks the bound permits, and
//! judged by the linearizability checker.

use crate::replica::{Bug, Lease, Replica, Setup};
use crate::simulate::{CLIENT_TIMEOUT, ELECTION, HEARTBEAT, linearizable};
use kvstore::{Reply, Request};
use linearizability::models::{KvOp, KvRet};
use process::{ClientId, History, Time};
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use sim::{Clock, Config, Simulation, Submit, Workload};
use std::collections::BTreeMap;
use std::time::Duration;

/// The lease of the chapter's runs: a grant lasts the shortest election timeout, and
/// clocks may drift by a fifth. Real clocks drift by less than a ten-thousandth, and
/// real leases last seconds; what matters is the product, the time by which two clocks
/// may disagree at the end of a lease, against the time a new leader needs.
pub const LEASE: Lease = Lease {
    length: ELECTION.0,
    drift_ppm: 200_000,
};
/// When the staged partition cuts the leader off.
pub const CUT: Duration = Duration::from_millis(50);
/// How long the partition lasts.
pub const CUT_FOR: Duration = Duration::from_millis(100);
/// The staged runs' election timeouts: a follower campaigns within a millisecond of the
/// moment its grant lets it, the worst case for the leader's lease.
pub const STAGED_ELECTION: (Duration, Duration) = (ELECTION.0, Duration::from_millis(21));
/// How long a staged run lasts.
pub const RUN: Duration = Duration::from_millis(250);

/// The worst clocks the bound of `lease` allows: p0's runs as slow as it may, the
/// others' as fast.
pub fn worst_clocks(n: usize, lease: Lease) -> Vec<Clock> {
    let rho = f64::from(lease.drift_ppm) / 1e6;
    (0..n)
        .map(|p| Clock {
            offset_nanos: 0,
            drift: if p == 0 { -rho } else { rho },
        })
        .collect()
}

/// Clocks drawn from `rng`: each runs at a rate within the bound of `lease`, and starts
/// up to a millisecond ahead of true time (a lease measures durations, not instants; a
/// clock behind would stand still at zero until true time caught up, slower than the
/// bound allows).
pub fn random_clocks(n: usize, lease: Lease, rng: &mut Xoshiro256PlusPlus) -> Vec<Clock> {
    let rho = f64::from(lease.drift_ppm) / 1e6;
    (0..n)
        .map(|_| Clock {
            offset_nanos: rng.random_range(0..=1_000_000),
            drift: rng.random_range(-rho..=rho),
        })
        .collect()
}

/// Client 0 appends the next number to `x` at p1; client 1 reads `x` at p0, the leader.
/// Each asks again at the same replica, for as long as it takes.
struct Staged {
    /// Each client's last operation number.
    seqs: BTreeMap<ClientId, u64>,
    /// Appends made so far.
    appends: u64,
}

impl Workload<Replica> for Staged {
    fn next(
        &mut self,
        client: ClientId,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<Replica>> {
        let seq = self.seqs.entry(client).or_default();
        *seq += 1;
        let (process, op) = if client == 0 {
            self.appends += 1;
            (
                1,
                KvOp::Append("x".to_owned(), format!("{} ", self.appends)),
            )
        } else {
            (0, KvOp::Get("x".to_owned()))
        };
        Some(Submit {
            process,
            request: Request {
                client,
                seq: *seq,
                op,
            },
            after: Duration::from_micros(rng.random_range(0..2000)),
        })
    }

    fn answers(&self, request: &Request, reply: &Reply) -> bool {
        reply.answers(request)
    }

    fn retry(
        &mut self,
        client: ClientId,
        request: &Request,
        _: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<Replica>> {
        Some(Submit {
            process: usize::from(client == 0),
            request: request.clone(),
            after: Duration::ZERO,
        })
    }
}

/// A staged run and its verdict.
pub struct StagedRun {
    /// What the clients asked and were answered.
    pub history: History<KvOp, KvRet>,
    /// Whether the history is linearizable.
    pub linearizable: bool,
}

// ANCHOR: staged
/// The stale read, staged: three replicas with leases (and `bug`, if any), p0 leading
/// from the start; at [`CUT`] a partition cuts p0 off from p1 and p2 for [`CUT_FOR`];
/// client 0 keeps appending at p1, client 1 keeps reading at p0; the followers campaign
/// as soon as their grants let them ([`STAGED_ELECTION`]). The clocks drift by
/// `drift_ppm` millionths, the bound the lease assumes, p0's slow and the others' fast
/// ([`worst_clocks`]). Every message
/// takes 1 ms; `seed` draws the election timeouts and the clients' pauses.
pub fn staged(bug: Option<Bug>, drift_ppm: u32, seed: u64) -> StagedRun {
    let lease = Lease { drift_ppm, ..LEASE };
    let setup = Setup {
        leader: Some(0),
        lease: Some(lease),
        bug,
        ..Setup::new(3, STAGED_ELECTION, Some(HEARTBEAT))
    };
    let mut config = Config::default();
    config.nodes.clocks = worst_clocks(3, lease);
    let cut = Time::ZERO + CUT;
    config.network.partitions.scheduled = vec![
        (cut, vec![vec![0], vec![1, 2]]),
        (cut + CUT_FOR, Vec::new()),
    ];
    let mut sim = Simulation::new(setup.replicas(), config, seed);
    let workload = Staged {
        seqs: BTreeMap::new(),
        appends: 0,
    };
    sim.add_clients(2, CLIENT_TIMEOUT, Box::new(workload));
    sim.run_until(Time::ZERO + RUN);
    let history = kvstore::operations(sim.history());
    StagedRun {
        linearizable: linearizable(&history),
        history,
    }
}
// ANCHOR_END: staged

/// A stale read in `history`: a read that missed an append which had returned before
/// the read was invoked. Returns the read's value, when it was invoked, the append's
/// piece and when it returned (true times).
pub fn stale_read(
    history: &History<KvOp, KvRet>,
) -> Option<(String, Time, String, Time)> {
    let appends: Vec<(&str, Time)> = history
        .operations
        .iter()
        .filter_map(|o| match (&o.request, &o.returned) {
            (KvOp::Append(_, piece), Some((_, at))) => Some((piece.trim(), *at)),
            _ => None,
        })
        .collect();
    history
        .operations
        .iter()
        .find_map(|o| match (&o.request, &o.returned) {
            (KvOp::Get(_), Some((KvRet::Value(v), _))) => {
                let pieces: Vec<&str> = v.split_whitespace().collect();
                appends
                    .iter()
                    .find(|(piece, at)| *at < o.invoked && !pieces.contains(piece))
                    .map(|(piece, at)| (v.clone(), o.invoked, (*piece).to_owned(), *at))
            }
            _ => None,
        })
}

/// How many reads in `history` the replica answered at once, from its own store: a read
/// through the log takes at least a round trip, and clients reach replicas without delay.
pub fn local_reads(history: &History<KvOp, KvRet>) -> usize {
    history
        .operations
        .iter()
        .filter(|o| {
            matches!(o.request, KvOp::Get(_))
                && o.returned.as_ref().is_some_and(|(_, at)| *at == o.invoked)
        })
        .count()
}
