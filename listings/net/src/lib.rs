//! World 3 of the book's three: the real network.
//!
//! [`node::Node`] runs any [`process::Process`] over UDP: it decodes datagrams into
//! messages (logging and dropping what does not decode), runs the process's handlers,
//! sends what they send, keeps their timers on the monotonic clock, writes what they
//! persist to a file, and on a restart hands the process what it persisted.
//! [`client::Client`] submits requests to nodes and records a [`process::History`] in the
//! simulator's format, for the linearizability checker. [`maelstrom`] speaks Jepsen's
//! Maelstrom node protocol on standard input and output instead.

pub mod client;
mod clock;
pub mod log;
pub mod maelstrom;
pub mod node;
pub mod replay;
pub mod tally;
pub mod wire;
