// Lab 2 (chapter 9): the ABD register.
//
// Three replicas hold one register. A client sends a read or a write to any replica,
// which coordinates the operation and answers it. Make the register linearizable, with
// the network duplicating, reordering and losing messages and a minority of replicas
// crashing (and restarting from their disks), and make it answer every operation while a
// majority is up. The judge model-checks every interleaving of a write and a concurrent
// read (with duplication, and with a crash and restart), runs random operations in every
// fault mix of the simulator, and judges each history with the linearizability checker.
// Judge it with `cargo xtask lab abd`.
//
// As it stands, a replica writes its own copy, tells the others and answers at once, and
// reads its own copy: fast, available, and not linearizable. Change anything in this file
// except the names `Replica` and `Replica::new`, which the judge calls.

use linearizability::models::{RegisterOp, RegisterRet};
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

/// An operation this replica coordinates: the client, and a number of its own.
pub type OpId = u64;

/// What the replicas say to each other. Change it as your protocol needs.
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

/// What a replica keeps on its disk (see `Context::persist` and `Process::on_recover`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Storage {
    /// The tag of the value held.
    pub tag: Tag,
    /// The value held.
    pub value: Option<i64>,
}

/// An operation in progress at its coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pending {
    /// The client to answer.
    pub client: ClientId,
    /// What it asked.
    pub request: RegisterOp,
    /// The replicas heard from so far in the current phase.
    pub heard: Vec<ProcessId>,
}

/// A replica of the register.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replica {
    /// This replica's name.
    pub id: ProcessId,
    /// How many replicas there are.
    pub n: usize,
    /// How long to wait before sending a phase's message again to the replicas that have
    /// not answered (`None`: never; the model checker's network loses nothing).
    pub retransmit: Option<Duration>,
    /// The value held, and its tag.
    pub held: Storage,
    /// Operations this replica coordinates, by number.
    pub pending: BTreeMap<OpId, Pending>,
    /// The next operation's number.
    pub next_op: OpId,
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

    /// After a crash, with what the replica persisted. Whatever it acknowledged holding
    /// before the crash, it must still hold.
    fn on_recover(&mut self, storage: &Storage, _: &mut Context<'_, Self>) {
        self.held = storage.clone();
    }

    /// A client's read or write. Answer a read with `RegisterRet::Value`, a write with
    /// `RegisterRet::Ok`, and a compare-and-set (which a register of reads and writes
    /// cannot implement) with `RegisterRet::Fail` — each only once the operation has taken
    /// effect in a way no later operation can miss.
    fn on_request(
        &mut self,
        client: ClientId,
        request: RegisterOp,
        ctx: &mut Context<'_, Self>,
    ) {
        match request {
            RegisterOp::Read => ctx.respond(client, RegisterRet::Value(self.held.value)),
            RegisterOp::Write(value) => {
                let tag = Tag {
                    counter: self.held.tag.counter + 1,
                    writer: self.id,
                };
                self.held = Storage {
                    tag,
                    value: Some(value),
                };
                let op = self.next_op;
                self.next_op += 1;
                let others = (0..self.n).filter(|&p| p != self.id);
                ctx.send_all(
                    others,
                    &Message::Update {
                        op,
                        tag,
                        value: Some(value),
                    },
                );
                ctx.respond(client, RegisterRet::Ok);
            }
            RegisterOp::Cas(..) => ctx.respond(client, RegisterRet::Fail),
        }
    }

    /// A message from a replica (possibly from itself, if it sends to itself).
    fn on_message(&mut self, _: ProcessId, message: Message, _: &mut Context<'_, Self>) {
        if let Message::Update { tag, value, .. } = message
            && tag > self.held.tag
        {
            self.held = Storage { tag, value };
        }
    }

    /// Operation `op`'s timer: send its phase's message again to whoever has not
    /// answered.
    fn on_timer(&mut self, op: OpId, _: &mut Context<'_, Self>) {
        let _ = op;
    }
}
