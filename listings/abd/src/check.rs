//! The register as a transition system for the model checker, with linearizability of
//! the clients' history as the invariant.

use crate::register::{Abd, Variant};
use linearizability::check::{Options, check_with};
use linearizability::models::{Register, RegisterOp, RegisterRet};
use modelcheck::Checker;
use modelcheck::processes::{Faults, Global, Processes};
use process::{History, Process, ProcessId};
use std::collections::HashMap;
use std::sync::Mutex;

/// Who asks what, and where: each client's requests, each with the process it is
/// submitted to.
pub type Clients = Vec<Vec<(ProcessId, RegisterOp)>>;

/// The client scenarios of the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// A write at process 0 and a read at process 1, concurrent.
    WriteRead,
    /// A write at process 0; one client reads twice, at processes 1 and then 2. The run
    /// that exposes a read without write-back.
    WriteReadRead,
    /// Two writers, each reading after its write: the run that exposes writes that do
    /// not agree on an order.
    TwoWriters,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: [Scenario; 3] = [
        Scenario::WriteRead,
        Scenario::WriteReadRead,
        Scenario::TwoWriters,
    ];

    /// The scenario's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::WriteRead => "write-read",
            Scenario::WriteReadRead => "write-read-read",
            Scenario::TwoWriters => "two-writers",
        }
    }

    /// Each client's requests.
    pub fn clients(self) -> Clients {
        use RegisterOp::{Read, Write};
        match self {
            Scenario::WriteRead => vec![vec![(0, Write(1))], vec![(1, Read)]],
            Scenario::WriteReadRead => {
                vec![vec![(0, Write(1))], vec![(1, Read), (2, Read)]]
            }
            Scenario::TwoWriters => vec![
                vec![(0, Write(1)), (0, Read)],
                vec![(1, Write(2)), (1, Read)],
            ],
        }
    }
}

impl clap::ValueEnum for Scenario {
    fn value_variants<'a>() -> &'a [Self] {
        &Scenario::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// `servers` processes of the register, with `clients`, under `faults`.
pub fn system(
    servers: usize,
    variant: Variant,
    faults: Faults,
    clients: Clients,
) -> Processes<Abd> {
    Processes::new(Abd::cluster(servers, variant, None), faults).with_clients(clients)
}

/// Whether a history of register operations is linearizable (one thread: the model
/// checker calls this for every state).
pub fn linearizable(history: &History<RegisterOp, RegisterRet>) -> bool {
    let options = Options {
        threads: 1,
        ..Options::default()
    };
    check_with(&Register, history, options).is_linearizable()
}

/// Some read returned a value that some write wrote: the witness that a check of
/// linearizability saw the register do its work, not only fail to answer.
pub fn read_returns_a_written_value<P: Serves>(state: &Global<P>) -> bool {
    let ops = &state.history().operations;
    let written: Vec<i64> = ops
        .iter()
        .filter_map(|op| match op.request {
            RegisterOp::Write(v) => Some(v),
            _ => None,
        })
        .collect();
    ops.iter().any(|op| {
        matches!(op.returned, Some((RegisterRet::Value(Some(v)), _)) if written.contains(&v))
    })
}

/// Any process that serves register operations: ABD, a variant of it, or a student's.
pub trait Serves: Process<Request = RegisterOp, Response = RegisterRet> {}

impl<P: Process<Request = RegisterOp, Response = RegisterRet>> Serves for P {}

/// The model checker for `system`: linearizability as the invariant, and a read that
/// returns a written value as what must sometimes happen.
pub fn checker<P: Serves>(system: &Processes<P>) -> Checker<'_, Processes<P>> {
    Checker::new(system)
        .invariant("linearizable", invariant())
        .sometimes(
            "a read returns a written value",
            read_returns_a_written_value::<P>,
        )
}

/// The invariant, remembering the verdict for each history (many states share one).
pub fn invariant<P: Serves>() -> impl Fn(&Global<P>) -> bool + Sync {
    let verdicts = Mutex::new(HashMap::new());
    move |state| {
        if let Some(&verdict) = lock(&verdicts).get(state.history()) {
            return verdict;
        }
        // Checked outside the lock, so that other threads need not wait for it.
        let verdict = linearizable(state.history());
        lock(&verdicts).insert(state.history().clone(), verdict);
        verdict
    }
}

/// The map of verdicts, even if a thread panicked while it held it (the map is then still
/// a map of correct verdicts).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
