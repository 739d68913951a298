//! FLP's shadow: two eager proposers can pre-empt each other for ever, and the model
//! checker finds the execution as a lasso.
//!
//! Ballots grow without bound, so no state of a duel repeats. But Paxos only compares
//! rounds and adds one to the largest it knows, so renaming the rounds of a global state
//! in an order-preserving way that keeps gaps of one (and shrinks larger gaps to two)
//! changes nothing any process can observe: the renamed state has the same futures,
//! renamed. The checker explores the states up to that renaming, where a duel is a
//! cycle; the lasso it finds is then replayed on the real states, with real ballots.

use crate::check::inputs;
use crate::paxos::{Ballot, Message, Paxos, Phase, Retry, Role, Setup};
use modelcheck::System;
use modelcheck::checker::fingerprint;
use modelcheck::lasso::{self, Incomplete};
use modelcheck::processes::{Faults, Global, Processes, Step};
use std::time::Duration;

/// Every round in a global state, in a fixed order, for reading or renaming.
fn rounds(state: &mut Global<Paxos>, f: &mut impl FnMut(&mut u32)) {
    let ballot = |b: &mut Ballot, f: &mut dyn FnMut(&mut u32)| f(&mut b.round);
    for process in &mut state.processes {
        match &mut process.role {
            Role::Acceptor(a) => {
                if let Some(p) = &mut a.promised {
                    ballot(p, f);
                }
                if let Some((b, _)) = &mut a.accepted {
                    ballot(b, f);
                }
            }
            Role::Proposer(p) => {
                f(&mut p.round);
                match &mut p.phase {
                    Phase::Idle => {}
                    Phase::Preparing {
                        ballot: b,
                        promises,
                        ..
                    } => {
                        ballot(b, f);
                        for (b, _) in promises.values_mut().flatten() {
                            ballot(b, f);
                        }
                    }
                    Phase::Accepting { ballot: b, .. } => ballot(b, f),
                }
                for (b, _) in p.learned.values_mut() {
                    ballot(b, f);
                }
            }
        }
    }
    for disk in &mut state.storage {
        f(&mut disk.round);
        if let Some(p) = &mut disk.acceptor.promised {
            ballot(p, f);
        }
        if let Some((b, _)) = &mut disk.acceptor.accepted {
            ballot(b, f);
        }
    }
    for envelope in &mut state.network {
        match &mut envelope.message {
            Message::Prepare { ballot: b }
            | Message::Accept { ballot: b, .. }
            | Message::Accepted { ballot: b, .. } => ballot(b, f),
            Message::Promise {
                ballot: b,
                accepted,
            } => {
                ballot(b, f);
                if let Some((a, _)) = accepted {
                    ballot(a, f);
                }
            }
            Message::Refuse {
                ballot: b,
                promised,
                ..
            } => {
                ballot(b, f);
                ballot(promised, f);
            }
            Message::Heartbeat => {}
        }
    }
}

// ANCHOR: rename
/// The state with its rounds renamed: 0 stays 0, order and gaps of one are kept, and
/// larger gaps shrink to two. A proposer's next round, one more than the largest it
/// knows, then stands in the same relation to every other round as before.
pub fn rename(state: &Global<Paxos>) -> Global<Paxos> {
    let mut state = state.clone();
    let mut seen = vec![0];
    rounds(&mut state, &mut |r| seen.push(*r));
    seen.sort_unstable();
    seen.dedup();
    let mut renamed = vec![0; seen.len()];
    for i in 1..seen.len() {
        renamed[i] = renamed[i - 1] + (seen[i] - seen[i - 1]).min(2);
    }
    rounds(&mut state, &mut |r| {
        *r = renamed[seen.binary_search(r).expect("a round seen")];
    });
    // The eager policy never reads how many ballots a proposer has started.
    for process in &mut state.processes {
        if let Role::Proposer(p) = &mut process.role
            && process.setup.retry == Retry::Eager
        {
            p.ballots = 0;
        }
    }
    state.network.sort_by_cached_key(fingerprint);
    state
}
// ANCHOR_END: rename

/// The processes' system, explored up to the renaming of rounds.
pub struct Renamed(pub Processes<Paxos>);

impl System for Renamed {
    type State = Global<Paxos>;
    type Action = Step<Paxos>;

    fn initial(&self) -> Vec<Global<Paxos>> {
        self.0.initial().iter().map(rename).collect()
    }

    fn successors(
        &self,
        state: &Global<Paxos>,
        out: &mut Vec<(Step<Paxos>, Global<Paxos>)>,
    ) {
        let from = out.len();
        self.0.successors(state, out);
        for (_, next) in &mut out[from..] {
            *next = rename(next);
        }
    }

    fn fairness(&self, step: &Step<Paxos>) -> Option<u64> {
        self.0.fairness(step)
    }
}

/// Two eager proposers and `acceptors` acceptors on a reliable network.
pub fn system(acceptors: usize) -> Processes<Paxos> {
    let setup = Setup {
        acceptors,
        proposers: 2,
        retry: Retry::Eager,
        bug: None,
        start: Duration::ZERO,
        quorums: None,
    };
    Processes {
        initial: setup.processes(&inputs(2)),
        faults: Faults::default(),
        clients: Vec::new(),
    }
}

/// A duel found by the model checker: the real execution, and where its loop starts.
pub struct Duel {
    /// The execution: steps and the states they lead to, the loop run `laps` times.
    pub trace: Vec<(Option<Step<Paxos>>, Global<Paxos>)>,
    /// The index in `trace` of the state where the loop starts.
    pub loop_from: usize,
    /// Steps in one lap of the loop.
    pub lap: usize,
    /// States explored up to renaming.
    pub states: usize,
    /// Whether every message in flight when the loop starts is delivered within it.
    pub fair: bool,
}

/// Finds a fair execution in which no value is ever learned, and replays its loop
/// `laps` times on real states. `None` if every fair execution decides.
pub fn find(acceptors: usize, laps: usize) -> Result<Option<Duel>, Incomplete> {
    let renamed = Renamed(system(acceptors));
    let states = modelcheck::Checker::new(&renamed).run().distinct;
    let decided = |s: &Global<Paxos>| s.outputs.iter().any(|o| !o.is_empty());
    let Some(found) = lasso::find(&renamed, decided, 2_000_000)? else {
        return Ok(None);
    };
    let mut targets: Vec<Global<Paxos>> =
        found.prefix.iter().map(|(_, s)| s.clone()).collect();
    let loop_from = targets.len() - 1;
    for _ in 0..laps {
        targets.extend(found.cycle.iter().map(|(_, s)| s.clone()));
    }
    // Replay: from the real initial state, take the step whose renamed result is the
    // next state of the lasso.
    let mut real = renamed.0.initial().remove(0);
    let mut trace = vec![(None, real.clone())];
    let mut successors = Vec::new();
    for target in &targets[1..] {
        successors.clear();
        renamed.0.successors(&real, &mut successors);
        let (step, next) = successors
            .drain(..)
            .find(|(_, next)| rename(next) == *target)
            .expect("the renamed lasso is a lasso of the real system");
        trace.push((Some(step), next.clone()));
        real = next;
    }
    // Fairness, checked on the real states: nothing in flight when the loop starts is
    // still in flight, untouched, when it comes round again.
    let lap = found.cycle.len();
    let (start, end) = (&trace[loop_from].1, &trace[loop_from + lap].1);
    let fair = start.network.iter().all(|e| !end.network.contains(e));
    Ok(Some(Duel {
        trace,
        loop_from,
        lap,
        states,
        fair,
    }))
}
