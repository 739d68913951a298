//! World 3: the same `Abd` processes as nodes on loopback UDP, clients in three threads,
//! one node stopped and restarted from its disk in the middle, and the merged history
//! judged by the linearizability checker.

use abd::check::linearizable;
use abd::register::{Abd, Variant};
use linearizability::models::{RegisterOp, RegisterRet};
use net::client::Client;
use net::node::LocalCluster;
use process::History;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Client `k`'s twenty operations: reads and writes of values unique to it, at node 1
/// or 2.
fn client(
    k: usize,
    peers: Vec<SocketAddr>,
    epoch: Instant,
) -> History<RegisterOp, RegisterRet> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(k as u64);
    let mut client: Client<RegisterOp, RegisterRet> =
        Client::with_epoch(peers, epoch).expect("a client");
    for i in 0..20 {
        let request = if rng.random_bool(0.5) {
            RegisterOp::Read
        } else {
            RegisterOp::Write((100 * (k + 1) + i) as i64)
        };
        // Node 0 is stopped for a while; the clients ask the others.
        let node = rng.random_range(1..3);
        let _ = client
            .call::<abd::register::Message>(node, request, Duration::from_secs(1))
            .expect("the client's socket");
        std::thread::sleep(Duration::from_millis(rng.random_range(0..5)));
    }
    client.history
}

#[test]
fn abd_over_udp_is_linearizable_through_a_restart() {
    let dir = std::env::temp_dir().join(format!("abd-udp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cluster = LocalCluster::start(3, dir.clone(), |_, n| {
        Abd::new(n, Variant::Abd, Some(Duration::from_millis(20)))
    })
    .expect("three nodes");
    let peers = cluster.peers().to_vec();

    let epoch = Instant::now();
    let clients: Vec<_> = (0..3)
        .map(|k| {
            let peers = peers.clone();
            std::thread::spawn(move || client(k, peers, epoch))
        })
        .collect();
    // Stop node 0 while the clients run, and restart it on the same port from its disk.
    std::thread::sleep(Duration::from_millis(20));
    cluster.kill(0).expect("node 0 ran");
    std::thread::sleep(Duration::from_millis(30));
    cluster.restart(0).expect("node 0's port again");

    let mut history = History::default();
    for (k, thread) in clients.into_iter().enumerate() {
        for mut op in thread.join().expect("a client thread").operations {
            op.client += 1000 * k; // each thread names its clients from 0
            history.operations.push(op);
        }
    }
    history.operations.sort_by_key(|op| op.invoked);
    cluster.stop().expect("the nodes ran");
    let _ = std::fs::remove_dir_all(&dir);

    let answered = history.operations.iter().filter(|o| !o.is_open()).count();
    assert_eq!(history.operations.len(), 60);
    assert!(answered >= 55, "only {answered} of 60 operations answered");
    assert!(linearizable(&history), "not linearizable: {history:?}");
}
