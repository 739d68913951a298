// The reference solution to Lab 1 (chapter 2): reliable primary-backup.
//
// Entries are numbered and checksummed; a backup applies them in order, once, persists
// its log and acknowledges how much it holds. The primary persists each write, answers
// it only once every backup holds it, and until then resends what a backup lacks, on a
// timer that follows the measured round trip.

use process::{ClientId, Context, Process, ProcessId, Time};
use replication::{PRIMARY, Request, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// The shortest retransmission timeout: it is twice the last round trip if that is
/// longer, so that a slow link is not flooded with copies.
const TIMEOUT: Duration = Duration::from_millis(10);

/// What the replicas say to each other, each message with a checksum of its fields.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Entry `index` of the primary's log is `value`.
    Append {
        /// Position in the log, from 0.
        index: u32,
        /// The value.
        value: u32,
        /// When the primary sent this copy, on its clock.
        sent: Time,
        /// `checksum(&[0, index, value, sent])`.
        checksum: u32,
    },
    /// The sender holds the first `upto` entries on its disk.
    Ack {
        /// How many entries.
        upto: u32,
        /// The `sent` of the `Append` this answers: the primary's round trip.
        echo: Time,
        /// `checksum(&[1, upto, echo])`.
        checksum: u32,
    },
}

impl Message {
    /// Entry `index` is `value`, sent at `sent`, checksummed.
    fn append(index: u32, value: u32, sent: Time) -> Message {
        let checksum = checksum(&[0, index.into(), value.into(), sent.nanos()]);
        Message::Append {
            index,
            value,
            sent,
            checksum,
        }
    }

    /// The first `upto` entries are held, in answer to an `Append` sent at `echo`.
    fn ack(upto: u32, echo: Time) -> Message {
        let checksum = checksum(&[1, upto.into(), echo.nanos()]);
        Message::Ack {
            upto,
            echo,
            checksum,
        }
    }

    /// Whether the checksum still matches the fields: with a bit flipped, it almost
    /// never does.
    fn intact(&self) -> bool {
        *self
            == match *self {
                Message::Append {
                    index, value, sent, ..
                } => Message::append(index, value, sent),
                Message::Ack { upto, echo, .. } => Message::ack(upto, echo),
            }
    }
}

/// FNV-1a over the fields' bytes.
fn checksum(fields: &[u64]) -> u32 {
    fields
        .iter()
        .flat_map(|f| f.to_le_bytes())
        .fold(0x811c_9dc5, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
}

/// The primary's only timer: resend what the backups lack.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Timer;

/// What a replica keeps on its disk across a crash.
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
    /// At the primary: how many entries each replica holds durably, as far as it knows
    /// (its own entry is its log's length).
    pub held: Vec<u32>,
    /// At the primary: clients waiting for entry `index` to reach every backup.
    pub waiting: Vec<(u32, ClientId)>,
    /// At a backup: entries that arrived before the ones preceding them, by index.
    pub early: BTreeMap<u32, u32>,
    /// At the primary: whether the retransmission timer is set.
    pub timer_set: bool,
    /// At the primary: the last round trip measured to a backup.
    pub rtt: Duration,
}

impl Replica {
    /// Replica `id` of `n`.
    pub fn new(id: ProcessId, n: usize) -> Self {
        Replica {
            id,
            n,
            log: Vec::new(),
            held: vec![0; n],
            waiting: Vec::new(),
            early: BTreeMap::new(),
            timer_set: false,
            rtt: Duration::ZERO,
        }
    }

    /// The log the judge checks.
    pub fn log(&self) -> &[u32] {
        &self.log
    }

    /// Persists the log.
    fn persist(&self, ctx: &mut Context<'_, Self>) {
        ctx.persist(Storage {
            log: self.log.clone(),
        });
    }

    /// Sets the retransmission timer unless it is set already.
    fn arm(&mut self, ctx: &mut Context<'_, Self>) {
        if !self.timer_set {
            self.timer_set = true;
            ctx.set_timer(Timer, TIMEOUT.max(self.rtt * 2));
        }
    }

    /// Sends each backup the entries it lacks; returns whether any lacked some.
    fn resend(&self, ctx: &mut Context<'_, Self>) -> bool {
        let mut lagging = false;
        for backup in (0..self.n).filter(|&p| p != PRIMARY) {
            for index in self.held[backup]..self.log.len() as u32 {
                let value = self.log[index as usize];
                ctx.send(backup, Message::append(index, value, ctx.now()));
                lagging = true;
            }
        }
        lagging
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

    /// After a crash: the log from the disk. A primary no longer knows what the backups
    /// hold, so it finds out by resending.
    fn on_recover(&mut self, storage: &Storage, ctx: &mut Context<'_, Self>) {
        self.log = storage.log.clone();
        if self.id == PRIMARY && !self.log.is_empty() {
            self.held[PRIMARY] = self.log.len() as u32;
            self.arm(ctx);
        }
    }

    /// A write at the primary is persisted, sent to the backups and answered once every
    /// backup holds it; a read answers the log.
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
                self.held[PRIMARY] = index + 1;
                self.persist(ctx);
                let backups = (0..self.n).filter(|&p| p != PRIMARY);
                ctx.send_all(backups, &Message::append(index, value, ctx.now()));
                self.waiting.push((index, client));
                self.arm(ctx);
            }
            Request::Read => ctx.respond(client, Response::Log(self.log.clone())),
            Request::Write(_) => {}
        }
    }

    /// A backup drops a tampered entry, keeps an early one until its predecessors arrive,
    /// ignores a copy, persists what it applied and acknowledges what it holds. The
    /// primary answers the writes every backup now holds.
    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        if !message.intact() {
            return; // the primary will send it again
        }
        match message {
            Message::Append {
                index, value, sent, ..
            } if self.id != PRIMARY => {
                if index as usize >= self.log.len() {
                    self.early.insert(index, value);
                }
                let before = self.log.len();
                while let Some(value) = self.early.remove(&(self.log.len() as u32)) {
                    self.log.push(value);
                }
                if self.log.len() > before {
                    self.persist(ctx);
                }
                ctx.send(from, Message::ack(self.log.len() as u32, sent));
            }
            Message::Ack { upto, echo, .. } if self.id == PRIMARY => {
                self.rtt = ctx.now() - echo;
                if upto <= self.held[from] {
                    return;
                }
                self.held[from] = upto;
                let everywhere = self.held.iter().copied().min().unwrap_or(0);
                self.waiting.retain(|&(index, client)| {
                    let done = index < everywhere;
                    if done {
                        ctx.respond(client, Response::Written);
                    }
                    !done
                });
            }
            _ => {}
        }
    }

    /// Resends what the backups lack, until they hold it all: loss, tampering,
    /// partitions and crashes are outlasted.
    fn on_timer(&mut self, _: Timer, ctx: &mut Context<'_, Self>) {
        self.timer_set = false;
        if self.resend(ctx) {
            self.arm(ctx);
        }
    }
}
