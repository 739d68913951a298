//! Simulation throughput: delivered messages per second of wall-clock time, for a trivial
//! relay protocol. `cargo bench -p sim --bench throughput`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use process::{Context, Process, ProcessId};
use sim::{Config, Latency, Simulation};
use std::hint::black_box;
use std::time::Duration;

// ANCHOR: relay
/// Each process starts by sending a token with `hops` hops left to every other process; a
/// process that receives a token with hops left passes it on to its neighbour.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Relay {
    n: usize,
    hops: u32,
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

/// Runs `n` relays to the end and returns the number of delivered messages.
fn relay(n: usize, hops: u32, seed: u64) -> u64 {
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

fn throughput(c: &mut Criterion) {
    let (n, hops) = (10, 2_000);
    let delivered = relay(n, hops, 1);
    assert_eq!(delivered, (n * (n - 1)) as u64 * (hops as u64 + 1));
    let mut group = c.benchmark_group("simulation");
    group.throughput(Throughput::Elements(delivered));
    group.sample_size(20);
    group.bench_function("relay, 10 processes, delivered messages", |b| {
        b.iter(|| relay(black_box(n), black_box(hops), 1))
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
