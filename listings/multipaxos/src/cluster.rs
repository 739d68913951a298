//! World 3: the same replicas as nodes on loopback UDP, with leases and snapshots on,
//! clients in threads that retry at another node, the leader killed and restarted from
//! its disk while they run, and the merged history judged.

use crate::replica::{Disk, Lease, Replica, Setup, Slot};
use crate::simulate::linearizable;
use kvstore::{Reply, Request};
use linearizability::models::{KvOp, KvRet};
use net::client::Client;
use net::node::LocalCluster;
use process::History;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

/// Elections on a real network: loopback answers in tens of microseconds, but a thread
/// of a busy machine may not run for milliseconds.
pub const ELECTION: (Duration, Duration) =
    (Duration::from_millis(150), Duration::from_millis(300));
/// Between the leader's heartbeats.
pub const HEARTBEAT: Duration = Duration::from_millis(25);
/// The lease: a grant lasts the shortest election timeout, under a drift bound of a
/// thousandth, an assumption about the machine's clock.
pub const LEASE: Lease = Lease {
    length: ELECTION.0,
    drift_ppm: 1_000,
};
/// Snapshots every this many slots.
pub const SNAPSHOT_EVERY: u64 = 16;
/// How long a client waits at one node before it asks the next.
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(400);

/// The configuration of every node: p0 begins as leader.
pub fn setup() -> Setup {
    Setup {
        leader: Some(0),
        lease: Some(LEASE),
        snapshot: Some(SNAPSHOT_EVERY),
        ..Setup::new(3, ELECTION, Some(HEARTBEAT))
    }
}

/// What a run on the real network gives.
pub struct ClusterRun {
    /// The clients' merged history.
    pub history: History<KvOp, KvRet>,
    /// Whether it is linearizable.
    pub linearizable: bool,
    /// The slot of each node's snapshot on its disk at the end, if it has one.
    pub snapshots: Vec<Option<Slot>>,
}

/// Client `k`'s `operations` operations, a third of them reads, on keys `x` and `y`; its
/// appends add pieces no other client adds. Each asks a random node, then the others in
/// turn, with the same name and number.
fn client(
    k: usize,
    operations: usize,
    peers: Vec<SocketAddr>,
    epoch: Instant,
    seed: u64,
) -> io::Result<History<Request, Reply>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ k as u64);
    let mut client: Client<Request, Reply> = Client::with_epoch(peers, epoch)?;
    for seq in 1..=operations as u64 {
        let key = if rng.random_bool(0.5) { "x" } else { "y" }.to_owned();
        let op = if rng.random_bool(1.0 / 3.0) {
            KvOp::Get(key)
        } else {
            KvOp::Append(key, format!("{k}.{seq} "))
        };
        let first = rng.random_range(0..3);
        let nodes: Vec<usize> = (0..3 * 3).map(|i| (first + i) % 3).collect();
        let request = Request { client: k, seq, op };
        client.call_retrying::<crate::replica::Message>(
            &nodes,
            request,
            CLIENT_TIMEOUT,
            |reply: &Reply| reply.seq == seq,
        )?;
        std::thread::sleep(Duration::from_millis(rng.random_range(0..5)));
    }
    Ok(client.history)
}

// ANCHOR: cluster
/// Starts three nodes with their disks in `dir`, runs `clients` clients of `operations`
/// operations each, and meanwhile kills p0, the leader, at `kill` and restarts it from
/// its disk at `restart` (times since the clients began); then judges the history.
pub fn run(
    dir: &Path,
    clients: usize,
    operations: usize,
    kill: Duration,
    restart: Duration,
    seed: u64,
) -> io::Result<ClusterRun> {
    let _ = std::fs::remove_dir_all(dir);
    let setup = setup();
    let mut cluster =
        LocalCluster::start(3, dir.to_path_buf(), move |id, _| Replica::new(id, setup))?;
    let peers = cluster.peers().to_vec();
    let epoch = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|k| {
            let peers = peers.clone();
            std::thread::spawn(move || client(k, operations, peers, epoch, seed))
        })
        .collect();
    std::thread::sleep(kill);
    cluster.kill(0)?;
    std::thread::sleep(restart.saturating_sub(kill));
    cluster.restart(0)?;
    let mut merged = History::default();
    for (k, thread) in threads.into_iter().enumerate() {
        let history = thread.join().expect("a client thread does not panic")?;
        for mut op in history.operations {
            op.client += 1000 * k; // each thread's client names its attempts from 0
            merged.operations.push(op);
        }
    }
    merged.operations.sort_by_key(|op| op.invoked);
    cluster.stop()?;
    let snapshots = (0..3)
        .map(|id| {
            let bytes = std::fs::read(dir.join(format!("node-{id}.json")))?;
            let disk: Disk = net::wire::decode(&bytes).map_err(io::Error::other)?;
            Ok(disk.snapshot.map(|s| s.slot))
        })
        .collect::<io::Result<_>>()?;
    let history = kvstore::operations(&merged);
    Ok(ClusterRun {
        linearizable: linearizable(&history),
        history,
        snapshots,
    })
}
// ANCHOR_END: cluster
