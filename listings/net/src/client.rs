//! A client: it sends requests to nodes, waits for their responses, and records the
//! history in the format the simulator records, for the linearizability checker.

use crate::wire::{Datagram, decode, encode};
use process::{ClientId, History, ProcessId, Time};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// A client of a cluster.
pub struct Client<Req, Resp> {
    socket: UdpSocket,
    nodes: Vec<SocketAddr>,
    started: Instant,
    next: ClientId,
    /// Every operation so far; times are since the client started.
    pub history: History<Req, Resp>,
}

impl<Req: Serialize + Clone + Debug, Resp: Serialize + DeserializeOwned + Clone + Debug>
    Client<Req, Resp>
{
    /// A client of the nodes at `nodes`.
    pub fn new(nodes: Vec<SocketAddr>) -> io::Result<Self> {
        Self::with_epoch(nodes, Instant::now())
    }

    /// A client whose history counts time from `epoch`: clients in several threads that
    /// share an epoch record histories that can be merged.
    pub fn with_epoch(nodes: Vec<SocketAddr>, epoch: Instant) -> io::Result<Self> {
        let socket = UdpSocket::bind("127.0.0.1:0")?;
        Ok(Client {
            socket,
            nodes,
            started: epoch,
            next: 0,
            history: History::default(),
        })
    }

    /// Sends `request` to node `node` and waits up to `timeout` for the response. A
    /// request that times out stays open in the history, and the next call uses a fresh
    /// client name, since the old one's operation may still take effect.
    pub fn call<M: Serialize>(
        &mut self,
        node: ProcessId,
        request: Req,
        timeout: Duration,
    ) -> io::Result<Option<Resp>> {
        self.call_retrying::<M>(&[node], request, timeout, |_| true)
    }

    /// Sends `request` to each of `nodes` in turn, waiting up to `timeout` for each, until
    /// a response that `answers` accepts arrives: one operation in the history, under one
    /// client name, so that a node can recognise the retry (the request must say so
    /// itself, as a numbered request does). If none answers, the operation stays open
    /// and the next call uses a fresh client name.
    pub fn call_retrying<M: Serialize>(
        &mut self,
        nodes: &[ProcessId],
        request: Req,
        timeout: Duration,
        answers: impl Fn(&Resp) -> bool,
    ) -> io::Result<Option<Resp>> {
        let client = self.next;
        let first = nodes.first().copied().unwrap_or_default();
        let index = self
            .history
            .invoke(client, first, request.clone(), self.now());
        let datagram: Datagram<M, Req, Resp> = Datagram::Request { client, request };
        let bytes = encode(&datagram);
        let mut buffer = vec![0u8; 65_536];
        for &node in nodes {
            self.socket.send_to(&bytes, self.nodes[node])?;
            let deadline = Instant::now() + timeout;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                self.socket.set_read_timeout(Some(left))?;
                match self.socket.recv_from(&mut buffer) {
                    Ok((len, _)) => {
                        if let Ok(Datagram::<serde_json::Value, serde_json::Value, Resp>::Response { client: c, response }) = decode(&buffer[..len])
                            && c == client
                            && answers(&response)
                        {
                            self.history.complete(index, response.clone(), self.now());
                            return Ok(Some(response));
                        }
                    }
                    Err(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock
                                | io::ErrorKind::TimedOut
                                | io::ErrorKind::ConnectionRefused
                        ) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        self.next += 1;
        Ok(None)
    }

    fn now(&self) -> Time {
        Time::from_duration(self.started.elapsed())
    }
}
