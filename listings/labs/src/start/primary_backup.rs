// Lab 1 (chapter 2): reliable primary-backup.
//
// Three replicas keep a log of values. Process 0 is the primary: clients send it writes.
// The others are backups: clients read the whole log from process 2. Make the protocol
// survive every knob of the simulator: loss, latency, a slow link, tampering, a
// partition, a crash and restart, slow machines, duplication and reordering. The judge
// checks that every acknowledged write is on every replica, once and in order, that
// every read sees every write acknowledged before it began, and that every write is
// acknowledged before its client gives up (`replication::fallacies::CLIENT_TIMEOUT`
// after it asked: with a quarter of the messages lost, a rare retransmission is not
// enough). The client makes `labs::primary_backup::WRITES` writes, one after the other,
// each followed by a read; over the slow link, a retransmission that does not adapt to
// the link's speed queues copies faster than the link drains them. The knobs are set as
// in `replication::fallacies::Fallacy::world`. Judge it with
// `cargo xtask lab primary-backup`.
//
// As it stands this is the naive protocol of the chapter: it acknowledges a write at
// once and sends it to each backup once. Change anything in this file except the names
// `Replica`, `Replica::new` and `Replica::log`, which the judge calls.

use process::{ClientId, Context, Process, ProcessId};
use replication::{PRIMARY, Request, Response};
use serde::{Deserialize, Serialize};

/// What the replicas say to each other. Add what your protocol needs (an
/// acknowledgement, a checksum, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Entry `index` of the primary's log is `value`.
    Append {
        /// Position in the log, from 0.
        index: u32,
        /// The value.
        value: u32,
    },
}

/// The timers a replica may set (a retransmission timer, for instance).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {}

/// What a replica keeps on its disk across a crash (see `Context::persist` and
/// `Process::on_recover`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Storage {
    /// The log, as last persisted.
    pub log: Vec<u32>,
}

/// A replica: the primary (process 0) or a backup.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replica {
    /// This replica's name.
    pub id: ProcessId,
    /// How many replicas there are.
    pub n: usize,
    /// The log.
    pub log: Vec<u32>,
}

impl Replica {
    /// Replica `id` of `n`.
    pub fn new(id: ProcessId, n: usize) -> Self {
        Replica {
            id,
            n,
            log: Vec::new(),
        }
    }

    /// The log the judge checks.
    pub fn log(&self) -> &[u32] {
        &self.log
    }
}

impl Process for Replica {
    type Message = Message;
    type Timer = Timer;
    type Request = Request;
    type Response = Response;
    type Output = ();
    type Storage = Storage;

    /// At the start: nothing to do yet.
    fn on_start(&mut self, _: &mut Context<'_, Self>) {}

    /// After a crash, with what the replica persisted: must bring it back to where it can
    /// take part again without losing what it acknowledged.
    fn on_recover(&mut self, storage: &Storage, _: &mut Context<'_, Self>) {
        self.log = storage.log.clone();
    }

    /// A client's request. At the primary, a write must be acknowledged
    /// (`Response::Written`) only once it can no longer be lost; at a backup, a read
    /// answers the log (`Response::Log`).
    fn on_request(
        &mut self,
        client: ClientId,
        request: Request,
        ctx: &mut Context<'_, Self>,
    ) {
        match request {
            Request::Write(value) if self.id == PRIMARY => {
                let index = self.log.len() as u32;
                self.log.push(value);
                ctx.respond(client, Response::Written);
                let backups = (0..self.n).filter(|&p| p != PRIMARY);
                ctx.send_all(backups, &Message::Append { index, value });
            }
            Request::Read => ctx.respond(client, Response::Log(self.log.clone())),
            Request::Write(_) => {}
        }
    }

    /// A message from another replica: a backup must apply each entry exactly once, in
    /// the order of the primary's log, whatever the network did to it.
    fn on_message(&mut self, _: ProcessId, message: Message, _: &mut Context<'_, Self>) {
        match message {
            Message::Append { value, .. } => self.log.push(value),
        }
    }

    /// A timer this replica set has fired.
    fn on_timer(&mut self, timer: Timer, _: &mut Context<'_, Self>) {
        match timer {}
    }
}
