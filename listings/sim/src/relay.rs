//! The workload that measures the simulator's speed: tokens relayed around a ring. Used by
//! the criterion benchmark (`cargo bench -p sim --bench throughput`) and by the
//! measurement the network chapter quotes (`cargo run --release -p sim -- throughput`).

use crate::{Config, Latency, Simulation};
use process::{Context, Process, ProcessId};
use std::time::Duration;

// ANCHOR: relay
/// Each process starts by sending a token with `hops` hops left to every other process; a
/// process that receives a token with hops left passes it on to its neighbour.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Relay {
    /// How many processes.
    pub n: usize,
    /// The hops each token makes after its first delivery.
    pub hops: u32,
}

impl Process for Relay {
    type Message = u32;
    type Timer = ();
    type Request = ();
    type Response = ();
    type Output = ();
    type Storage = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        let me = ctx.id();
        ctx.send_all((0..self.n).filter(|&p| p != me), &self.hops);
    }

    fn on_message(&mut self, _: ProcessId, hops: u32, ctx: &mut Context<'_, Self>) {
        if hops > 0 {
            ctx.send((ctx.id() + 1) % self.n, hops - 1);
        }
    }
}
// ANCHOR_END: relay

/// Runs `n` relays to the end, with delays drawn uniformly between 1 and 3 ms and neither
/// tracing nor byte counting, and returns the number of messages delivered:
/// `n (n − 1) (hops + 1)`.
pub fn relay(n: usize, hops: u32, seed: u64) -> u64 {
    assert!(n >= 2, "a ring of at least two processes");
    let mut config = Config {
        trace: false,
        count_bytes: false,
        ..Config::default()
    };
    config.network.latency = Latency::Uniform {
        min: Duration::from_millis(1),
        max: Duration::from_millis(3),
    };
    let processes = (0..n).map(|_| Relay { n, hops }).collect();
    let mut sim = Simulation::new(processes, config, seed);
    while sim.step() {}
    sim.stats().delivered
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_token_makes_every_hop() {
        assert_eq!(super::relay(4, 5, 1), 4 * 3 * 6);
    }
}
