//! The repaired protocol: each mechanism answers one fallacy.
//!
//! | fallacy | mechanism |
//! | --- | --- |
//! | the network is reliable | retransmit until acknowledged |
//! | latency is zero | acknowledge a write only when every backup holds it |
//! | the network is secure | a checksum on every message; drop what fails it |
//! | topology doesn't change | retransmission outlasts a partition |
//! | there is one administrator | persist before acknowledging; recover from storage |
//! | (duplication) | entries are numbered: a copy is recognised and ignored |
//! | (reordering) | an entry that arrives early waits for the ones before it |

use crate::{PRIMARY, Request, Response};
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// The repaired protocol's messages, each with a checksum of its fields.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Entry `index` of the log is `value`.
    Append {
        /// Position in the log, from 0.
        index: u32,
        /// The value.
        value: u32,
        /// [`checksum`] of `(index, value)`.
        checksum: u32,
    },
    /// The sender holds (durably) the first `upto` entries.
    Ack {
        /// How many entries.
        upto: u32,
        /// [`checksum`] of `(upto,)`.
        checksum: u32,
    },
}

/// The primary's only timer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Retransmit;

/// What a replica persists: its log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Storage {
    /// The log.
    pub log: Vec<u32>,
}

/// FNV-1a over the fields: any change to one field changes the checksum.
pub fn checksum(fields: &[u32]) -> u32 {
    fields
        .iter()
        .flat_map(|f| f.to_le_bytes())
        .fold(0x811c_9dc5, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193))
}

/// A replica of the repaired protocol.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Repaired {
    /// The backups (for the primary; empty at a backup).
    pub backups: Vec<ProcessId>,
    /// The log.
    pub log: Vec<u32>,
    /// At the primary: how many entries each backup holds, as far as the primary knows.
    pub acked: BTreeMap<ProcessId, u32>,
    /// At the primary: at the last retransmission timeout, what each backup held and how
    /// long the log was.
    pub at_last_timeout: BTreeMap<ProcessId, (u32, u32)>,
    /// At the primary: clients waiting for entry `index` to reach every backup.
    pub waiting: Vec<(u32, ClientId)>,
    /// At a backup: entries that arrived before the ones preceding them.
    pub early: BTreeMap<u32, u32>,
    /// How long the primary waits for an acknowledgement before sending again.
    pub retransmit_after: Duration,
    /// Whether the retransmission timer is set.
    pub timer_set: bool,
}

impl Repaired {
    /// Replica `id` of `n`, with process 0 the primary.
    pub fn new(id: ProcessId, n: usize, retransmit_after: Duration) -> Self {
        let backups: Vec<ProcessId> = if id == PRIMARY {
            (1..n).collect()
        } else {
            Vec::new()
        };
        Repaired {
            acked: backups.iter().map(|&b| (b, 0)).collect(),
            at_last_timeout: backups.iter().map(|&b| (b, (0, 0))).collect(),
            backups,
            log: Vec::new(),
            waiting: Vec::new(),
            early: BTreeMap::new(),
            retransmit_after,
            timer_set: false,
        }
    }

    fn append(index: u32, value: u32) -> Message {
        Message::Append {
            index,
            value,
            checksum: checksum(&[index, value]),
        }
    }

    /// Takes entry `index` into the log, or keeps it until the entries before it have
    /// arrived, or ignores it if the log holds it already; returns whether the log grew.
    fn take(&mut self, index: u32, value: u32) -> bool {
        if index as usize >= self.log.len() {
            self.early.insert(index, value);
        }
        let before = self.log.len();
        while let Some(value) = self.early.remove(&(self.log.len() as u32)) {
            self.log.push(value);
        }
        self.log.len() > before
    }

    fn arm(&mut self, ctx: &mut Context<'_, Self>) {
        if !self.timer_set {
            self.timer_set = true;
            ctx.set_timer(Retransmit, self.retransmit_after);
        }
    }
}

// ANCHOR: repaired
impl Process for Repaired {
    type Message = Message;
    type Timer = Retransmit;
    type Request = Request;
    type Response = Response;
    type Output = ();
    type Storage = Storage;

    fn on_start(&mut self, _: &mut Context<'_, Self>) {}

    /// There is more than one administrator: a restarted replica resumes from its disk.
    fn on_recover(&mut self, storage: &Storage, ctx: &mut Context<'_, Self>) {
        self.log = storage.log.clone();
        if ctx.id() == PRIMARY && !self.log.is_empty() {
            self.arm(ctx); // the backups' progress is unknown: find out by retransmitting
        }
    }

    fn on_request(
        &mut self,
        client: ClientId,
        request: Request,
        ctx: &mut Context<'_, Self>,
    ) {
        match request {
            Request::Write(value) if ctx.id() == PRIMARY => {
                let index = self.log.len() as u32;
                self.log.push(value);
                ctx.persist(Storage {
                    log: self.log.clone(),
                });
                ctx.send_all(self.backups.clone(), &Self::append(index, value));
                // Latency is not zero: answer only when every backup holds the entry.
                self.waiting.push((index, client));
                self.arm(ctx);
            }
            Request::Read => ctx.respond(client, Response::Log(self.log.clone())),
            Request::Write(_) => {}
        }
    }

    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        match message {
            Message::Append {
                index,
                value,
                checksum: sum,
            } => {
                if sum != checksum(&[index, value]) {
                    return; // tampered with: drop it, the primary will send it again
                }
                // Numbered entries make copies harmless and let early ones wait their
                // turn (exercise 2.1 asks how).
                if self.take(index, value) {
                    ctx.persist(Storage {
                        log: self.log.clone(),
                    }); // before acknowledging
                }
                let upto = self.log.len() as u32;
                ctx.send(
                    from,
                    Message::Ack {
                        upto,
                        checksum: checksum(&[upto]),
                    },
                );
            }
            Message::Ack {
                upto,
                checksum: sum,
            } => {
                if sum != checksum(&[upto]) || !self.acked.contains_key(&from) {
                    return;
                }
                let held = self.acked.entry(from).or_default();
                *held = (*held).max(upto);
                let everywhere = self.acked.values().copied().min().unwrap_or(0);
                self.waiting.retain(|&(index, client)| {
                    let done = index < everywhere;
                    if done {
                        ctx.respond(client, Response::Written);
                    }
                    !done
                });
            }
        }
    }

    /// The network is not reliable: a backup that was missing entries at the last timeout
    /// and has acknowledged nothing since is sent again what it lacks.
    fn on_timer(&mut self, _: Retransmit, ctx: &mut Context<'_, Self>) {
        self.timer_set = false;
        let len = self.log.len() as u32;
        for (&backup, &held) in &self.acked {
            let (held_then, len_then) = self
                .at_last_timeout
                .insert(backup, (held, len))
                .unwrap_or_default();
            if held == held_then && held < len_then {
                for index in held..len {
                    ctx.send(backup, Self::append(index, self.log[index as usize]));
                }
            }
        }
        if self.acked.values().any(|&held| held < len) {
            self.arm(ctx);
        }
    }
}
// ANCHOR_END: repaired
