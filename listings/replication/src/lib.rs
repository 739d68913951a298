//! Primary-backup replication of a log, twice: a naive protocol that trusts the network,
//! and a repaired one that assumes each fallacy of distributed computing is false.
//!
//! Process 0 is the primary; the others are backups. A client appends values at the
//! primary and reads the log at a backup. [`naive::Naive`] acknowledges a write at once
//! and sends it to each backup once; [`repaired::Repaired`] numbers, checksums, persists
//! and retransmits each entry and acknowledges a write only when every backup holds it.
//! [`fallacies`] runs both under each fault knob of the simulator, and [`check`] says
//! what went wrong.

pub mod check;
pub mod cluster;
pub mod exercises;
pub mod fallacies;
pub mod naive;
pub mod programs;
pub mod repaired;

use serde::{Deserialize, Serialize};

/// What a client asks.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Request {
    /// Append a value to the log (sent to the primary).
    Write(u32),
    /// Read the whole log (sent to a backup).
    Read,
}

/// What a replica answers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Response {
    /// The write is done.
    Written,
    /// The log, as this replica holds it.
    Log(Vec<u32>),
}

/// The primary's name.
pub const PRIMARY: process::ProcessId = 0;
