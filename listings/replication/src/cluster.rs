//! A cluster on this machine: one operating-system process per node, over UDP on
//! loopback.
//!
//! ```text
//! cargo run --release -p replication -- cluster --protocol replication --nodes 3
//! ```
//!
//! It starts the nodes, says where each listens and logs, and then reads commands:
//! `kill N` (as `kill -9 PID` would), `restart N`, `write V` / `read N` (replication) or
//! `count N` (tally), `sleep MS`, `diagram` (draws the merged logs into DIR/diagram.svg),
//! `quit` (which also writes the client's history to DIR/history.json). A node killed
//! from another terminal can be restarted too.

use crate::repaired::Repaired;
use crate::{Request, Response};
use clap::{Subcommand, ValueEnum};
use net::client::Client;
use net::node::{Config, Node};
use notebook::{Error, Output};
use process::Process;
use std::io::BufRead;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// Runs a protocol of the book as a cluster of local processes.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    #[command(subcommand)]
    role: Option<Role>,
    /// The protocol.
    #[arg(long, value_enum, default_value = "replication")]
    protocol: Protocol,
    /// How many nodes.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=16))]
    nodes: u32,
    /// Where the nodes keep their disks and logs (a previous run's files there are
    /// removed; nothing else is).
    #[arg(long, default_value = "target/cluster")]
    dir: PathBuf,
    /// How long the client waits for an answer, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    timeout: u64,
}

#[derive(Subcommand, Debug)]
enum Role {
    /// Run one node (the launcher starts these).
    Node {
        /// The node's name.
        #[arg(long)]
        id: usize,
        /// Every node's address, comma-separated, by name.
        #[arg(long, value_delimiter = ',')]
        peers: Vec<SocketAddr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Protocol {
    /// The repaired primary-backup protocol of chapter 2 (node 0 is the primary).
    Replication,
    /// Nodes greeting each other and counting the greetings (`count N`).
    Tally,
}

/// Runs the launcher, or, with the `node` role, one node. Unlike the book's other
/// programs it talks to a person: it reads commands and prints as it goes, and returns
/// nothing to print.
pub(crate) fn run(args: Args) -> Result<Output, Error> {
    let result = match args.role {
        Some(Role::Node { id, ref peers }) => node(&args, id, peers.clone()),
        None => launch(&args),
    };
    result
        .map(|()| Output::default())
        .map_err(|e| Error::Failed(e.to_string()))
}

fn node(args: &Args, id: usize, peers: Vec<SocketAddr>) -> std::io::Result<()> {
    let n = peers.len();
    let config = Config {
        id,
        peers: peers.clone(),
        dir: args.dir.clone(),
    };
    let socket = UdpSocket::bind(peers[id])?;
    let stop = AtomicBool::new(false);
    match args.protocol {
        Protocol::Replication => Node::new(
            config,
            Repaired::new(id, n, Duration::from_millis(50)),
            socket,
        )?
        .run(&stop),
        Protocol::Tally => {
            let tally = net::tally::Tally {
                n,
                received: 0,
                every: Duration::from_millis(500),
            };
            Node::new(config, tally, socket)?.run(&stop)
        }
    }
}

fn spawn(args: &Args, id: usize, peers: &[SocketAddr]) -> std::io::Result<Child> {
    let list: Vec<String> = peers.iter().map(ToString::to_string).collect();
    let protocol = if args.protocol == Protocol::Tally {
        "tally"
    } else {
        "replication"
    };
    Command::new(std::env::current_exe()?)
        .args(["cluster", "--protocol", protocol, "--dir"])
        .arg(&args.dir)
        .args(["node", "--id", &id.to_string(), "--peers", &list.join(",")])
        .spawn()
}

/// Whether `name` is a file a cluster run leaves behind.
fn ours(name: &str) -> bool {
    name.starts_with("node-") || name == "diagram.svg" || name == "history.json"
}

const COMMANDS: &str = "commands: kill N | restart N | write V | read N | count N | sleep MS | diagram | quit";

fn launch(args: &Args) -> std::io::Result<()> {
    std::fs::create_dir_all(&args.dir)?;
    for entry in std::fs::read_dir(&args.dir)? {
        let entry = entry?;
        if entry.file_name().to_str().is_some_and(ours) {
            std::fs::remove_file(entry.path())?;
        }
    }
    // Ask the system for free ports, then free them for the nodes.
    let peers: Vec<SocketAddr> = (0..args.nodes)
        .map(|_| UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()))
        .collect::<Result<_, _>>()?;
    let mut children: Vec<Option<Child>> = Vec::new();
    for id in 0..peers.len() {
        let child = spawn(args, id, &peers)?;
        std::thread::sleep(Duration::from_millis(100));
        println!(
            "node {id}: listening on {}, pid {}, log {}",
            peers[id],
            child.id(),
            args.dir.join(format!("node-{id}.log")).display()
        );
        children.push(Some(child));
    }
    println!("{COMMANDS}");
    let mut replication: Client<Request, Response> = Client::new(peers.clone())?;
    let mut tally: Client<(), u64> = Client::new(peers.clone())?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let words: Vec<&str> = line.split_whitespace().collect();
        let number = |i: usize| words.get(i).and_then(|w| w.parse::<usize>().ok());
        let timeout = Duration::from_millis(args.timeout);
        match (words.first().copied(), number(1)) {
            (Some("kill"), Some(n)) if n < children.len() => match children[n].take() {
                Some(mut child) => {
                    child.kill()?;
                    child.wait()?;
                    // The node cannot log its own death: the launcher does.
                    let log = args.dir.join(format!("node-{n}.log"));
                    net::log::Log::open(&log, n)?.write(
                        "killed",
                        None,
                        None,
                        String::new(),
                    );
                    println!("node {n} killed");
                }
                None => println!("node {n} is not running"),
            },
            (Some("restart"), Some(n)) if n < children.len() => {
                let exited = match children[n].as_mut() {
                    Some(child) => child.try_wait()?.is_some(),
                    None => true,
                };
                if exited {
                    children[n] = Some(spawn(args, n, &peers)?);
                    std::thread::sleep(Duration::from_millis(300)); // let it bind its port
                    println!("node {n} restarted from its disk");
                } else {
                    println!("node {n} is running");
                }
            }
            (Some("write"), _) => {
                match words.get(1).and_then(|w| w.parse::<u32>().ok()) {
                    Some(v) => {
                        let answer = replication.call::<<Repaired as Process>::Message>(
                            0,
                            Request::Write(v),
                            timeout,
                        )?;
                        println!("{answer:?}");
                    }
                    None => println!("write takes a value from 0 to {}", u32::MAX),
                }
            }
            (Some("sleep"), Some(ms)) => {
                std::thread::sleep(Duration::from_millis(ms as u64))
            }
            (Some("read"), Some(n)) if n < peers.len() => {
                let answer = replication.call::<<Repaired as Process>::Message>(
                    n,
                    Request::Read,
                    timeout,
                )?;
                println!("{answer:?}");
            }
            (Some("count"), Some(n)) if n < peers.len() => {
                println!("{:?}", tally.call::<net::tally::Hello>(n, (), timeout)?);
            }
            (Some("diagram"), _) => {
                let logs: Vec<PathBuf> = (0..peers.len())
                    .map(|id| args.dir.join(format!("node-{id}.log")))
                    .collect();
                let entries = net::log::read(
                    &logs.iter().map(|p| p.as_path()).collect::<Vec<_>>(),
                )?;
                let path = args.dir.join("diagram.svg");
                std::fs::write(
                    &path,
                    net::log::diagram("The cluster's logs", peers.len(), &entries)
                        .to_svg(),
                )?;
                println!("diagram: {}", path.display());
            }
            (Some("quit"), _) => break,
            _ => println!("{COMMANDS}"),
        }
    }
    let history = args.dir.join("history.json");
    std::fs::write(
        &history,
        serde_json::to_string_pretty(&replication.history)?,
    )?;
    println!("history: {}", history.display());
    for mut child in children.into_iter().flatten() {
        let _ = child.kill();
        let _ = child.wait();
    }
    Ok(())
}
