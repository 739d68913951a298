// The reference solution to Lab 2 (chapter 9): the ABD register, with several writers.
//
// Each operation takes two round trips to a majority: a query for the newest tag and
// value, then an update that stores a newer tag (a write) or writes the newest back (a
// read). Replicas persist before acknowledging, and operations are named by the
// coordinator's incarnation, so that no answer from before a crash counts after it.

use linearizability::models::{RegisterOp, RegisterRet};
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// A version of the register's value: ordered by counter, then by the replica that wrote
/// it, so that two writes never share a tag.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
pub struct Tag {
    /// How many writes led to this one.
    pub counter: u64,
    /// The replica that coordinated the write.
    pub writer: ProcessId,
}

/// An operation's name at its coordinator: the coordinator's incarnation (how many times
/// it has restarted) and a number within it.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
pub struct OpId {
    /// The coordinator's incarnation.
    pub incarnation: u64,
    /// The operation's number in that incarnation.
    pub number: u64,
}

/// What the replicas say to each other.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Tell me your tag and value (for operation `op` of the sender).
    Query {
        /// The sender's operation.
        op: OpId,
    },
    /// My tag and value, for operation `op`.
    Reply {
        /// The operation asked about.
        op: OpId,
        /// The replica's tag.
        tag: Tag,
        /// The replica's value (`None`: never written).
        value: Option<i64>,
    },
    /// Hold this value if its tag is newer than yours, and say so.
    Update {
        /// The sender's operation.
        op: OpId,
        /// The value's tag.
        tag: Tag,
        /// The value.
        value: Option<i64>,
    },
    /// I hold a value at least as new as the one of operation `op`.
    Ack {
        /// The operation acknowledged.
        op: OpId,
    },
}

/// What a replica keeps on its disk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Storage {
    /// The tag of the value held.
    pub tag: Tag,
    /// The value held.
    pub value: Option<i64>,
    /// How many times the replica has restarted.
    pub incarnation: u64,
}

/// The phase of an operation, with the tag and value it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Asking the replicas what they hold: the newest tag and value heard so far.
    Query(Tag, Option<i64>),
    /// Storing this tag and value at the replicas.
    Update(Tag, Option<i64>),
}

/// An operation in progress at its coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pending {
    /// The client to answer.
    pub client: ClientId,
    /// The value a write writes (`None`: the operation is a read).
    pub write: Option<i64>,
    /// Where the operation is.
    pub phase: Phase,
    /// The replicas that have answered the current phase (the coordinator among them).
    pub heard: BTreeSet<ProcessId>,
}

/// A replica of the register, and the coordinator of its clients' operations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replica {
    /// This replica's name.
    pub id: ProcessId,
    /// How many replicas there are.
    pub n: usize,
    /// How long to wait before sending a phase's message again to the replicas that have
    /// not answered (`None`: never; the model checker's network loses nothing).
    pub retransmit: Option<Duration>,
    /// The value held, its tag, and the incarnation.
    pub held: Storage,
    /// Operations this replica coordinates, by name.
    pub pending: BTreeMap<OpId, Pending>,
    /// The next operation's number in this incarnation.
    pub next_op: u64,
}

impl Replica {
    /// Replica `id` of `n`, retransmitting after `retransmit` if set.
    pub fn new(id: ProcessId, n: usize, retransmit: Option<Duration>) -> Self {
        Replica {
            id,
            n,
            retransmit,
            held: Storage::default(),
            pending: BTreeMap::new(),
            next_op: 0,
        }
    }

    /// Holds `value` if `tag` is newer than the tag held, durably before anyone is told.
    fn hold(&mut self, tag: Tag, value: Option<i64>, ctx: &mut Context<'_, Self>) {
        if tag > self.held.tag {
            self.held.tag = tag;
            self.held.value = value;
            ctx.persist(self.held.clone());
        }
    }

    /// The message of `phase` of `op`.
    fn ask(op: OpId, phase: Phase) -> Message {
        match phase {
            Phase::Query(..) => Message::Query { op },
            Phase::Update(tag, value) => Message::Update { op, tag, value },
        }
    }

    /// Starts `phase` of `op`: the coordinator answers it at once, the others are asked.
    fn start(&mut self, op: OpId, mut pending: Pending, ctx: &mut Context<'_, Self>) {
        if let Phase::Update(tag, value) = pending.phase {
            self.hold(tag, value, ctx);
        }
        let others = (0..self.n).filter(|&p| p != self.id);
        ctx.send_all(others, &Self::ask(op, pending.phase));
        pending.heard.clear();
        self.pending.insert(op, pending);
        self.heard(op, self.id, ctx);
    }

    /// Counts `from`'s answer to the current phase of `op`; once a majority has answered,
    /// moves the operation on to its update, or answers the client.
    fn heard(&mut self, op: OpId, from: ProcessId, ctx: &mut Context<'_, Self>) {
        let Some(mut pending) = self.pending.remove(&op) else {
            return;
        };
        pending.heard.insert(from);
        if pending.heard.len() <= self.n / 2 {
            self.pending.insert(op, pending);
            return;
        }
        match (pending.phase, pending.write) {
            (Phase::Query(tag, value), None) => {
                pending.phase = Phase::Update(tag, value); // the write-back
                self.start(op, pending, ctx);
            }
            (Phase::Query(newest, _), Some(value)) => {
                let tag = Tag {
                    counter: newest.counter.max(self.held.tag.counter) + 1,
                    writer: self.id,
                };
                pending.phase = Phase::Update(tag, Some(value));
                self.start(op, pending, ctx);
            }
            (Phase::Update(_, value), write) => {
                ctx.cancel_timer(op);
                let response = match write {
                    None => RegisterRet::Value(value),
                    Some(_) => RegisterRet::Ok,
                };
                ctx.respond(pending.client, response);
            }
        }
    }
}

impl Process for Replica {
    type Message = Message;
    /// An operation whose phase message should be sent again.
    type Timer = OpId;
    type Request = RegisterOp;
    type Response = RegisterRet;
    type Output = ();
    type Storage = Storage;

    /// At the start: nothing to do yet.
    fn on_start(&mut self, _: &mut Context<'_, Self>) {}

    /// After a crash: what the replica acknowledged holding, and a new incarnation, so
    /// that its new operations are not confused with the ones the crash abandoned.
    fn on_recover(&mut self, storage: &Storage, ctx: &mut Context<'_, Self>) {
        self.held = storage.clone();
        self.held.incarnation += 1;
        ctx.persist(self.held.clone());
    }

    /// A read or a write starts with a query; a compare-and-set, which a register of
    /// reads and writes cannot implement, fails.
    fn on_request(
        &mut self,
        client: ClientId,
        request: RegisterOp,
        ctx: &mut Context<'_, Self>,
    ) {
        let write = match request {
            RegisterOp::Read => None,
            RegisterOp::Write(value) => Some(value),
            RegisterOp::Cas(..) => return ctx.respond(client, RegisterRet::Fail),
        };
        let op = OpId {
            incarnation: self.held.incarnation,
            number: self.next_op,
        };
        self.next_op += 1;
        if let Some(after) = self.retransmit {
            ctx.set_timer(op, after);
        }
        let pending = Pending {
            client,
            write,
            phase: Phase::Query(self.held.tag, self.held.value),
            heard: BTreeSet::new(),
        };
        self.start(op, pending, ctx);
    }

    /// A replica answers a query with what it holds, and an update once it holds it (or
    /// newer). A coordinator counts an answer to the current phase of an operation in
    /// progress and ignores any other: late, duplicated, or from before a crash.
    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        match message {
            Message::Query { op } => {
                let (tag, value) = (self.held.tag, self.held.value);
                ctx.send(from, Message::Reply { op, tag, value });
            }
            Message::Update { op, tag, value } => {
                self.hold(tag, value, ctx);
                ctx.send(from, Message::Ack { op });
            }
            Message::Reply { op, tag, value } => {
                if let Some(Pending {
                    phase: Phase::Query(newest, held),
                    ..
                }) = self.pending.get_mut(&op)
                {
                    if tag > *newest {
                        (*newest, *held) = (tag, value);
                    }
                    self.heard(op, from, ctx);
                }
            }
            Message::Ack { op } => {
                if let Some(Pending {
                    phase: Phase::Update(..),
                    ..
                }) = self.pending.get(&op)
                {
                    self.heard(op, from, ctx);
                }
            }
        }
    }

    /// Operation `op`'s timer: sends its phase's message again to whoever has not
    /// answered.
    fn on_timer(&mut self, op: OpId, ctx: &mut Context<'_, Self>) {
        let Some(pending) = self.pending.get(&op) else {
            return;
        };
        let silent = (0..self.n).filter(|p| !pending.heard.contains(p));
        ctx.send_all(silent, &Self::ask(op, pending.phase));
        if let Some(after) = self.retransmit {
            ctx.set_timer(op, after);
        }
    }
}
