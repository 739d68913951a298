//! A key-value store as a deterministic state machine, the object that replication
//! makes highly available.
//!
//! Lampson ("How to build a highly available system using consensus", WDAG 1996, §2)
//! puts the method in one sentence: make the service a deterministic state machine, and
//! have every replica apply the same commands in the same order. [`Store`] is such a
//! machine. Its commands carry the client that issued them and a sequence number, so
//! that a command a client retried, and that therefore may appear twice in the log, is
//! applied once: the end-to-end argument (Saltzer, Reed & Clark, "End-to-end arguments
//! in system design", ACM TOCS 2(4), 1984) made concrete. A network can deliver a
//! request twice; only the application can recognise it.

pub mod clients;

use linearizability::models::{KvOp, KvRet};
use process::{ClientId, History, Operation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What a client asks of a replica: an operation, named and numbered by the client. A
/// client numbers its operations 1, 2, 3, ... and repeats its name and the number when it
/// retries one, at whichever replica: only the endpoint can say that two requests are
/// the same.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Request {
    /// The client's name for itself, the same at every replica it asks.
    pub client: ClientId,
    /// The client's number for this operation.
    pub seq: u64,
    /// The operation.
    pub op: KvOp,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}#{} {}", self.client, self.seq, show(&self.op))
    }
}

/// What a replica answers a client: the result of the operation the client numbered
/// `seq`, so that the client can tell it from a late answer to an earlier request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reply {
    /// The number of the request answered.
    pub seq: u64,
    /// What the operation returned.
    pub result: KvRet,
}

// ANCHOR: command
/// A command of the replicated state machine: an operation, and who asked for it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Command {
    /// The client that issued it.
    pub client: ClientId,
    /// The client's number for it: a retry repeats it.
    pub seq: u64,
    /// What to do.
    pub op: Op,
}
// ANCHOR_END: command

/// An operation on the store, ordered so that commands can sit in ordered sets.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Op {
    /// Read a key.
    Get(String),
    /// Set a key.
    Put(String, String),
    /// Append to a key's value.
    Append(String, String),
}

impl From<&KvOp> for Op {
    fn from(op: &KvOp) -> Op {
        match op {
            KvOp::Get(k) => Op::Get(k.clone()),
            KvOp::Put(k, v) => Op::Put(k.clone(), v.clone()),
            KvOp::Append(k, v) => Op::Append(k.clone(), v.clone()),
        }
    }
}

/// `get x`, `put x=1`, `append x+=1`.
fn show(op: &KvOp) -> String {
    match op {
        KvOp::Get(k) => format!("get {k}"),
        KvOp::Put(k, v) => format!("put {k}={v}"),
        KvOp::Append(k, v) => format!("append {k}+={v}"),
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Get(k) => write!(f, "get {k}"),
            Op::Put(k, v) => write!(f, "put {k}={v}"),
            Op::Append(k, v) => write!(f, "append {k}+={v}"),
        }
    }
}

impl fmt::Debug for Command {
    /// `c2#1 append x+=1`: client 2's first command.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}#{} {:?}", self.client, self.seq, self.op)
    }
}

impl Reply {
    /// Whether this reply answers `request`, not an earlier attempt of the same client:
    /// the numbers match.
    pub fn answers(&self, request: &Request) -> bool {
        self.seq == request.seq
    }
}

impl Command {
    /// The command a request asks for.
    pub fn new(request: &Request) -> Command {
        Command {
            client: request.client,
            seq: request.seq,
            op: Op::from(&request.op),
        }
    }
}

// ANCHOR: store
/// The state machine: the keys' values, and for each client the last command applied
/// and what it returned (its *session*).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Store {
    /// The values; a key never set is the empty string.
    values: BTreeMap<String, String>,
    /// Each client's last command number and its result.
    sessions: BTreeMap<ClientId, (u64, KvRet)>,
}

impl Store {
    /// Applies `command` at most once: a command the client's session has already seen
    /// changes nothing, and returns what it returned then (or `Fail` for one older than
    /// the last, whose client has long stopped waiting for it).
    pub fn apply(&mut self, command: &Command) -> KvRet {
        if let Some((seq, result)) = self.sessions.get(&command.client) {
            if command.seq == *seq {
                return result.clone();
            }
            if command.seq < *seq {
                return KvRet::Fail;
            }
        }
        let result = self.execute(&command.op);
        self.sessions
            .insert(command.client, (command.seq, result.clone()));
        result
    }

    /// Executes `op`, whether or not it was executed before.
    pub fn execute(&mut self, op: &Op) -> KvRet {
        match op {
            Op::Get(k) => KvRet::Value(self.values.get(k).cloned().unwrap_or_default()),
            Op::Put(k, v) => {
                self.values.insert(k.clone(), v.clone());
                KvRet::Ok
            }
            Op::Append(k, v) => {
                self.values.entry(k.clone()).or_default().push_str(v);
                KvRet::Ok
            }
        }
    }
}
// ANCHOR_END: store

impl Store {
    /// What the session of `client` remembers: its last command number and result.
    pub fn session(&self, client: ClientId) -> Option<&(u64, KvRet)> {
        self.sessions.get(&client)
    }

    /// Every key set, and its value.
    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }

    /// The value of `key` (empty if never set).
    pub fn get(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

/// A history of requests and replies as the linearizability checker reads it:
/// operations on the store, without their numbers (a retry is the same operation).
pub fn operations(history: &History<Request, Reply>) -> History<KvOp, KvRet> {
    History {
        operations: history
            .operations
            .iter()
            .map(|o| Operation {
                client: o.client,
                process: o.process,
                request: o.request.op.clone(),
                invoked: o.invoked,
                returned: o.returned.as_ref().map(|(r, at)| (r.result.clone(), *at)),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn append(client: ClientId, seq: u64, v: &str) -> Command {
        Command {
            client,
            seq,
            op: Op::Append("x".into(), v.into()),
        }
    }

    #[test]
    fn a_retried_command_is_applied_once_and_answered_the_same() {
        let mut store = Store::default();
        assert_eq!(store.apply(&append(1, 1, "a")), KvRet::Ok);
        assert_eq!(store.apply(&append(1, 1, "a")), KvRet::Ok);
        assert_eq!(store.get("x"), "a");
        assert_eq!(store.apply(&append(2, 1, "b")), KvRet::Ok);
        assert_eq!(store.apply(&append(1, 2, "c")), KvRet::Ok);
        // An old command arriving late is refused, not applied.
        assert_eq!(store.apply(&append(1, 1, "a")), KvRet::Fail);
        assert_eq!(store.get("x"), "abc");
        let get = Command {
            client: 2,
            seq: 2,
            op: Op::Get("x".into()),
        };
        assert_eq!(store.apply(&get), KvRet::Value("abc".into()));
    }

    #[test]
    fn without_the_session_a_retried_append_is_applied_twice() {
        let mut store = Store::default();
        let op = Op::Append("x".into(), "a".into());
        store.execute(&op);
        store.execute(&op);
        assert_eq!(store.get("x"), "aa");
    }
}
