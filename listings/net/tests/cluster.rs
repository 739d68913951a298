//! Three nodes on loopback: they exchange messages, one is killed and restarted and
//! recovers what it persisted, a malformed datagram is dropped without harm, and nothing
//! is left behind; a node serves a bounded number of clients.

use net::client::Client;
use net::node::{Config, LocalCluster, Node, loopback};
use net::tally::{Hello, Tally};
use std::net::UdpSocket;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(20);

fn tally(_: usize, n: usize) -> Tally {
    Tally {
        n,
        received: 0,
        every: EVERY,
    }
}

fn count(client: &mut Client<(), u64>, node: usize) -> u64 {
    client
        .call::<Hello>(node, (), Duration::from_secs(1))
        .expect("the client")
        .expect("an answer")
}

#[test]
fn a_restarted_node_recovers_what_it_persisted() {
    let began = Instant::now();
    let dir = std::env::temp_dir().join(format!("net-cluster-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cluster = LocalCluster::start(3, dir.clone(), tally).expect("three nodes");
    let peers = cluster.peers().to_vec();
    let mut client: Client<(), u64> = Client::new(peers.clone()).expect("a client");

    // Messages flow: node 2 hears from both others.
    std::thread::sleep(EVERY * 10);
    let before = count(&mut client, 2);
    assert!(before >= 4, "node 2 received {before}");

    // Garbage on the wire, and a message that claims to come from node 0 but does not,
    // are logged and dropped; the node carries on and answers (a node handles its
    // datagrams in order, so the answer comes after both were handled).
    let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
    stranger.send_to(b"\xffnot json", peers[2]).unwrap();
    let forged = br#"{"Peer":{"from":0,"id":1,"message":null}}"#;
    stranger.send_to(forged, peers[2]).unwrap();
    let carried_on = count(&mut client, 2);
    assert!(carried_on >= before);
    let log = std::fs::read_to_string(dir.join("node-2.log")).unwrap();
    assert_eq!(
        log.matches("\"event\":\"dropped\"").count(),
        2,
        "both datagrams were logged and dropped"
    );

    // Kill node 2, and restart it on the same address: it recovers its count.
    cluster.kill(2).expect("node 2 ran without error");
    let persisted: u64 =
        serde_json::from_slice(&std::fs::read(dir.join("node-2.json")).unwrap()).unwrap();
    assert!(persisted >= before);
    cluster.restart(2).expect("the address is free again");
    let after = count(&mut client, 2);
    assert!(
        after >= persisted,
        "recovered {after}, had persisted {persisted}"
    );

    let log = std::fs::read_to_string(dir.join("node-2.log")).unwrap();
    assert!(log.contains("\"event\":\"recover\""));

    cluster.stop().expect("the nodes ran without error");
    // Every socket is closed: the addresses can be bound again.
    for address in &peers {
        drop(UdpSocket::bind(address).expect("no node still holds its port"));
    }
    // The history the client recorded has one completed operation per call.
    assert_eq!(client.history.operations.len(), 3);
    assert!(client.history.operations.iter().all(|op| !op.is_open()));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(began.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_node_serves_a_bounded_number_of_clients_and_drops_the_rest() {
    let dir = std::env::temp_dir().join(format!("net-clients-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut sockets, peers) = loopback(1).expect("a port");
    let config = Config {
        id: 0,
        peers: peers.clone(),
        dir: dir.clone(),
    };
    let node = Node::new(config, tally(0, 1), sockets.remove(0))
        .expect("a node")
        .max_clients(2)
        .spawn();
    let mut clients: Vec<Client<(), u64>> = (0..3)
        .map(|_| Client::new(peers.clone()).expect("a client"))
        .collect();
    let answers: Vec<bool> = clients
        .iter_mut()
        .map(|c| {
            c.call::<Hello>(0, (), Duration::from_millis(300))
                .expect("the client")
                .is_some()
        })
        .collect();
    assert_eq!(
        answers,
        [true, true, false],
        "the third client is one too many"
    );
    // A client the node knows is still served.
    let again = clients[0].call::<Hello>(0, (), Duration::from_secs(1));
    assert!(
        again.expect("the client").is_some(),
        "a known client is served"
    );
    node.stop().expect("the node ran without error");
    let log = std::fs::read_to_string(dir.join("node-0.log")).unwrap();
    assert_eq!(log.matches("the table of 2 clients is full").count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
