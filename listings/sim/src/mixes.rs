//! Mixes of faults for seeded experiments: one knob or several at once, with the random
//! parts (which processes, when) drawn from the run's seed.

use crate::config::{Action, Config};
use crate::latency::Latency;
use process::{ProcessId, Time};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::ops::Range;
use std::time::Duration;

// ANCHOR: mix
/// A mix of faults. The random ones (which processes, when) are drawn from the run's
/// seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mix {
    /// No fault: a constant 1 ms delay, links in order.
    Clean,
    /// A quarter of the messages lost.
    Loss,
    /// 30% of the messages delivered twice.
    Duplication,
    /// Links out of order: delays uniform in 1–12 ms.
    Reordering,
    /// Heavy-tailed delays: log-normal, median 1 ms, sigma 1.
    Latency,
    /// A minority of the fault-prone processes crash, for good, at random times.
    Crashes,
    /// A minority of them crash and restart from their disks, twice each.
    Restarts,
    /// A minority of them are cut off from every other process for 10–40 ms, then the
    /// network heals.
    Partition,
    /// All of the above at once, in milder doses.
    All,
}
// ANCHOR_END: mix

/// On the command line, a mix is chosen by its [name](Mix::name).
impl clap::ValueEnum for Mix {
    fn value_variants<'a>() -> &'a [Self] {
        &Mix::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

impl Mix {
    /// Every mix, in the order the book's tables list them.
    pub const ALL: [Mix; 9] = [
        Mix::Clean,
        Mix::Loss,
        Mix::Duplication,
        Mix::Reordering,
        Mix::Latency,
        Mix::Crashes,
        Mix::Restarts,
        Mix::Partition,
        Mix::All,
    ];

    /// The mix's name on the command line: `clean`, `loss`, ...
    pub fn name(self) -> &'static str {
        match self {
            Mix::Clean => "clean",
            Mix::Loss => "loss",
            Mix::Duplication => "duplication",
            Mix::Reordering => "reordering",
            Mix::Latency => "latency",
            Mix::Crashes => "crashes",
            Mix::Restarts => "restarts",
            Mix::Partition => "partition",
            Mix::All => "all",
        }
    }

    /// The world of this mix for `n` processes and `seed`, in which crashes and
    /// partitions strike a minority of the processes `faulty` (nobody, if `faulty` is
    /// empty).
    ///
    /// # Panics
    /// If a process of `faulty` is not one of the `n`, or appears twice.
    pub fn world(self, n: usize, faulty: &[ProcessId], seed: u64) -> Config {
        assert!(
            faulty.iter().all(|&p| p < n),
            "the fault-prone processes {faulty:?} are not all among p0..p{}",
            n.saturating_sub(1)
        );
        assert!(
            faulty
                .iter()
                .enumerate()
                .all(|(i, p)| !faulty[..i].contains(p)),
            "a process appears twice among the fault-prone {faulty:?}"
        );
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x6d69_7865_6400);
        let ms = Duration::from_millis;
        let mut config = Config::default();
        let network = &mut config.network;
        let minority = faulty.len().saturating_sub(1) / 2;
        match self {
            Mix::Clean => {}
            Mix::Loss => network.loss = 0.25,
            Mix::Duplication => network.duplication = 0.3,
            Mix::Reordering => {
                network.fifo = false;
                network.latency = Latency::Uniform {
                    min: ms(1),
                    max: ms(12),
                };
            }
            Mix::Latency => {
                network.latency = Latency::LogNormal {
                    median: ms(1),
                    sigma: 1.0,
                }
            }
            Mix::Crashes => {
                config.administrator = crashes(&mut rng, faulty, minority, false)
            }
            Mix::Restarts => {
                config.administrator = crashes(&mut rng, faulty, minority, true)
            }
            Mix::Partition if !faulty.is_empty() => {
                network.partitions.scheduled = partition(&mut rng, n, faulty)
            }
            Mix::Partition => {}
            Mix::All => {
                network.loss = 0.1;
                network.duplication = 0.1;
                network.fifo = false;
                network.latency = Latency::Uniform {
                    min: ms(1),
                    max: ms(6),
                };
                if !faulty.is_empty() {
                    network.partitions.scheduled = partition(&mut rng, n, faulty);
                }
                config.administrator = crashes(&mut rng, faulty, minority, true);
            }
        }
        config
    }
}

/// The window in which crashes strike: the first 60 ms.
const CRASH_WINDOW: Duration = Duration::from_millis(60);
/// How long a crashed process stays down, and up again before its second crash: 5–20 ms.
const DOWN: Range<Duration> = Duration::from_millis(5)..Duration::from_millis(20);
/// The window in which a partition starts: the first 40 ms.
const PARTITION_WINDOW: Duration = Duration::from_millis(40);
/// How long a partition lasts: 10–40 ms.
const PARTITION_LENGTH: Range<Duration> =
    Duration::from_millis(10)..Duration::from_millis(40);

/// A time drawn uniformly from `range`, in whole nanoseconds.
fn draw(rng: &mut Xoshiro256PlusPlus, range: Range<Duration>) -> Duration {
    Duration::from_nanos(
        rng.random_range(range.start.as_nanos() as u64..range.end.as_nanos() as u64),
    )
}

/// `count` distinct processes of `faulty` crashing at random times in the
/// [`CRASH_WINDOW`]; with `restart`, each comes back [`DOWN`] later and crashes and
/// restarts once more.
fn crashes(
    rng: &mut Xoshiro256PlusPlus,
    faulty: &[ProcessId],
    count: usize,
    restart: bool,
) -> Vec<(Time, Action)> {
    let mut victims: Vec<ProcessId> = faulty.to_vec();
    let mut actions = Vec::new();
    for _ in 0..count {
        let p = victims.swap_remove(rng.random_range(0..victims.len()));
        let mut at = Time::ZERO + draw(rng, Duration::ZERO..CRASH_WINDOW);
        for _ in 0..if restart { 2 } else { 1 } {
            actions.push((at, Action::Crash(p)));
            if restart {
                at = at + draw(rng, DOWN);
                actions.push((at, Action::Restart(p)));
                at = at + draw(rng, DOWN);
            }
        }
    }
    actions.sort_by_key(|(t, _)| *t);
    actions
}

/// A random minority of `faulty` cut off from the other of the `n` processes at a random
/// time in the [`PARTITION_WINDOW`], for a [`PARTITION_LENGTH`].
fn partition(
    rng: &mut Xoshiro256PlusPlus,
    n: usize,
    faulty: &[ProcessId],
) -> Vec<(Time, Vec<Vec<ProcessId>>)> {
    let mut order = faulty.to_vec();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let cut = rng.random_range(1..=((order.len() - 1) / 2).max(1));
    let minority = order[..cut].to_vec();
    let rest = (0..n).filter(|p| !minority.contains(p)).collect();
    let start = Time::ZERO + draw(rng, Duration::ZERO..PARTITION_WINDOW);
    let end = start + draw(rng, PARTITION_LENGTH);
    vec![(start, vec![minority, rest]), (end, vec![])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mix_without_fault_prone_processes_strikes_nobody() {
        for mix in Mix::ALL {
            let config = mix.world(3, &[], 1);
            assert!(config.administrator.is_empty(), "{mix:?}");
            assert!(config.network.partitions.scheduled.is_empty(), "{mix:?}");
        }
    }

    #[test]
    #[should_panic(expected = "not all among p0..p2")]
    fn a_fault_prone_process_that_does_not_exist_is_refused() {
        Mix::Crashes.world(3, &[0, 3], 1);
    }
}
