//! A process as a node of a real network.

use crate::clock::Clock;
use crate::log::Log;
use crate::wire::{Datagram, decode, encode};
use process::{ClientId, Context, Effect, Process, ProcessId, Time};
use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The most clients a node serves, unless told otherwise ([`Node::max_clients`]): a
/// request from yet another client is logged and dropped, so that a flood of clients
/// cannot grow the node's memory without bound.
pub const MAX_CLIENTS: usize = 4_096;

/// Where a node lives.
#[derive(Clone, Debug)]
pub struct Config {
    /// The node's name: its index in `peers`.
    pub id: ProcessId,
    /// Every node's address, by name.
    pub peers: Vec<SocketAddr>,
    /// The directory for this node's disk (`node-ID.json`) and log (`node-ID.log`).
    pub dir: PathBuf,
}

impl Config {
    /// The file holding what the node persisted.
    pub fn storage_path(&self) -> PathBuf {
        self.dir.join(format!("node-{}.json", self.id))
    }

    /// The node's log.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join(format!("node-{}.log", self.id))
    }
}

/// A running node: a process, a socket, timers on the monotonic clock, a file for its
/// disk.
pub struct Node<P: Process> {
    config: Config,
    process: P,
    socket: UdpSocket,
    started: Instant,
    clock: Clock<P::Timer>,
    /// Each client the process has seen, by the name the node gave it: the client's
    /// address and its own name for itself. Two client programs may both call themselves
    /// client 0; the process must see two clients.
    clients: Vec<(SocketAddr, ClientId)>,
    names: HashMap<(SocketAddr, ClientId), ClientId>,
    max_clients: usize,
    sent: u64,
    log: Log,
}

impl<P: Process> Node<P> {
    /// A node running `process` (as constructed, before its start) on an already bound
    /// socket, which must be the address `config.peers[config.id]`.
    pub fn new(config: Config, process: P, socket: UdpSocket) -> io::Result<Self> {
        std::fs::create_dir_all(&config.dir)?;
        let log = Log::open(&config.log_path(), config.id)?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        // A real node has no seed to replay: the wall clock and the node's name will do.
        let clock = Clock::new(nanos ^ config.id as u64);
        let started = Instant::now();
        Ok(Node {
            config,
            process,
            socket,
            started,
            clock,
            clients: Vec::new(),
            names: HashMap::new(),
            max_clients: MAX_CLIENTS,
            sent: 0,
            log,
        })
    }

    /// Serves at most `clients` clients (at least one) instead of [`MAX_CLIENTS`].
    pub fn max_clients(mut self, clients: usize) -> Self {
        assert!(clients > 0, "a node must serve some client");
        self.max_clients = clients;
        self
    }

    /// Runs until `stop` is set. A node whose disk holds a previous run's storage
    /// recovers from it; otherwise it starts fresh.
    pub fn run(mut self, stop: &AtomicBool) -> io::Result<()> {
        let stored = std::fs::read(self.config.storage_path()).ok();
        match stored.map(|bytes| decode::<P::Storage>(&bytes)) {
            Some(Ok(storage)) => {
                self.log
                    .write("recover", None, None, format!("{storage:?}"));
                self.handle(|p, ctx| p.on_recover(&storage, ctx))?;
            }
            Some(Err(e)) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("unreadable storage: {e}"),
                ));
            }
            None => {
                self.log.write("start", None, None, String::new());
                self.handle(|p, ctx| p.on_start(ctx))?;
            }
        }
        let mut buffer = vec![0u8; 65_536];
        while !stop.load(Ordering::Relaxed) {
            // Sleep in the socket until a datagram comes or the next timer is due,
            // checking `stop` at least every 50 ms.
            let wait = self
                .clock
                .until_next()
                .unwrap_or(Duration::from_millis(50))
                .clamp(Duration::from_millis(1), Duration::from_millis(50));
            self.socket.set_read_timeout(Some(wait))?;
            match self.socket.recv_from(&mut buffer) {
                Ok((len, from)) => self.receive(&buffer[..len], from)?,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                // Some systems report a datagram sent earlier to a closed port here.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
                    ) => {}
                Err(e) => return Err(e),
            }
            self.fire_due_timers()?;
        }
        Ok(())
    }

    // ANCHOR: receive
    /// A datagram arrives: a peer's message or a client's request. Anything else is the
    /// network's fault, not the node's: it is logged and dropped.
    fn receive(&mut self, bytes: &[u8], from: SocketAddr) -> io::Result<()> {
        match decode::<Datagram<P::Message, P::Request, P::Response>>(bytes) {
            Ok(Datagram::Peer {
                from: peer,
                id,
                message,
            }) if self.config.peers.get(peer) == Some(&from) => {
                self.log
                    .write("receive", Some(peer), Some(id), format!("{message:?}"));
                self.handle(|p, ctx| p.on_message(peer, message, ctx))
            }
            Ok(Datagram::Request {
                client: remote,
                request,
            }) => {
                let known = self.clients.len();
                if known == self.max_clients && !self.names.contains_key(&(from, remote))
                {
                    let why =
                        format!("from {from}: the table of {known} clients is full");
                    self.log.write("dropped", None, None, why);
                    return Ok(());
                }
                let client = *self.names.entry((from, remote)).or_insert(known);
                if client == known {
                    self.clients.push((from, remote));
                }
                self.log
                    .write("request", None, None, format!("c{client}: {request:?}"));
                self.handle(|p, ctx| p.on_request(client, request, ctx))
            }
            Ok(Datagram::Peer { from: peer, .. }) => {
                let why = format!("from {from}, which is not node {peer}'s address");
                self.log.write("dropped", None, None, why);
                Ok(())
            }
            Ok(Datagram::Response { .. }) => Ok(()), // nodes do not take responses
            Err(e) => {
                let why = format!("{} bytes from {from}: {e}", bytes.len());
                self.log.write("dropped", None, None, why);
                Ok(())
            }
        }
    }
    // ANCHOR_END: receive

    // ANCHOR: persist
    /// Makes `storage` durable. Writing the file in place, a crash in the middle would
    /// leave half a state: write a new file, sync it, rename it over the old, and sync
    /// the directory that names it. A crash of the process or of the machine leaves one
    /// or the other, and the effects that follow (an acknowledgement, say) are carried
    /// out only once this returns.
    fn persist(&mut self, storage: &P::Storage) -> io::Result<()> {
        let path = self.config.storage_path();
        let temporary = path.with_extension("json.tmp");
        let mut file = std::fs::File::create(&temporary)?;
        std::io::Write::write_all(&mut file, &encode(storage))?;
        file.sync_all()?;
        std::fs::rename(&temporary, &path)?;
        std::fs::File::open(&self.config.dir)?.sync_all()?;
        self.log
            .write("persist", None, None, format!("{storage:?}"));
        Ok(())
    }
    // ANCHOR_END: persist

    fn fire_due_timers(&mut self) -> io::Result<()> {
        while let Some(timer) = self.clock.expired() {
            self.log.write("timer", None, None, format!("{timer:?}"));
            self.handle(|p, ctx| p.on_timer(timer, ctx))?;
        }
        Ok(())
    }

    /// Runs a handler and carries out its effects on the real world.
    fn handle(
        &mut self,
        handler: impl FnOnce(&mut P, &mut Context<'_, P>),
    ) -> io::Result<()> {
        let mut effects = Vec::new();
        let now = Time::from_duration(self.started.elapsed());
        {
            let mut ctx =
                Context::new(self.config.id, now, &mut effects, &mut self.clock);
            handler(&mut self.process, &mut ctx);
        }
        for effect in effects {
            match effect {
                Effect::Send { to, message } => {
                    self.sent += 1;
                    self.log.write(
                        "send",
                        Some(to),
                        Some(self.sent),
                        format!("{message:?}"),
                    );
                    let datagram: Datagram<P::Message, P::Request, P::Response> =
                        Datagram::Peer {
                            from: self.config.id,
                            id: self.sent,
                            message,
                        };
                    // A send to a node that is down vanishes, as on any network; one
                    // the kernel refuses (too large, say) is the node's own doing.
                    let address = self.config.peers[to];
                    if let Err(e) = self.socket.send_to(&encode(&datagram), address) {
                        self.log.write("send-failed", Some(to), None, e.to_string());
                    }
                }
                Effect::SetTimer { timer, min, max } => self.clock.set(timer, min, max),
                Effect::CancelTimer { timer } => self.clock.cancel(&timer),
                Effect::Persist { storage } => self.persist(&storage)?,
                Effect::Respond { client, response } => {
                    self.log.write(
                        "respond",
                        None,
                        None,
                        format!("c{client}: {response:?}"),
                    );
                    if let Some(&(address, client)) = self.clients.get(client) {
                        let datagram: Datagram<P::Message, P::Request, P::Response> =
                            Datagram::Response { client, response };
                        let _ = self.socket.send_to(&encode(&datagram), address);
                    }
                }
                Effect::Output { output } => {
                    self.log.write("output", None, None, format!("{output:?}"))
                }
            }
        }
        Ok(())
    }
}

/// A node running on a thread of this operating-system process: a cluster in one test.
pub struct Running {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<io::Result<()>>,
}

impl Running {
    /// Stops the node, as a kill would (its socket closes; its disk stays), and returns
    /// how its run ended.
    pub fn stop(self) -> io::Result<()> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .join()
            .map_err(|_| io::Error::other("the node's thread panicked"))?
    }
}

impl<P: Process> Node<P>
where
    Self: Send + 'static,
{
    /// Runs the node on a new thread until [`Running::stop`].
    pub fn spawn(self) -> Running {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        Running {
            stop,
            thread: std::thread::spawn(move || self.run(&flag)),
        }
    }
}

/// `n` sockets bound to free ports on loopback, and their addresses: the peers of a
/// cluster on this machine.
pub fn loopback(n: usize) -> io::Result<(Vec<UdpSocket>, Vec<SocketAddr>)> {
    let sockets = (0..n)
        .map(|_| UdpSocket::bind("127.0.0.1:0"))
        .collect::<io::Result<Vec<_>>>()?;
    let peers = sockets
        .iter()
        .map(UdpSocket::local_addr)
        .collect::<io::Result<Vec<_>>>()?;
    Ok((sockets, peers))
}

/// A cluster of nodes on loopback, each a thread of this process: what the tests and
/// experiments of the real network start, kill and restart. A killed node's port and
/// disk stay; restarted, it binds the same port and recovers from its disk.
pub struct LocalCluster<P: Process> {
    peers: Vec<SocketAddr>,
    dir: PathBuf,
    nodes: Vec<Option<Running>>,
    process: Box<dyn Fn(ProcessId, usize) -> P>,
}

impl<P: Process> LocalCluster<P>
where
    Node<P>: Send + 'static,
{
    /// Starts `n` nodes with their disks and logs in `dir`, node `i` running
    /// `process(i, n)`.
    pub fn start(
        n: usize,
        dir: PathBuf,
        process: impl Fn(ProcessId, usize) -> P + 'static,
    ) -> io::Result<Self> {
        let (sockets, peers) = loopback(n)?;
        let mut cluster = LocalCluster {
            peers,
            dir,
            nodes: (0..n).map(|_| None).collect(),
            process: Box::new(process),
        };
        for (id, socket) in sockets.into_iter().enumerate() {
            cluster.spawn(id, socket)?;
        }
        Ok(cluster)
    }

    fn spawn(&mut self, id: ProcessId, socket: UdpSocket) -> io::Result<()> {
        let config = Config {
            id,
            peers: self.peers.clone(),
            dir: self.dir.clone(),
        };
        let process = (self.process)(id, self.peers.len());
        self.nodes[id] = Some(Node::new(config, process, socket)?.spawn());
        Ok(())
    }

    /// Every node's address, by name.
    pub fn peers(&self) -> &[SocketAddr] {
        &self.peers
    }

    /// Stops node `id` as a kill would, and returns how its run ended.
    ///
    /// # Panics
    /// If node `id` is not running.
    pub fn kill(&mut self, id: ProcessId) -> io::Result<()> {
        let node = self.nodes[id].take();
        node.unwrap_or_else(|| panic!("node {id} is not running"))
            .stop()
    }

    /// Starts node `id` again on its port, from its disk.
    ///
    /// # Panics
    /// If node `id` is running.
    pub fn restart(&mut self, id: ProcessId) -> io::Result<()> {
        assert!(self.nodes[id].is_none(), "node {id} is running");
        let socket = UdpSocket::bind(self.peers[id])?;
        self.spawn(id, socket)
    }

    /// Stops every node that runs, and returns the first error any of their runs ended
    /// with.
    pub fn stop(self) -> io::Result<()> {
        let mut first = Ok(());
        for node in self.nodes.into_iter().flatten() {
            let ended = node.stop();
            if first.is_ok() {
                first = ended;
            }
        }
        first
    }
}
