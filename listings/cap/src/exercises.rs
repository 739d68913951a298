//! The judges of the judged exercises of the chapter "CAP": exercise 10.1 (the proof's
//! execution): `cargo xtask lab partition-proof`. Their starting points are frozen in the
//! `labs` crate, which runs each judge on the student's copy.

use crate::partition::{Register, run_with};
use linearizability::models::RegisterOp;
use process::{ClientId, Process, ProcessId};
use rand::rngs::Xoshiro256PlusPlus;
use sim::{Submit, Workload};
use std::time::Duration;

/// A planned operation, made by a client of its own: how long after the run starts,
/// at which process, what.
pub type Planned = (Duration, ProcessId, RegisterOp);

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
