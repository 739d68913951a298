//! World 3: the same `Abd` processes as nodes on loopback UDP, clients in three threads,
//! one node stopped and restarted from its disk in the middle, and the merged history
//! judged by the linearizability checker.

use abd::check::linearizable;
use abd::register::{Abd, Variant};
use linearizability::models::{RegisterOp, RegisterRet};
use net::client::Client;
use net::node::{Config, Node, Running, loopback};
use process::History;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

fn start(config: Config, socket: UdpSocket) -> Running {
    let n = config.peers.len();
    let process = Abd::new(n, Variant::Abd, Some(Duration::from_millis(20)));
    Node::new(config, process, socket).expect("a node").spawn()
}

fn stop(node: Running) {
    node.stop().expect("the node ran");
}

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
    let (sockets, peers) = loopback(3).expect("three ports");
    let config = |id| Config {
        id,
        peers: peers.clone(),
        dir: dir.clone(),
    };
    let mut nodes: Vec<Option<Running>> = sockets
        .into_iter()
        .enumerate()
        .map(|(id, s)| Some(start(config(id), s)))
        .collect();

    let epoch = Instant::now();
    let clients: Vec<_> = (0..3)
        .map(|k| {
            let peers = peers.clone();
            std::thread::spawn(move || client(k, peers, epoch))
        })
        .collect();
    // Stop node 0 while the clients run, and restart it on the same port from its disk.
    std::thread::sleep(Duration::from_millis(20));
    stop(nodes[0].take().expect("node 0 runs"));
    std::thread::sleep(Duration::from_millis(30));
    let socket = UdpSocket::bind(peers[0]).expect("node 0's port again");
    nodes[0] = Some(start(config(0), socket));

    let mut history = History::default();
    for (k, thread) in clients.into_iter().enumerate() {
        for mut op in thread.join().expect("a client thread").operations {
            op.client += 1000 * k; // each thread names its clients from 0
            history.operations.push(op);
        }
    }
    history.operations.sort_by_key(|op| op.invoked);
    for node in nodes.into_iter().flatten() {
        stop(node);
    }
    let _ = std::fs::remove_dir_all(&dir);

    let answered = history.operations.iter().filter(|o| !o.is_open()).count();
    assert_eq!(history.operations.len(), 60);
    assert!(answered >= 55, "only {answered} of 60 operations answered");
    assert!(linearizable(&history), "not linearizable: {history:?}");
}
