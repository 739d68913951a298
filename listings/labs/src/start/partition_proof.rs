// Exercise 10.1 (chapter 10): the proof's execution.
//
// Gilbert and Lynch's proof needs only two operations. Plan client operations (when, at
// which process, what) such that the available register's history is not linearizable
// for every seed, through the partition {p0} | {p1, p2} of the chapter. The judge runs
// 20 seeds and also requires every history of ABD to be linearizable. Judge it with
// `cargo xtask lab partition-proof`. Keep the name and signature of `proof`.

use cap::exercises::Planned;
use linearizability::models::RegisterOp;
use process::ProcessId;
use std::time::Duration;

// ANCHOR: exercise
/// Exercise 10.1: at most three operations, each `(after, process, operation)`, that no
/// register can answer on both sides of the partition {p0} | {p1, p2} and keep
/// linearizable. Each is made by a client of its own, `after` the run starts.
pub fn proof() -> Vec<Planned> {
    let operations: Vec<(Duration, ProcessId, RegisterOp)> = vec![];
    operations
}
// ANCHOR_END: exercise
