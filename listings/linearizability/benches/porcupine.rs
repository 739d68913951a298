//! The checker on Porcupine's test histories, for a side-by-side comparison with
//! Porcupine's own benchmarks (`go test -bench .` in its repository): `cargo bench -p
//! linearizability`. Parsing is excluded, as in Porcupine's benchmarks. Set `ETCD_EACH=1`
//! to also time each etcd file on its own.

use criterion::{Criterion, criterion_group, criterion_main};
use linearizability::models::{CasRegister, Kv};
use linearizability::{check, parse};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/porcupine")
}

fn bench(c: &mut Criterion) {
    let etcd: Vec<(String, _)> = (0..=102)
        .filter(|&n| n != 95) // etcd_095.log is empty
        .map(|n| {
            let name = format!("etcd_{n:03}");
            let text = std::fs::read_to_string(data().join(format!("jepsen/{name}.log")))
                .expect("the test data");
            (
                name,
                parse::porcupine_etcd(&text)
                    .expect("a readable history")
                    .history,
            )
        })
        .collect();
    let mut group = c.benchmark_group("etcd");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("all 102 files", |b| {
        b.iter(|| {
            etcd.iter()
                .filter(|(_, h)| check(&CasRegister, black_box(h)).is_linearizable())
                .count()
        })
    });
    if std::env::var_os("ETCD_EACH").is_some() {
        group.measurement_time(Duration::from_millis(500));
        for (name, history) in &etcd {
            group.bench_function(name.as_str(), |b| {
                b.iter(|| check(&CasRegister, black_box(history)))
            });
        }
    }
    group.finish();
    let mut group = c.benchmark_group("kv");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for name in [
        "c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad",
    ] {
        let text = std::fs::read_to_string(data().join(format!("kv/{name}.txt")))
            .expect("the test data");
        let history = parse::kv_edn(&text).expect("a readable history").history;
        group.bench_function(name, |b| b.iter(|| check(&Kv, black_box(&history))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
