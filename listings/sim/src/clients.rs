//! Clients: they submit operations to processes and record the history the
//! linearizability checker judges.

use process::{ClientId, History, Process, ProcessId, Time};
use rand::rngs::Xoshiro256PlusPlus;
use std::time::Duration;

/// A client's next operation.
pub struct Submit<P: Process> {
    /// The process to ask.
    pub process: ProcessId,
    /// What to ask.
    pub request: P::Request,
    /// How long the client thinks before asking.
    pub after: Duration,
}

/// What clients ask for, one operation at a time each.
pub trait Workload<P: Process> {
    /// Client `client`'s next operation, or `None` if it is done. `rng` is the
    /// simulation's seeded generator.
    fn next(
        &mut self,
        client: ClientId,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<P>>;
}

/// The clients of a simulation and their history.
pub(crate) struct Clients<P: Process> {
    pub(crate) timeout: Duration,
    workload: Option<Box<dyn Workload<P>>>,
    /// Each client's outstanding operation (an index into the history), by client.
    outstanding: Vec<Option<usize>>,
    pub(crate) history: History<P::Request, P::Response>,
}

impl<P: Process> Default for Clients<P> {
    fn default() -> Self {
        Clients {
            timeout: Duration::MAX,
            workload: None,
            outstanding: Vec::new(),
            history: History::default(),
        }
    }
}

impl<P: Process> Clients<P> {
    pub(crate) fn new(timeout: Duration, workload: Box<dyn Workload<P>>) -> Self {
        Clients {
            timeout,
            workload: Some(workload),
            ..Clients::default()
        }
    }

    /// A new client, with the next free number.
    pub(crate) fn join(&mut self) -> ClientId {
        self.outstanding.push(None);
        self.outstanding.len() - 1
    }

    pub(crate) fn next(
        &mut self,
        client: ClientId,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<P>> {
        self.workload.as_mut()?.next(client, rng)
    }

    pub(crate) fn invoke(
        &mut self,
        client: ClientId,
        process: ProcessId,
        request: P::Request,
        at: Time,
    ) -> usize {
        let operation = self.history.invoke(client, process, request, at);
        self.outstanding[client] = Some(operation);
        operation
    }

    /// Records a response; returns whether it answered the client's outstanding operation
    /// (late and unsolicited responses are ignored).
    pub(crate) fn complete(
        &mut self,
        client: ClientId,
        response: P::Response,
        at: Time,
    ) -> bool {
        match self.outstanding.get_mut(client).and_then(Option::take) {
            Some(operation) => {
                self.history.complete(operation, response, at);
                true
            }
            None => false,
        }
    }

    /// Gives up on `operation` if it is still client `client`'s outstanding one.
    pub(crate) fn time_out(&mut self, client: ClientId, operation: usize) -> bool {
        if self.outstanding.get(client).copied().flatten() == Some(operation) {
            self.outstanding[client] = None;
            true
        } else {
            false
        }
    }
}
