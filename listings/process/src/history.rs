//! Histories: what clients asked, what they were answered, and when.
//!
//! A history is the input of the linearizability checker (Herlihy & Wing,
//! "Linearizability: a correctness condition for concurrent objects", ACM TOPLAS 12(3),
//! 1990). Each operation has an invocation and, if it completed, a response; an operation
//! whose response never came (the client timed out, the process crashed) stays *open*: it
//! may have taken effect at any time after its invocation, or never.

use crate::{ClientId, ProcessId, Time};
use serde::{Deserialize, Serialize};

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Operation<Req, Resp> {
    /// The client that invoked it. A client has at most one operation outstanding.
    pub client: ClientId,
    /// The process the client asked.
    pub process: ProcessId,
    /// What was asked.
    pub request: Req,
    /// When it was invoked, on the world's true clock.
    pub invoked: Time,
    /// The response and when it arrived; `None` if the operation never returned.
    pub returned: Option<(Resp, Time)>,
}

impl<Req, Resp> Operation<Req, Resp> {
    /// Whether the operation never returned.
    pub fn is_open(&self) -> bool {
        self.returned.is_none()
    }
}

/// The operations of a run, in order of invocation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct History<Req, Resp> {
    /// The operations.
    pub operations: Vec<Operation<Req, Resp>>,
}

impl<Req, Resp> Default for History<Req, Resp> {
    fn default() -> Self {
        History {
            operations: Vec::new(),
        }
    }
}

impl<Req, Resp> History<Req, Resp> {
    /// Records an invocation; returns its index, to pass to [`History::complete`].
    pub fn invoke(
        &mut self,
        client: ClientId,
        process: ProcessId,
        request: Req,
        at: Time,
    ) -> usize {
        self.operations.push(Operation {
            client,
            process,
            request,
            invoked: at,
            returned: None,
        });
        self.operations.len() - 1
    }

    /// Records the response of operation `index`.
    pub fn complete(&mut self, index: usize, response: Resp, at: Time) {
        self.operations[index].returned = Some((response, at));
    }
}
