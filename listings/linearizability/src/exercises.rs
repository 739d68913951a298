//! The judges of the judged exercises of the chapter "What correct means:
//! linearizability": exercise 4.1 (a queue): `cargo xtask lab queue`. Their starting
//! points are frozen in the `labs` crate, which runs each judge on the student's copy.

use crate::check::check;
use crate::model::Model;
use process::{History, Time};

/// An operation on a queue.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueueOp {
    /// Add a value at the back.
    Enqueue(i64),
    /// Remove the value at the front.
    Dequeue,
}

/// What a queue operation returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueueRet {
    /// An enqueue is done.
    Ok,
    /// A dequeue's value (`None`: the queue was empty).
    Value(Option<i64>),
}

/// (operation, result, invoked, returned) for each operation of a history, one client
/// each; an operation that returned at [`NEVER`] never returned (its result is ignored).
type Ops = &'static [(QueueOp, QueueRet, u64, u64)];

/// The return time of an operation that never returned.
const NEVER: u64 = u64::MAX;

/// Six histories and whether each is linearizable.
const CASES: [(&str, Ops, bool); 6] = [
    (
        "enqueue 1, then dequeue 1",
        &[
            (QueueOp::Enqueue(1), QueueRet::Ok, 0, 1),
            (QueueOp::Dequeue, QueueRet::Value(Some(1)), 2, 3),
        ],
        true,
    ),
    (
        "enqueue 1 and 2 concurrently, then dequeue 2 and 1",
        &[
            (QueueOp::Enqueue(1), QueueRet::Ok, 0, 3),
            (QueueOp::Enqueue(2), QueueRet::Ok, 1, 2),
            (QueueOp::Dequeue, QueueRet::Value(Some(2)), 4, 5),
            (QueueOp::Dequeue, QueueRet::Value(Some(1)), 6, 7),
        ],
        true,
    ),
    (
        "enqueue 1, then enqueue 2, then dequeue 2",
        &[
            (QueueOp::Enqueue(1), QueueRet::Ok, 0, 1),
            (QueueOp::Enqueue(2), QueueRet::Ok, 2, 3),
            (QueueOp::Dequeue, QueueRet::Value(Some(2)), 4, 5),
        ],
        false,
    ),
    (
        "a dequeue finds the queue empty while 1 is enqueued",
        &[
            (QueueOp::Enqueue(1), QueueRet::Ok, 0, 3),
            (QueueOp::Dequeue, QueueRet::Value(None), 1, 2),
        ],
        true,
    ),
    (
        "enqueue 1, then a dequeue finds the queue empty",
        &[
            (QueueOp::Enqueue(1), QueueRet::Ok, 0, 1),
            (QueueOp::Dequeue, QueueRet::Value(None), 2, 3),
        ],
        false,
    ),
    (
        "an enqueue of 1 never returns, yet a later dequeue finds 1",
        &[
            (QueueOp::Enqueue(1), QueueRet::Ok, 0, NEVER),
            (QueueOp::Dequeue, QueueRet::Value(Some(1)), 2, 3),
        ],
        true,
    ),
];

/// The histories on which `model` gives the wrong verdict.
pub fn judge<M: Model<Input = QueueOp, Output = QueueRet>>(model: &M) -> Vec<String> {
    let mut wrong = Vec::new();
    for (name, ops, linearizable) in CASES {
        let mut history = History::default();
        for (client, (input, output, call, ret)) in ops.iter().enumerate() {
            let at = history.invoke(client, 0, input.clone(), Time::from_nanos(*call));
            if *ret != NEVER {
                history.complete(at, output.clone(), Time::from_nanos(*ret));
            }
        }
        if check(model, &history).is_linearizable() != linearizable {
            wrong.push(format!(
                "{name}: expected {}",
                if linearizable {
                    "linearizable"
                } else {
                    "not linearizable"
                }
            ));
        }
    }
    wrong
}
