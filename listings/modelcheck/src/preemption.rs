//! Safe but not live: two proposers that keep pre-empting each other at one acceptor.
//!
//! The acceptor promises itself to whichever proposer asked last, and accepts a proposal
//! only from the proposer it is promised to; once it has accepted, it stays accepted.
//! Nothing bad ever happens — at most one proposal is accepted — but nothing good need
//! happen either: each proposer's request can arrive just after the other's promise, for
//! ever. This is the shape of Paxos's dueling proposers, with the ballots reduced to "who
//! asked last".

use process::{Context, Process, ProcessId};
use serde::{Deserialize, Serialize};

/// The acceptor's name.
pub const ACCEPTOR: ProcessId = 2;

/// The messages.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Proposer to acceptor: promise yourself to me.
    Prepare,
    /// Acceptor to proposer: I am promised to you.
    Promise,
    /// Proposer to acceptor: accept my proposal.
    Accept,
    /// Acceptor to proposer: accepted.
    Accepted,
    /// Acceptor to proposer: I am promised to the other (or decided).
    Nack,
}

// ANCHOR: preemption
/// A participant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// A proposer, and whether its proposal was accepted.
    Proposer {
        /// Accepted.
        done: bool,
    },
    /// The acceptor: promised to whom, and which proposal it accepted.
    Acceptor {
        /// The proposer it is promised to.
        promised: Option<ProcessId>,
        /// The proposal accepted, if any.
        accepted: Option<ProcessId>,
    },
}

impl Process for Node {
    type Message = Message;
    type Timer = ();
    type Request = ();
    type Response = ();
    type Output = ProcessId;
    type Storage = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let Node::Proposer { .. } = self {
            ctx.send(ACCEPTOR, Message::Prepare);
        }
    }

    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        match (self, message) {
            (
                Node::Acceptor {
                    promised,
                    accepted: None,
                },
                Message::Prepare,
            ) => {
                *promised = Some(from); // the latest proposer pre-empts the earlier one
                ctx.send(from, Message::Promise);
            }
            (Node::Acceptor { promised, accepted }, Message::Accept) => {
                if accepted.is_none() && *promised == Some(from) {
                    *accepted = Some(from);
                    ctx.output(from);
                    ctx.send(from, Message::Accepted);
                } else {
                    ctx.send(from, Message::Nack);
                }
            }
            (Node::Acceptor { .. }, _) => ctx.send(from, Message::Nack),
            (Node::Proposer { .. }, Message::Promise) => {
                ctx.send(ACCEPTOR, Message::Accept)
            }
            (Node::Proposer { done: false }, Message::Nack) => {
                ctx.send(ACCEPTOR, Message::Prepare)
            }
            (Node::Proposer { done }, Message::Accepted) => *done = true,
            _ => {}
        }
    }
}
// ANCHOR_END: preemption

/// Two proposers and the acceptor.
pub fn nodes() -> Vec<Node> {
    vec![
        Node::Proposer { done: false },
        Node::Proposer { done: false },
        Node::Acceptor {
            promised: None,
            accepted: None,
        },
    ]
}
