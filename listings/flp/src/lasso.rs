//! The non-deciding run as a lasso, found by the model checker.
//!
//! Rounds grow without bound, so no configuration of `Rounds` repeats. Lowering every
//! round so that the lowest is 1 is an exact symmetry (rounds are only compared and
//! incremented), and over configurations so lowered, a run that never decides can be a
//! cycle. The search also keeps the processes within `lag` rounds of each other and
//! delivers each link's messages in the order they were sent (restrictions of the
//! schedules, so whatever it finds is a run of the real system); the
//! lasso is then replayed on the real configurations and checked: admissible (every
//! message in flight when the loop starts is received within it) and repeating up to a
//! shift of rounds.

use crate::adversary::lowered;
use crate::protocols::{Bit, Protocol, Voter};
use crate::valence::{Run, decided, initial, system};
use modelcheck::System;
use modelcheck::lasso::{self, Incomplete};
use modelcheck::processes::{Global, Processes, Step};

/// The system of configurations with their rounds lowered, processes within `lag` rounds.
pub struct Lowered {
    /// The real system.
    pub system: Processes<Voter>,
    /// How many rounds apart the processes may be.
    pub lag: u32,
}

fn spread(state: &Global<Voter>) -> u32 {
    let rounds = state.processes.iter().map(|p| p.round);
    rounds.clone().max().unwrap_or(0) - rounds.min().unwrap_or(0)
}

impl System for Lowered {
    type State = Global<Voter>;
    type Action = Step<Voter>;

    fn initial(&self) -> Vec<Global<Voter>> {
        self.system.initial().iter().map(|s| lowered(s).0).collect()
    }

    fn successors(
        &self,
        state: &Global<Voter>,
        out: &mut Vec<(Step<Voter>, Global<Voter>)>,
    ) {
        let from = out.len();
        self.system.successors(state, out);
        let mut kept = from;
        for i in from..out.len() {
            let fifo = match &out[i].0 {
                Step::Deliver(e, _) => state.network.iter().all(|d| {
                    (d.from, d.to) != (e.from, e.to)
                        || d.message.order() >= e.message.order()
                }),
                _ => true,
            };
            if fifo && spread(&out[i].1) <= self.lag {
                let next = lowered(&out[i].1).0;
                out[i].1 = next;
                out.swap(kept, i);
                kept += 1;
            }
        }
        out.truncate(kept);
    }

    fn fairness(&self, step: &Step<Voter>) -> Option<u64> {
        self.system.fairness(step)
    }
}

/// A lasso of `Rounds` on `inputs`: the real run, where its loop starts, the lap's
/// length, by how much a lap raises the rounds, and whether the loop is admissible.
pub struct Found {
    /// The run, its loop run `laps` times.
    pub run: Run,
    /// Where the loop starts.
    pub loop_from: usize,
    /// Steps in a lap.
    pub lap: usize,
    /// How much one lap raises every round.
    pub raise: u32,
    /// Every message in flight when the loop starts is received within it.
    pub admissible: bool,
    /// Lowered configurations explored.
    pub states: usize,
}

/// Searches for a lasso on which no process decides, exploring at most `bound` lowered
/// configurations.
pub fn find(
    inputs: &[Bit],
    lag: u32,
    laps: usize,
    bound: usize,
) -> Result<Option<Found>, Incomplete> {
    let lowered_system = Lowered {
        system: system(Protocol::Rounds, inputs, u32::MAX, 0),
        lag,
    };
    let states = modelcheck::Checker::new(&lowered_system)
        .max_states(bound)
        .run()
        .distinct;
    let progress = |s: &Global<Voter>| decided(s, 0) || decided(s, 1);
    let Some(found) = lasso::find(&lowered_system, progress, bound)? else {
        return Ok(None);
    };
    let mut targets: Vec<Global<Voter>> =
        found.prefix.iter().map(|(_, s)| s.clone()).collect();
    let loop_from = targets.len() - 1;
    for _ in 0..laps {
        targets.extend(found.cycle.iter().map(|(_, s)| s.clone()));
    }
    let mut real = initial(&lowered_system.system);
    let mut run: Run = vec![(None, real.clone())];
    let mut out = Vec::new();
    for target in &targets[1..] {
        out.clear();
        lowered_system.system.successors(&real, &mut out);
        let (step, next) = out
            .drain(..)
            .find(|(_, next)| lowered(next).0 == *target)
            .expect("the lowered lasso is a run of the real system");
        run.push((Some(step), next.clone()));
        real = next;
    }
    let lap = found.cycle.len();
    let (start, end) = (&run[loop_from].1, &run[loop_from + lap].1);
    let admissible = start.network.iter().all(|e| !end.network.contains(e));
    let raise = lowered(end).1 - lowered(start).1;
    Ok(Some(Found {
        run,
        loop_from,
        lap,
        raise,
        admissible,
        states,
    }))
}
