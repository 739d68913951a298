// Exercise 4.1 (chapter 4): a queue.
//
// Write the sequential specification of a FIFO queue: fill in `Queue`'s `step`. The
// judge asks the linearizability checker, with your specification, for the verdicts of
// six small histories whose verdicts are known. Judge it with `cargo xtask lab queue`.
// Keep the name `Queue`.

use linearizability::exercises::{QueueOp, QueueRet};
use linearizability::model::Model;
use std::collections::VecDeque;

/// The queue's specification.
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
