//! The knobs: one per fallacy of distributed computing, plus duplication and reordering.
//!
//! The eight fallacies are the false assumptions that L. Peter Deutsch and his colleagues
//! at Sun Microsystems listed as the ones newcomers to distributed computing make (1994;
//! the eighth was added by James Gosling in 1997). Each knob makes one of them false in
//! the simulator.

use crate::latency::Latency;
use process::{ProcessId, Time};
use std::collections::BTreeMap;
use std::time::Duration;

// ANCHOR: config
/// Everything the simulated world does to the processes in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The network: loss, latency, bandwidth, tampering, topology, duplication,
    /// reordering.
    pub network: Network,
    /// The administrators' actions: crashes, restarts, pauses, at scheduled times.
    pub administrator: Vec<(Time, Action)>,
    /// The machines: how fast each process runs and how its clock errs.
    pub nodes: Nodes,
    /// *Transport cost is zero* — is false: count the bytes of every message sent
    /// (messages are always counted). On by default; it costs a serialization per
    /// message, so the throughput benchmark turns it off.
    pub count_bytes: bool,
    /// Record a trace of every event (for diagrams and the determinism test).
    pub trace: bool,
}

/// The network between the processes.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// *The network is reliable* — is false: each message is lost with this probability.
    pub loss: f64,
    /// *Latency is zero* — is false: each message is delayed by a draw from this
    /// distribution.
    pub latency: Latency,
    /// *Bandwidth is infinite* — is false: each directed link carries this many bytes per
    /// second, and messages queue behind each other. `None` is infinite.
    pub bandwidth: Option<u64>,
    /// *The network is secure* — is false: each message is tampered with (one bit flipped
    /// in its encoding) with this probability. A message that no longer decodes is
    /// dropped by the receiver's network stack; one that still decodes is delivered,
    /// altered.
    pub corruption: f64,
    /// *Topology doesn't change* — is false: partitions that cut links, and heal.
    pub partitions: Partitions,
    /// Each message is delivered twice with this probability (a retransmission below the
    /// process, or a duplicating switch).
    pub duplication: f64,
    /// Whether each directed link delivers in the order it was sent, as Lynch's channels
    /// do. With `false`, a message may overtake an earlier one whenever its delay is
    /// shorter.
    pub fifo: bool,
    /// Per-link exceptions to `loss` and `latency`, for the directed link `(from, to)`.
    pub links: BTreeMap<(ProcessId, ProcessId), Link>,
}
// ANCHOR_END: config

/// A directed link's own loss and latency.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Probability that a message is lost.
    pub loss: f64,
    /// Delay distribution.
    pub latency: Latency,
}

/// Partitions, scheduled and random.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Partitions {
    /// At each time, split the processes into these groups (messages between groups are
    /// lost; an empty list heals the network).
    pub scheduled: Vec<(Time, Vec<Vec<ProcessId>>)>,
    /// Random partitions into two groups, each lasting an exponentially distributed time.
    pub random: Option<RandomPartitions>,
}

/// A random partition process: on average every `mean_interval` the network splits in two
/// at random, and heals after on average `mean_duration`.
#[derive(Clone, Debug, PartialEq)]
pub struct RandomPartitions {
    /// Mean time from a heal to the next partition.
    pub mean_interval: Duration,
    /// Mean time a partition lasts.
    pub mean_duration: Duration,
}

/// *There is one administrator* — is false: someone restarts machines, and they pause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The process stops; its volatile state, timers and undelivered input are lost.
    Crash(ProcessId),
    /// A crashed process starts again from what it persisted.
    Restart(ProcessId),
    /// The process stops handling events for this long (a garbage-collection pause, a
    /// suspended virtual machine) and then handles what queued up, in order.
    Pause(ProcessId, Duration),
}

/// *The network is homogeneous* — is false: machines differ in speed and in their clocks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Nodes {
    /// Time each process spends handling one event, by process (missing: zero). While
    /// busy, a process queues what arrives.
    pub step: Vec<Duration>,
    /// Each process's clock, by process (missing: a perfect clock).
    pub clocks: Vec<Clock>,
}

/// A clock that reads `offset + (1 + drift) * t` at true time `t`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Clock {
    /// Where the clock starts, in nanoseconds (may be negative: the clock is behind).
    pub offset_nanos: i64,
    /// How fast it runs relative to true time: `1e-4` gains 100 µs a second.
    pub drift: f64,
}

impl Clock {
    /// The clock's reading at true time `t` (never before its origin).
    pub fn read(&self, t: Time) -> Time {
        let local = self.offset_nanos as f64 + (1.0 + self.drift) * t.nanos() as f64;
        Time::from_nanos(local.max(0.0) as u64)
    }

    /// The true duration that elapses while this clock advances by `local`.
    pub fn true_duration(&self, local: Duration) -> Duration {
        Duration::from_secs_f64(local.as_secs_f64() / (1.0 + self.drift).max(1e-9))
    }
}

impl Config {
    /// Whether this world makes sense for `n` processes: every probability in [0, 1],
    /// every latency valid, every process it names below `n`, each process in at most one
    /// group of a partition, no more step times or clocks than processes, clocks that run
    /// forward, and a positive bandwidth and random-partition means.
    /// [`Simulation::new`](crate::Simulation::new) refuses a world that does not.
    pub fn validate(&self, n: usize) -> Result<(), String> {
        let net = &self.network;
        let probability = |name: &str, p: f64| {
            if (0.0..=1.0).contains(&p) {
                Ok(())
            } else {
                Err(format!("{name} is a probability, not {p}"))
            }
        };
        let process = |what: &str, p: ProcessId| {
            if p < n {
                Ok(())
            } else {
                Err(format!(
                    "{what} names process {p}, but there are {n} processes"
                ))
            }
        };
        probability("loss", net.loss)?;
        probability("corruption", net.corruption)?;
        probability("duplication", net.duplication)?;
        net.latency.validate()?;
        if net.bandwidth == Some(0) {
            return Err("a bandwidth of 0 bytes a second carries nothing".into());
        }
        for (&(from, to), link) in &net.links {
            process("a link", from)?;
            process("a link", to)?;
            probability("a link's loss", link.loss)?;
            link.latency.validate()?;
        }
        for (_, groups) in &net.partitions.scheduled {
            let mut seen = vec![false; n];
            for &p in groups.iter().flatten() {
                process("a partition", p)?;
                if std::mem::replace(&mut seen[p], true) {
                    return Err(format!("a partition puts process {p} in two groups"));
                }
            }
        }
        if let Some(random) = &net.partitions.random
            && (random.mean_interval.is_zero() || random.mean_duration.is_zero())
        {
            return Err(
                "random partitions need positive mean intervals and durations".into(),
            );
        }
        for (_, action) in &self.administrator {
            match *action {
                Action::Crash(p) | Action::Restart(p) | Action::Pause(p, _) => {
                    process("an administrator's action", p)?
                }
            }
        }
        if self.nodes.step.len() > n || self.nodes.clocks.len() > n {
            return Err(format!(
                "{} step times and {} clocks for {n} processes",
                self.nodes.step.len(),
                self.nodes.clocks.len()
            ));
        }
        if let Some(clock) = self
            .nodes
            .clocks
            .iter()
            .find(|c| !(c.drift.is_finite() && c.drift > -1.0))
        {
            return Err(format!(
                "a clock with drift {} does not run forward",
                clock.drift
            ));
        }
        Ok(())
    }
}

impl Default for Network {
    /// A perfect network: nothing lost, duplicated or altered, links FIFO, a constant
    /// one-millisecond delay.
    fn default() -> Self {
        Network {
            loss: 0.0,
            latency: Latency::millis(1),
            bandwidth: None,
            corruption: 0.0,
            partitions: Partitions::default(),
            duplication: 0.0,
            fifo: true,
            links: BTreeMap::new(),
        }
    }
}

impl Default for Config {
    /// A perfect world with a one-millisecond network, tracing on.
    fn default() -> Self {
        Config {
            network: Network::default(),
            administrator: Vec::new(),
            nodes: Nodes::default(),
            count_bytes: true,
            trace: true,
        }
    }
}
