// A reference solution to exercise 4.1.

use linearizability::exercises::{QueueOp, QueueRet};
use linearizability::model::Model;
use std::collections::VecDeque;

/// The queue's specification.
#[derive(Clone, Copy, Debug, Default)]
pub struct Queue;

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
