//! The ABD register as processes: every process is a replica, and the coordinator of the
//! operations its clients submit.
//!
//! Attiya, Bar-Noy and Dolev ("Sharing memory robustly in message-passing systems",
//! JACM 42(1), 1995) emulate a single-writer atomic register over an asynchronous
//! network in which fewer than half of the processes crash. With several writers (Lynch
//! and Shvartsman, FTCS 1997) both operations take two phases, each a round trip to a
//! majority: a *query* learns the newest tag and value, an *update* stores a tag and
//! value. A write updates with a tag newer than any it learned; a read updates with the
//! newest it learned — the *write-back* — before it returns.

use linearizability::models::{RegisterOp, RegisterRet};
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

// ANCHOR: tag
/// The order of writes: a sequence number, and the name of the process that chose it to
/// break ties between concurrent writes. Compared lexicographically.
#[derive(
    Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Tag {
    /// The sequence number.
    pub seq: u64,
    /// The process that chose it.
    pub writer: ProcessId,
}
// ANCHOR_END: tag

/// An operation's name at its coordinator: the coordinator's incarnation (how many times
/// it has restarted) and a sequence number, so that a reply to an operation from before
/// a crash is never taken for a reply to a new one.
#[derive(
    Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct OpId {
    /// The coordinator's incarnation.
    pub incarnation: u32,
    /// The operation's number in that incarnation.
    pub seq: u32,
}

impl fmt::Debug for Tag {
    /// `(2,p1)`: sequence number 2, chosen by p1; `⊥` for the initial value's tag.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.seq {
            0 => write!(f, "⊥"),
            seq => write!(f, "({seq},p{})", self.writer),
        }
    }
}

impl fmt::Debug for OpId {
    /// `#3`, or `#3/1` in the coordinator's first incarnation after a restart.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.incarnation {
            0 => write!(f, "#{}", self.seq),
            i => write!(f, "#{}/{i}", self.seq),
        }
    }
}

/// What the processes say to each other.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Phase 1: what is the newest write you hold?
    Query {
        /// The operation.
        op: OpId,
    },
    /// A replica's answer to a query.
    Reply {
        /// The operation.
        op: OpId,
        /// The replica's tag.
        tag: Tag,
        /// The replica's value.
        value: Option<i64>,
    },
    /// Phase 2: hold this write if it is newer than yours.
    Update {
        /// The operation.
        op: OpId,
        /// The write's tag.
        tag: Tag,
        /// The write's value.
        value: Option<i64>,
    },
    /// A replica holds the update (or a newer write).
    Ack {
        /// The operation.
        op: OpId,
    },
}

/// The register, and the planted bugs (`--variant` on the command line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Variant {
    /// ABD in its multi-writer form (Lynch & Shvartsman).
    Abd,
    /// A read returns the newest value its query found, without writing it back. A
    /// planted bug: two reads can see a concurrent write in the order new, then old.
    NoWriteBack,
    /// A replica acknowledges an update without making it durable. A planted bug: a
    /// replica that restarts forgets writes it acknowledged.
    Forgetful,
}

/// What a replica keeps on its disk: the newest write it holds, and its incarnation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Disk {
    /// The write's tag.
    pub tag: Tag,
    /// The write's value.
    pub value: Option<i64>,
    /// How many times the process has restarted.
    pub incarnation: u32,
}

/// The phase an operation is in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Phase {
    /// Collecting replicas' writes; the newest so far.
    Query { newest: (Tag, Option<i64>) },
    /// Storing a write at a majority; then answering `response`.
    Update {
        tag: Tag,
        value: Option<i64>,
        response: RegisterRet,
    },
}

/// An operation in progress at its coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Operation {
    client: ClientId,
    request: RegisterOp,
    phase: Phase,
    /// The processes that have answered this phase (the coordinator among them).
    heard: BTreeSet<ProcessId>,
}

// ANCHOR: state
/// A process of the ABD register.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Abd {
    n: usize,
    variant: Variant,
    /// How many processes must answer a query, and an update: majorities in ABD.
    quorums: (usize, usize),
    /// How long to wait for a phase's answers before asking again (`None`: never — the
    /// network is assumed reliable, as in the paper).
    retransmit: Option<Duration>,
    /// The replica: the newest write this process holds, and its incarnation.
    disk: Disk,
    /// The coordinator: operations in progress, by name.
    operations: BTreeMap<OpId, Operation>,
    next: u32,
}
// ANCHOR_END: state

impl Abd {
    /// Process of a register of `n` processes. With `retransmit`, a phase that has not
    /// heard from a majority after that long asks the others again.
    pub fn new(n: usize, variant: Variant, retransmit: Option<Duration>) -> Self {
        let majority = quorum::majority::majority(n);
        Abd {
            n,
            variant,
            quorums: (majority, majority),
            retransmit,
            disk: Disk::default(),
            operations: BTreeMap::new(),
            next: 0,
        }
    }

    /// `n` processes of a register.
    pub fn cluster(n: usize, variant: Variant, retransmit: Option<Duration>) -> Vec<Abd> {
        vec![Abd::new(n, variant, retransmit); n]
    }

    /// The newest write this replica holds.
    pub fn held(&self) -> (Tag, Option<i64>) {
        (self.disk.tag, self.disk.value)
    }

    /// The same process with queries answered by `query` processes and updates by
    /// `update` (for the exercise on quorum sizes; ABD uses majorities).
    pub fn with_quorums(mut self, query: usize, update: usize) -> Self {
        self.quorums = (query, update);
        self
    }

    /// How many processes must answer `phase`: a majority, in ABD — any two majorities
    /// share a process (the Introduction's theorem).
    fn quorum(&self, phase: &Phase) -> usize {
        match phase {
            Phase::Query { .. } => self.quorums.0,
            Phase::Update { .. } => self.quorums.1,
        }
    }

    fn others(&self, me: ProcessId) -> Vec<ProcessId> {
        (0..self.n).filter(|&p| p != me).collect()
    }
}

// ANCHOR: replica
impl Abd {
    /// The replica's rule: hold a write if its tag is newer, and make it durable before
    /// acknowledging — a replica that forgot an acknowledged write could break the
    /// intersection argument after a restart.
    fn hold(&mut self, tag: Tag, value: Option<i64>, ctx: &mut Context<'_, Self>) {
        if tag > self.disk.tag {
            self.disk.tag = tag;
            self.disk.value = value;
            if self.variant != Variant::Forgetful {
                ctx.persist(self.disk.clone());
            }
        }
    }
}
// ANCHOR_END: replica

// ANCHOR: coordinator
impl Abd {
    /// Counts `from`'s answer to the current phase of `op`; moves the operation on when
    /// a majority has answered.
    fn heard(&mut self, op: OpId, from: ProcessId, ctx: &mut Context<'_, Self>) {
        let Some(mut operation) = self.operations.remove(&op) else {
            return; // finished already: a late or duplicated answer
        };
        operation.heard.insert(from);
        if operation.heard.len() < self.quorum(&operation.phase) {
            self.operations.insert(op, operation);
            return;
        }
        match operation.phase {
            Phase::Query { newest } => {
                let (tag, value, response) = match operation.request {
                    // A write's tag is newer than any the quorum that answered holds,
                    // and than any this process chose: two writes never share a tag.
                    RegisterOp::Write(v) => {
                        let seq = newest.0.seq.max(self.disk.tag.seq) + 1;
                        let tag = Tag {
                            seq,
                            writer: ctx.id(),
                        };
                        (tag, Some(v), RegisterRet::Ok)
                    }
                    // A read returns the newest write any member of the quorum holds
                    // ...
                    _ => (newest.0, newest.1, RegisterRet::Value(newest.1)),
                };
                if self.variant == Variant::NoWriteBack && response != RegisterRet::Ok {
                    ctx.cancel_timer(op);
                    ctx.respond(operation.client, response);
                    return;
                }
                // ... once a majority holds it too: phase 2, this replica first.
                operation.phase = Phase::Update {
                    tag,
                    value,
                    response,
                };
                operation.heard.clear();
                self.operations.insert(op, operation);
                self.hold(tag, value, ctx);
                ctx.send_all(self.others(ctx.id()), &Message::Update { op, tag, value });
                self.heard(op, ctx.id(), ctx);
            }
            Phase::Update { response, .. } => {
                ctx.cancel_timer(op);
                ctx.respond(operation.client, response);
            }
        }
    }
}
// ANCHOR_END: coordinator

impl Process for Abd {
    type Message = Message;
    /// An operation's retransmission timer.
    type Timer = OpId;
    type Request = RegisterOp;
    type Response = RegisterRet;
    type Output = ();
    type Storage = Disk;

    fn on_start(&mut self, _: &mut Context<'_, Self>) {}

    fn on_recover(&mut self, disk: &Disk, ctx: &mut Context<'_, Self>) {
        self.disk = disk.clone();
        self.disk.incarnation += 1;
        ctx.persist(self.disk.clone());
    }

    fn on_request(
        &mut self,
        client: ClientId,
        request: RegisterOp,
        ctx: &mut Context<'_, Self>,
    ) {
        if let RegisterOp::Cas(..) = request {
            ctx.respond(client, RegisterRet::Fail); // not a read/write register's
            return;
        }
        let op = OpId {
            incarnation: self.disk.incarnation,
            seq: self.next,
        };
        self.next += 1;
        // Phase 1: ask every replica, this one included.
        let operation = Operation {
            client,
            request,
            phase: Phase::Query {
                newest: self.held(),
            },
            heard: BTreeSet::new(),
        };
        self.operations.insert(op, operation);
        ctx.send_all(self.others(ctx.id()), &Message::Query { op });
        if let Some(after) = self.retransmit {
            ctx.set_timer(op, after);
        }
        self.heard(op, ctx.id(), ctx);
    }

    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        match message {
            Message::Query { op } => {
                let (tag, value) = self.held();
                ctx.send(from, Message::Reply { op, tag, value });
            }
            Message::Update { op, tag, value } => {
                self.hold(tag, value, ctx);
                ctx.send(from, Message::Ack { op });
            }
            Message::Reply { op, tag, value } => {
                if let Some(Operation {
                    phase: Phase::Query { newest },
                    ..
                }) = self.operations.get_mut(&op)
                {
                    if tag > newest.0 {
                        *newest = (tag, value);
                    }
                    self.heard(op, from, ctx);
                }
            }
            Message::Ack { op } => {
                if let Some(Operation {
                    phase: Phase::Update { .. },
                    ..
                }) = self.operations.get(&op)
                {
                    self.heard(op, from, ctx);
                }
            }
        }
    }

    /// Asks the replicas that have not answered the current phase again.
    fn on_timer(&mut self, op: OpId, ctx: &mut Context<'_, Self>) {
        let Some(operation) = self.operations.get(&op) else {
            return;
        };
        let message = match operation.phase {
            Phase::Query { .. } => Message::Query { op },
            Phase::Update { tag, value, .. } => Message::Update { op, tag, value },
        };
        let silent: Vec<_> = (0..self.n)
            .filter(|p| !operation.heard.contains(p))
            .collect();
        ctx.send_all(silent, &message);
        if let Some(after) = self.retransmit {
            ctx.set_timer(op, after);
        }
    }
}

/// A message, short, for diagrams: `query`, `reply (1,p0) 5`, `update (2,p1) nil`, `ack`.
pub fn short(m: &Message) -> String {
    match m {
        Message::Query { .. } => "query".into(),
        Message::Reply { tag, value, .. } => {
            format!("reply {tag:?} {}", plain_value(value))
        }
        Message::Update { tag, value, .. } => {
            format!("update {tag:?} {}", plain_value(value))
        }
        Message::Ack { .. } => "ack".into(),
    }
}

/// A register's value as the book writes it: `5`, or `nil` before any write.
pub fn plain_value(value: &Option<i64>) -> String {
    value.map_or("nil".to_owned(), |v| v.to_string())
}

/// A request as the book writes it, for diagrams: `write(1)`, `read()`.
pub fn request_label(request: &RegisterOp) -> String {
    match request {
        RegisterOp::Read => "read()".into(),
        RegisterOp::Write(v) => format!("write({v})"),
        RegisterOp::Cas(a, b) => format!("cas({a}, {b})"),
    }
}

/// A response as the book writes it, for diagrams: `1`, `nil`, `ok`.
pub fn response_label(response: &RegisterRet) -> String {
    match response {
        RegisterRet::Value(v) => plain_value(v),
        RegisterRet::Ok => "ok".into(),
        RegisterRet::Fail => "fails".into(),
    }
}
