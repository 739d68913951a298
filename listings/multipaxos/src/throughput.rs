//! Throughput in the steady state, with and without pipelining and batching: closed-loop
//! clients at the leader, replicas that spend a fixed time on every event, and message
//! delays drawn from a heavy-tailed distribution.

use crate::replica::Setup;
use crate::simulate::{Appends, ELECTION};
use process::Time;
use sim::{Config, Latency, Simulation};
use std::collections::BTreeMap;
use std::time::Duration;

/// The time a replica spends on each event it handles (a message, a request): its CPU.
pub const STEP: Duration = Duration::from_micros(50);
/// The message delays: log-normal, median 1 ms, shape 0.5 (chapter 2's heavy tail).
pub fn latency() -> Latency {
    Latency::LogNormal {
        median: Duration::from_millis(1),
        sigma: 0.5,
    }
}
/// The run before measuring begins.
pub const WARMUP: Duration = Duration::from_millis(100);
/// The measured part of a run.
pub const MEASURE: Duration = Duration::from_millis(400);

// ANCHOR: shapes
/// How the leader feeds phase 2: the window of slots in flight, and commands per slot.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// The name in tables and legends.
    pub name: &'static str,
    /// Slots proposed and not yet chosen, at most (`None`: no limit).
    pub window: Option<usize>,
    /// Commands per slot, at most.
    pub per_slot: usize,
}

/// The four shapes the chapter measures.
pub const SHAPES: [Shape; 4] = [
    Shape {
        name: "one slot at a time",
        window: Some(1),
        per_slot: 1,
    },
    Shape {
        name: "pipelined",
        window: None,
        per_slot: 1,
    },
    Shape {
        name: "batched",
        window: Some(1),
        per_slot: 64,
    },
    Shape {
        name: "pipelined and batched",
        window: Some(4),
        per_slot: 64,
    },
];
// ANCHOR_END: shapes

/// What one run measured.
#[derive(Clone, Copy, Debug)]
pub struct Measured {
    /// Operations answered per second in the measured part.
    pub throughput: f64,
    /// Their median latency, in milliseconds.
    pub median_ms: f64,
}

/// Three replicas, p0 leading with `shape`, `clients` closed-loop clients at p0 (each
/// asks again as soon as it is answered; half the operations reads), every replica
/// spending [`STEP`] per event; operations answered during [`MEASURE`] after
/// [`WARMUP`].
pub fn measure(shape: Shape, clients: usize, seed: u64) -> Measured {
    let setup = Setup {
        candidates: 1,
        leader: Some(0),
        window: shape.window,
        per_slot: shape.per_slot,
        ..Setup::new(3, ELECTION, None)
    };
    let mut config = Config::default();
    config.network.latency = latency();
    config.nodes.step = vec![STEP; 3];
    let mut sim = Simulation::new(setup.replicas(), config, seed);
    let workload = Appends {
        targets: vec![0],
        reads: 0.5,
        operations: usize::MAX,
        think: Duration::ZERO,
        appends: 0,
        clients: BTreeMap::new(),
    };
    sim.add_clients(clients, Duration::from_secs(10), Box::new(workload));
    let (from, to) = (Time::ZERO + WARMUP, Time::ZERO + WARMUP + MEASURE);
    sim.run_until(to);
    let mut ms: Vec<f64> = sim
        .history()
        .operations
        .iter()
        .filter_map(|o| o.returned.as_ref().map(|(_, at)| (o.invoked, *at)))
        .filter(|&(_, at)| from <= at && at < to)
        .map(|(invoked, at)| at.since(invoked).as_secs_f64() * 1e3)
        .collect();
    ms.sort_by(f64::total_cmp);
    Measured {
        throughput: ms.len() as f64 / MEASURE.as_secs_f64(),
        median_ms: sim::quantile(&ms, 0.5),
    }
}
