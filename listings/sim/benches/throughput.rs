//! Simulation throughput: delivered messages per second of wall-clock time, for the relay
//! workload of `sim::relay`. `cargo bench -p sim --bench throughput`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sim::relay::relay;
use std::hint::black_box;

fn throughput(c: &mut Criterion) {
    let (n, hops) = (10, 2_000);
    let delivered = relay(n, hops, 1);
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
