//! Exercises of the chapter "CAP", each judged by a test.
//!
//! **Exercise 10.1 — the proof's execution.** Gilbert and Lynch's proof needs only two
//! operations. Plan client operations — when, at which process, what — such that the
//! available register's history is not linearizable for *every* seed, through the
//! partition of [`crate::partition::world`]: fill in [`proof`]. The judge runs 20 seeds
//! and also requires every ABD history to be linearizable:
//! `cargo test -p cap --test exercises -- --ignored`.

use crate::partition::{Register, run_with};
use linearizability::models::RegisterOp;
use process::{ClientId, Process, ProcessId};
use rand::rngs::Xoshiro256PlusPlus;
use sim::{Submit, Workload};
use std::time::Duration;

// ANCHOR: exercise
/// A planned operation, made by a client of its own: how long after the run starts,
/// at which process, what.
pub type Planned = (Duration, ProcessId, RegisterOp);

/// Exercise 10.1: at most three operations that no register can answer on both sides of
/// the partition {p0} | {p1, p2} and keep linearizable.
pub fn proof() -> Vec<Planned> {
    vec![]
}
// ANCHOR_END: exercise

/// Client `k` makes the `k`th planned operation, and only that one.
struct Plan {
    operations: Vec<Planned>,
    made: Vec<bool>,
}

impl<P: Process<Request = RegisterOp>> Workload<P> for Plan {
    fn next(
        &mut self,
        client: ClientId,
        _: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<P>> {
        let (after, process, request) = self.operations.get(client)?.clone();
        if std::mem::replace(&mut self.made[client], true) {
            return None;
        }
        Some(Submit {
            process,
            request,
            after,
        })
    }
}

/// What is wrong with `operations` as an answer to exercise 10.1.
pub fn judge(operations: Vec<Planned>) -> Vec<String> {
    let mut wrong = Vec::new();
    if operations.is_empty() || operations.len() > 3 {
        return vec![format!(
            "{} operations: plan one to three",
            operations.len()
        )];
    }
    if let Some((_, p, _)) = operations.iter().find(|(_, p, _)| *p > 2) {
        return vec![format!(
            "there is no process p{p}: the processes are p0, p1, p2"
        )];
    }
    let clients = operations.len();
    let plan = || Plan {
        operations: operations.clone(),
        made: vec![false; clients],
    };
    for seed in 0..20 {
        let available = run_with(Register::Available, seed, clients, plan());
        if available.verdict.is_linearizable() {
            wrong.push(format!(
                "seed {seed}: the available register stays linearizable"
            ));
        }
        let abd = run_with(Register::Abd, seed, clients, plan());
        if !abd.verdict.is_linearizable() {
            wrong.push(format!(
                "seed {seed}: ABD is not linearizable (a bug in ABD?)"
            ));
        }
    }
    wrong
}

/// A solution to exercise 10.1.
pub mod solution {
    use super::*;

    /// The proof's two executions, joined: a write on the minority side finishes, then a
    /// read on the majority side starts. An available register must answer the read
    /// without having heard of the write.
    pub fn proof() -> Vec<Planned> {
        vec![
            (Duration::ZERO, 0, RegisterOp::Write(1)),
            (Duration::from_millis(5), 1, RegisterOp::Read),
        ]
    }
}
