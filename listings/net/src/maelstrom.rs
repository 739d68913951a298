//! Jepsen's Maelstrom node protocol: a node reads JSON messages on standard input, one
//! per line, and writes its messages on standard output. Maelstrom runs the nodes, plays
//! the network and the clients, and checks the history — so the book's protocols can be
//! tested with it.
//!
//! A message is `{"src": ..., "dest": ..., "body": {"type": ..., "msg_id": ..., ...}}`; a
//! reply carries `in_reply_to`. The first message a node receives is `init`, naming it
//! and every node. This front end answers `init` and `echo` itself, carries the process's
//! messages to other nodes as bodies of type `peer`, and hands every other request to the
//! process through [`Service`].

use crate::clock::Clock;
use process::{ClientId, Context, Effect, Process, ProcessId, Time};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Maelstrom's error codes used here (from its protocol documentation).
pub mod code {
    /// The request's type is not supported.
    pub const NOT_SUPPORTED: u64 = 10;
    /// The node cannot serve the request now (it has not been initialized, say).
    pub const TEMPORARILY_UNAVAILABLE: u64 = 11;
    /// The request was malformed.
    pub const MALFORMED_REQUEST: u64 = 12;
    /// The key does not exist.
    pub const KEY_DOES_NOT_EXIST: u64 = 20;
    /// A compare-and-set found another value.
    pub const PRECONDITION_FAILED: u64 = 22;
}

// ANCHOR: service
/// A process that serves Maelstrom's clients.
pub trait Service: Process {
    /// The request a client's body asks for, or an error code and text to answer with.
    fn request(body: &Value) -> Result<Self::Request, (u64, String)>;

    /// The reply's body for a response, without `in_reply_to` (the front end adds it):
    /// for example `{"type": "read_ok", "value": 3}`, or `{"type": "error", "code": 20}`.
    fn reply(response: &Self::Response) -> Value;
}
// ANCHOR_END: service

/// The state of a Maelstrom node.
struct Server<P: Service, W: Write> {
    out: W,
    me: String,
    nodes: Vec<String>,
    process: Option<P>,
    make: Box<dyn Fn(ProcessId, usize) -> P>,
    started: Instant,
    clock: Clock<P::Timer>,
    pending: HashMap<ClientId, (String, u64)>,
    next_client: ClientId,
    next_msg: u64,
}

/// Serves the Maelstrom protocol: reads messages from `input` until it ends, writing the
/// node's messages to `output`. `make(i, n)` constructs process `i` of `n` once `init`
/// names them.
pub fn serve<P, R, W>(
    input: R,
    output: W,
    make: impl Fn(ProcessId, usize) -> P + 'static,
) -> io::Result<()>
where
    P: Service,
    R: BufRead + Send + 'static,
    W: Write,
{
    let (lines, incoming) = mpsc::channel();
    std::thread::spawn(move || {
        for line in input.lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut server = Server {
        out: output,
        me: String::new(),
        nodes: Vec::new(),
        process: None,
        make: Box::new(make),
        started: Instant::now(),
        clock: Clock::new(std::process::id() as u64),
        pending: HashMap::new(),
        next_client: 0,
        next_msg: 0,
    };
    loop {
        let wait = server
            .clock
            .until_next()
            .unwrap_or(Duration::from_millis(100));
        match incoming.recv_timeout(wait) {
            Ok(line) => server.receive(&line)?,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
        server.fire_due_timers()?;
    }
}

impl<P: Service, W: Write> Server<P, W> {
    fn send(&mut self, dest: &str, mut body: Value) -> io::Result<()> {
        self.next_msg += 1;
        body["msg_id"] = json!(self.next_msg);
        let message = json!({"src": self.me, "dest": dest, "body": body});
        writeln!(self.out, "{message}")?;
        self.out.flush()
    }

    fn reply(&mut self, dest: &str, in_reply_to: u64, mut body: Value) -> io::Result<()> {
        body["in_reply_to"] = json!(in_reply_to);
        self.send(dest, body)
    }

    fn receive(&mut self, line: &str) -> io::Result<()> {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            eprintln!("dropped a line that is not JSON: {line}");
            return Ok(());
        };
        let src = message["src"].as_str().unwrap_or_default().to_owned();
        let body = &message["body"];
        let msg_id = body["msg_id"].as_u64().unwrap_or(0);
        match body["type"].as_str() {
            Some("init") => {
                self.me = body["node_id"].as_str().unwrap_or_default().to_owned();
                self.nodes = body["node_ids"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                let me = self.nodes.iter().position(|n| *n == self.me).unwrap_or(0);
                self.process = Some((self.make)(me, self.nodes.len()));
                self.reply(&src, msg_id, json!({"type": "init_ok"}))?;
                self.handle(|p, ctx| p.on_start(ctx))
            }
            Some("echo") => {
                let echo = body["echo"].clone();
                self.reply(&src, msg_id, json!({"type": "echo_ok", "echo": echo}))
            }
            Some("peer") => {
                let from = self.nodes.iter().position(|n| *n == src);
                match (
                    from,
                    serde_json::from_value::<P::Message>(body["message"].clone()),
                ) {
                    (Some(from), Ok(m)) => {
                        self.handle(|p, ctx| p.on_message(from, m, ctx))
                    }
                    _ => {
                        eprintln!("dropped a malformed peer message: {line}");
                        Ok(())
                    }
                }
            }
            _ if self.process.is_none() => {
                let text = "the node has not been initialized";
                self.reply(
                    &src,
                    msg_id,
                    json!({"type": "error", "code": code::TEMPORARILY_UNAVAILABLE, "text": text}),
                )
            }
            _ => match P::request(body) {
                Ok(request) => {
                    let client = self.next_client;
                    self.next_client += 1;
                    self.pending.insert(client, (src, msg_id));
                    self.handle(|p, ctx| p.on_request(client, request, ctx))
                }
                Err((code, text)) => self.reply(
                    &src,
                    msg_id,
                    json!({"type": "error", "code": code, "text": text}),
                ),
            },
        }
    }

    fn fire_due_timers(&mut self) -> io::Result<()> {
        while let Some(timer) = self.clock.expired() {
            self.handle(|p, ctx| p.on_timer(timer, ctx))?;
        }
        Ok(())
    }

    fn handle(
        &mut self,
        handler: impl FnOnce(&mut P, &mut Context<'_, P>),
    ) -> io::Result<()> {
        let Some(process) = self.process.as_mut() else {
            return Ok(());
        };
        let me = self.nodes.iter().position(|n| *n == self.me).unwrap_or(0);
        let mut effects = Vec::new();
        {
            let now = Time::from_duration(self.started.elapsed());
            let mut ctx = Context::new(me, now, &mut effects, &mut self.clock);
            handler(process, &mut ctx);
        }
        for effect in effects {
            match effect {
                Effect::Send { to, message } => {
                    let dest = self.nodes.get(to).cloned().unwrap_or_default();
                    self.send(&dest, json!({"type": "peer", "message": message}))?;
                }
                Effect::SetTimer { timer, min, max } => self.clock.set(timer, min, max),
                Effect::CancelTimer { timer } => self.clock.cancel(&timer),
                // Maelstrom never crashes a node (its only fault is a partition), so
                // nothing persisted would ever be read back.
                Effect::Persist { .. } | Effect::Output { .. } => {}
                Effect::Respond { client, response } => {
                    if let Some((dest, in_reply_to)) = self.pending.remove(&client) {
                        self.reply(&dest, in_reply_to, P::reply(&response))?;
                    }
                }
            }
        }
        Ok(())
    }
}
