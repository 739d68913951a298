//! Exercises of the chapter "What correct means: linearizability", each judged by a test.
//!
//! **Exercise 4.1 — a queue.** Write the sequential specification of a FIFO queue: fill
//! in [`Queue`]'s `step`. The judge checks six small histories whose verdicts are known;
//! run
//! `cargo test -p linearizability --test exercises -- --ignored`. A solution is in
//! [`solution`].

use crate::check::check;
use crate::model::Model;
use process::{History, Time};
use std::collections::VecDeque;

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

/// The queue's specification: the exercise.
#[derive(Clone, Copy, Debug, Default)]
pub struct Queue;

// ANCHOR: exercise
impl Model for Queue {
    type State = VecDeque<i64>;
    type Input = QueueOp;
    type Output = QueueRet;

    fn init(&self) -> VecDeque<i64> {
        VecDeque::new()
    }

    fn step(
        &self,
        state: &VecDeque<i64>,
        input: &QueueOp,
        output: Option<&QueueRet>,
    ) -> Option<VecDeque<i64>> {
        // Exercise 4.1: return the queue after `input`, or None if it could not have
        // returned `output`. (An `output` of None means the operation never returned.)
        let _ = (state, input, output);
        None
    }
}
// ANCHOR_END: exercise

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

/// A solution to exercise 4.1.
pub mod solution {
    use super::*;

    /// The queue's specification.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct SolvedQueue;

    impl Model for SolvedQueue {
        type State = VecDeque<i64>;
        type Input = QueueOp;
        type Output = QueueRet;

        fn init(&self) -> VecDeque<i64> {
            VecDeque::new()
        }

        fn step(
            &self,
            state: &VecDeque<i64>,
            input: &QueueOp,
            output: Option<&QueueRet>,
        ) -> Option<VecDeque<i64>> {
            let mut next = state.clone();
            match (input, output) {
                (QueueOp::Enqueue(v), None | Some(QueueRet::Ok)) => {
                    next.push_back(*v);
                    Some(next)
                }
                (QueueOp::Dequeue, None) => {
                    next.pop_front();
                    Some(next)
                }
                (QueueOp::Dequeue, Some(QueueRet::Value(v))) => {
                    (next.pop_front() == *v).then_some(next)
                }
                _ => None,
            }
        }
    }
}
