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

    /// Whether `response` answers `request`. A client whose requests and responses
    /// carry a number can tell the answer to its current request from a late answer to
    /// an earlier attempt; by default every response answers.
    fn answers(&self, request: &P::Request, response: &P::Response) -> bool {
        let _ = (request, response);
        true
    }

    /// Whether client `client`, whose `request` went unanswered for the timeout, asks
    /// again (the same request, to the process of the `Submit`, after its pause) rather
    /// than give up. A retry is the same operation of the history, still open: it takes
    /// effect once or not at all only if the processes make it so. By default a client
    /// gives up.
    fn retry(
        &mut self,
        client: ClientId,
        request: &P::Request,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<P>> {
        let _ = (client, request, rng);
        None
    }
}

/// The clients of a simulation and their history.
pub(crate) struct Clients<P: Process> {
    pub(crate) timeout: Duration,
    workload: Option<Box<dyn Workload<P>>>,
    /// Each client's outstanding operation (an index into the history) and the process
    /// its latest attempt went to, by client.
    outstanding: Vec<Option<(usize, ProcessId)>>,
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

    /// Client `client`'s retry of `operation`, if the workload wants one.
    pub(crate) fn retry(
        &mut self,
        client: ClientId,
        operation: usize,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<P>> {
        let request = &self.history.operations[operation].request;
        let submit = self.workload.as_mut()?.retry(client, request, rng)?;
        self.outstanding[client] = Some((operation, submit.process));
        Some(submit)
    }

    pub(crate) fn invoke(
        &mut self,
        client: ClientId,
        process: ProcessId,
        request: P::Request,
        at: Time,
    ) -> usize {
        let operation = self.history.invoke(client, process, request, at);
        self.outstanding[client] = Some((operation, process));
        operation
    }

    /// Records a response from process `p`; returns whether it answered the client's
    /// outstanding operation. Late and unsolicited responses are ignored, and so are
    /// those of a process the client has stopped waiting for (a client talks to one
    /// process at a time, as over one connection) and those the workload says do not
    /// answer the request.
    pub(crate) fn complete(
        &mut self,
        client: ClientId,
        p: ProcessId,
        response: P::Response,
        at: Time,
    ) -> bool {
        match self.outstanding.get(client).copied().flatten() {
            Some((operation, asked))
                if asked == p
                    && self.workload.as_ref().is_none_or(|w| {
                        w.answers(&self.history.operations[operation].request, &response)
                    }) =>
            {
                self.outstanding[client] = None;
                self.history.complete(operation, response, at);
                true
            }
            _ => false,
        }
    }

    /// Whether `operation` is still client `client`'s outstanding one.
    pub(crate) fn is_outstanding(&self, client: ClientId, operation: usize) -> bool {
        self.outstanding
            .get(client)
            .copied()
            .flatten()
            .is_some_and(|(o, _)| o == operation)
    }

    /// Gives up on `operation` if it is still client `client`'s outstanding one.
    pub(crate) fn time_out(&mut self, client: ClientId, operation: usize) -> bool {
        if self.is_outstanding(client, operation) {
            self.outstanding[client] = None;
            true
        } else {
            false
        }
    }
}
