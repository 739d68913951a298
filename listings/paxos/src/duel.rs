//! FLP's shadow: two eager proposers can pre-empt each other for ever, and the model
//! checker finds the execution as a lasso.
//!
//! Ballots grow without bound, so no state of a duel repeats. The search therefore runs
//! over states with their rounds renamed (order kept, gaps shrunk), where a duel is a
//! cycle. That renaming is a heuristic, not an exact symmetry, so the lasso it finds is
//! confirmed on the real states: after one lap the real state equals the lap's first
//! state with every round raised by the same amount. Raising every round *is* an exact
//! symmetry of Paxos, which only compares rounds and adds one to them, so the lap can be
//! run again from there, for ever.

use crate::check::inputs;
use crate::paxos::{Ballot, Message, Paxos, Phase, Retry, Role, Setup};
use modelcheck::System;
use modelcheck::lasso::{self, Incomplete};
use modelcheck::processes::{Faults, Global, Processes, Step};

/// Every round in a global state, in a fixed order, for reading or renaming.
fn rounds(state: &mut Global<Paxos>, f: &mut impl FnMut(&mut u32)) {
    let ballot = |b: &mut Ballot, f: &mut dyn FnMut(&mut u32)| f(&mut b.round);
    for p in 0..state.len() {
        state.edit_process(p, |process| match &mut process.role {
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
        });
        let proposer = matches!(state.process(p).role, Role::Proposer(_));
        state.edit_storage(p, |disk| {
            if proposer {
                f(&mut disk.round); // an acceptor's disk holds no round of its own
            }
            if let Some(p) = &mut disk.acceptor.promised {
                ballot(p, f);
            }
            if let Some((b, _)) = &mut disk.acceptor.accepted {
                ballot(b, f);
            }
        });
    }
    state.edit_messages(|envelope| match &mut envelope.message {
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
    });
}

// ANCHOR: shift
/// The state with `k` added to every round. Paxos compares rounds and adds one to
/// them, both unchanged by the shift, so the shifted state has the same futures,
/// shifted: an exact symmetry.
pub fn shift(state: &Global<Paxos>, k: u32) -> Global<Paxos> {
    let mut state = state.clone();
    rounds(&mut state, &mut |r| *r += k);
    state
}
// ANCHOR_END: shift

/// What the eager policy can observe of a state: everything but the count of ballots
/// started and the acceptors' ghost record (which no rule reads), with the network in
/// a fixed order.
fn observable(state: &Global<Paxos>) -> Global<Paxos> {
    let mut state = state.clone();
    for p in 0..state.len() {
        state.edit_process(p, |process| match &mut process.role {
            Role::Proposer(p) if process.setup.retry == Retry::Eager => p.ballots = 0,
            Role::Acceptor(a) => a.ever.clear(),
            Role::Proposer(_) => {}
        });
        state.edit_storage(p, |disk| disk.acceptor.ever.clear());
    }
    state
}

/// The state with its rounds renamed for the search: 0 stays 0, order and gaps of one
/// are kept, larger gaps shrink to two. Not exact in general (a proposer that starts two
/// rounds below a gap would catch up with the round above it), so a lasso found this way
/// is confirmed with [`shift`] on the real states.
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
    observable(&state)
}

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
    let setup = Setup::new(acceptors, 2, Retry::Eager);
    // Dead messages kept: the argument for dropping them covers safety, not lassos.
    Processes::new(setup.processes(&inputs(2)), Faults::default()).keeping_dead(true)
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
    /// The amount by which one lap raises every round, if the real state after a lap is
    /// the lap's first state so raised: then the lap repeats for ever.
    pub raise: Option<u32>,
}

/// Searches for a fair execution in which no value is ever learned, and replays its loop
/// `laps` times on real states. `None` if the search over renamed states finds none
/// (not a proof that none exists: the renaming is not exact).
pub fn find(acceptors: usize, laps: usize) -> Result<Option<Duel>, Incomplete> {
    let renamed = Renamed(system(acceptors));
    let states = modelcheck::Checker::new(&renamed).run().distinct;
    let decided = |s: &Global<Paxos>| s.all_outputs().any(|o| !o.is_empty());
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
    let fair = start.network().all(|e| end.network().all(|f| f != e));
    let highest = |s: &Global<Paxos>| {
        let mut max = 0;
        rounds(&mut s.clone(), &mut |r| max = max.max(*r));
        max
    };
    let k = highest(end) - highest(start);
    let raise = (observable(&shift(start, k)) == observable(end)).then_some(k);
    Ok(Some(Duel {
        trace,
        loop_from,
        lap,
        states,
        fair,
        raise,
    }))
}
