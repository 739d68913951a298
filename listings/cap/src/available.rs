//! A register that always answers: every process reads and writes its own copy at once
//! and tells the others afterwards, the write with the larger tag winning (the timestamp
//! rule of Johnson and Thomas, RFC 677, 1975). Available in every partition, and not
//! linearizable.

use abd::register::Tag;
use linearizability::models::{RegisterOp, RegisterRet};
use process::{ClientId, Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How often a process sends its copy to the others, so that copies converge after the
/// messages of a partition are lost (anti-entropy).
pub const GOSSIP: Duration = Duration::from_millis(40);

/// A process's copy, sent to the others.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Copy {
    /// The write's tag: newer tags win.
    pub tag: Tag,
    /// The write's value.
    pub value: Option<i64>,
}

// ANCHOR: available
/// A process of the available register.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Available {
    n: usize,
    copy: Copy,
}

impl Available {
    /// `n` processes of the register.
    pub fn cluster(n: usize) -> Vec<Available> {
        let copy = Copy {
            tag: Tag::default(),
            value: None,
        };
        vec![Available { n, copy }; n]
    }

    /// The write this process holds.
    pub fn copy(&self) -> &Copy {
        &self.copy
    }

    fn others(&self, me: ProcessId) -> Vec<ProcessId> {
        (0..self.n).filter(|&p| p != me).collect()
    }
}

impl Process for Available {
    type Message = Copy;
    type Timer = ();
    type Request = RegisterOp;
    type Response = RegisterRet;
    type Output = ();
    type Storage = ();

    /// Starts gossiping, each process a little later than the one before it, so that
    /// they do not all send at once.
    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer((), GOSSIP + Duration::from_millis(2 * ctx.id() as u64));
    }

    /// Answers from the local copy, without waiting for anyone.
    fn on_request(
        &mut self,
        client: ClientId,
        request: RegisterOp,
        ctx: &mut Context<'_, Self>,
    ) {
        match request {
            RegisterOp::Read => ctx.respond(client, RegisterRet::Value(self.copy.value)),
            RegisterOp::Write(v) => {
                let tag = Tag {
                    seq: self.copy.tag.seq + 1,
                    writer: ctx.id(),
                };
                self.copy = Copy {
                    tag,
                    value: Some(v),
                };
                ctx.respond(client, RegisterRet::Ok);
                ctx.send_all(self.others(ctx.id()), &self.copy);
            }
            RegisterOp::Cas(..) => ctx.respond(client, RegisterRet::Fail),
        }
    }

    /// Keeps the newer of two writes.
    fn on_message(&mut self, _: ProcessId, copy: Copy, _: &mut Context<'_, Self>) {
        if copy.tag > self.copy.tag {
            self.copy = copy;
        }
    }

    fn on_timer(&mut self, _: (), ctx: &mut Context<'_, Self>) {
        ctx.send_all(self.others(ctx.id()), &self.copy);
        ctx.set_timer((), GOSSIP);
    }
}
// ANCHOR_END: available
