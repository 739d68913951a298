//! The replicated store in the simulator: clients appending to and reading two keys at
//! random replicas, asking again at a random replica when an answer is late, under a mix
//! of faults chosen per seed; every history judged by the linearizability checker, and
//! the model checker's invariants judged at the end of every run.

use crate::check::{
    applies_in_order, applies_only_chosen, chosen, one_entry_per_slot,
    same_entry_per_slot, store_follows_the_log,
};
use crate::replica::{Bug, Entry, Replica, Setup, Slot};
pub use kvstore::clients::{Appends, RETRIES, THINK, linearizable, repeated};
use linearizability::models::{KvOp, KvRet};
use process::{History, ProcessId};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use sim::Simulation;
pub use sim::mixes::Mix;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long a client waits for an answer before it asks another replica.
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(60);
/// A follower's wait for a leader before it campaigns: a duration drawn between these.
pub const ELECTION: (Duration, Duration) =
    (Duration::from_millis(20), Duration::from_millis(40));
/// Between a leader's heartbeats.
pub const HEARTBEAT: Duration = Duration::from_millis(5);

/// What a command costs in the steady state: the latencies of `operations` operations
/// (half reads) of one client at replica `at`, one at a time, in milliseconds, and the
/// messages sent per operation. `n` replicas begin with p0 leading, no other replica
/// campaigns, there are no heartbeats, and every message takes exactly `delay`, so that
/// a latency divided by `delay` counts message delays.
pub fn steady(
    n: usize,
    at: ProcessId,
    operations: usize,
    delay: Duration,
) -> (Vec<f64>, f64) {
    let setup = Setup {
        candidates: 1,
        leader: Some(0),
        ..Setup::new(n, ELECTION, None)
    };
    let mut config = sim::Config::default();
    config.network.latency = sim::Latency::Constant(delay);
    let mut sim = Simulation::new(setup.replicas(), config, 1);
    let workload = Appends {
        targets: vec![at],
        reads: 0.5,
        operations,
        think: THINK,
        appends: 0,
        clients: BTreeMap::new(),
    };
    sim.add_clients(1, CLIENT_TIMEOUT, Box::new(workload));
    while sim.history().operations.len() < operations
        || sim
            .history()
            .operations
            .iter()
            .any(|o| o.returned.is_none())
    {
        sim.run_for(Duration::from_millis(50));
    }
    let ms: Vec<f64> = sim
        .history()
        .operations
        .iter()
        .filter_map(|o| o.returned.as_ref().map(|(_, t)| t.since(o.invoked)))
        .map(|d| d.as_secs_f64() * 1e3)
        .collect();
    (ms, sim.stats().sent as f64 / operations as f64)
}

/// One simulated run and its verdict.
pub struct Run {
    /// What the clients asked and were answered.
    pub history: History<KvOp, KvRet>,
    /// Whether the history is linearizable.
    pub linearizable: bool,
    /// Whether every operation was answered.
    pub complete: bool,
    /// Whether the run kept the model checker's four invariants, judged at its end from
    /// the ghost records on the disks and everything each replica applied, and whether
    /// every replica up at the end holds the store the chosen log gives.
    pub safe: bool,
    /// Snapshots installed from other replicas: from promises, and from catch-up or
    /// accepts.
    pub installed: (u32, u32),
    /// Whether, [`SETTLE`] after the last operation, every replica up has applied as
    /// many slots as any other: no replica, and no leader, stuck behind.
    pub converged: bool,
}

/// How long a run goes on, without clients, before it is judged.
pub const SETTLE: Duration = Duration::from_millis(500);

/// Runs `n` replicas (with `bug`, if any) in the world of `mix` with `seed`: three
/// clients, `operations` operations between them, half of them reads.
pub fn run(n: usize, bug: Option<Bug>, mix: Mix, seed: u64, operations: usize) -> Run {
    let setup = Setup {
        bug,
        ..Setup::new(n, ELECTION, Some(HEARTBEAT))
    };
    run_setup(setup, mix, seed, operations)
}

/// [`run`] for replicas configured by `setup`. With a lease, every clock drifts, at a
/// rate drawn within the lease's bound.
pub fn run_setup(setup: Setup, mix: Mix, seed: u64, operations: usize) -> Run {
    let n = setup.replicas;
    let faulty: Vec<ProcessId> = (0..n).collect();
    let mut world = mix.world(n, &faulty, seed);
    if let Some(lease) = setup.lease {
        // Clocks that honour the lease's assumption, and no better.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x6c_6561_7365);
        world.nodes.clocks = crate::lease::random_clocks(n, lease, &mut rng);
    }
    let mut sim = Simulation::new(setup.replicas(), world, seed);
    let workload = Appends {
        targets: (0..n).collect(),
        reads: 0.5,
        operations,
        think: THINK,
        appends: 0,
        clients: BTreeMap::new(),
    };
    sim.add_clients(3, CLIENT_TIMEOUT, Box::new(workload));
    // An operation is over when answered, or when every retry must have timed out.
    let patience = (CLIENT_TIMEOUT + Duration::from_millis(3)) * (RETRIES + 1);
    let over = |sim: &Simulation<Replica>| {
        let ops = &sim.history().operations;
        ops.len() == operations
            && ops
                .iter()
                .all(|o| o.returned.is_some() || o.invoked + patience < sim.now())
    };
    while !over(&sim) {
        sim.run_for(Duration::from_millis(50));
    }
    sim.run_for(SETTLE);
    let history = kvstore::operations(sim.history());
    let chosen = chosen(setup.quorum(), (0..n).map(|p| sim.storage(p)));
    let mut applied: Vec<Vec<(Slot, Entry)>> = vec![Vec::new(); n];
    for (_, p, entry) in sim.outputs() {
        applied[*p].push(entry.clone());
    }
    // With snapshots a replica may skip ahead to one; the stores are judged instead.
    let in_order = |a: &[(Slot, Entry)]| setup.snapshot.is_some() || applies_in_order(a);
    let safe = one_entry_per_slot(&chosen)
        && applies_only_chosen(&chosen, applied.iter().flatten())
        && same_entry_per_slot(applied.iter().flatten())
        && applied.iter().all(|a| in_order(a))
        && (0..n).all(|p| {
            let replica = sim.process(p);
            !sim.is_up(p)
                || store_follows_the_log(&chosen, replica.applied, &replica.store)
        });
    let up: Vec<Slot> = (0..n)
        .filter(|&p| sim.is_up(p))
        .map(|p| sim.process(p).applied)
        .collect();
    let installed = (0..n).map(|p| sim.storage(p).installed);
    Run {
        installed: installed.fold((0, 0), |(a, b), (c, d)| (a + c, b + d)),
        converged: up.iter().min() == up.iter().max(),
        safe,
        linearizable: linearizable(&history),
        complete: history.operations.iter().all(|o| o.returned.is_some()),
        history,
    }
}
