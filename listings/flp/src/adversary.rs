//! The proof of FLP as a program. Given a deterministic protocol, find one of:
//!
//! - a run with at most one crash that breaks agreement or validity: the protocol is not
//!   even partially correct;
//! - no bivalent initial configuration, so two adjacent initial configurations of
//!   opposite valence, differing in process p's input; the proof of Lemma 2 then says no
//!   run in which p takes no steps can decide, and the model checker confirms it;
//! - a bivalent initial configuration, from which the adversary of Lemma 3 builds, stage
//!   by stage, a run that stays bivalent. As in the proof of the theorem, a queue of
//!   processes is kept; each stage ends with its head receiving its earliest message
//!   (or ∅), and the head goes to the back, so the run is admissible.

use crate::protocols::{Bit, Protocol, Voter, agree, valid};
use crate::valence::{Reach, Rooted, Run, Valence, all_inputs, decided, initial, system};
use modelcheck::processes::{Envelope, Global, Processes, Step};
use modelcheck::{Checker, System};
use process::ProcessId;
use std::collections::{HashMap, VecDeque};

/// Every initial configuration of a protocol at once, for the safety check.
pub struct AllInputs(pub Vec<Processes<Voter>>);

impl System for AllInputs {
    type State = Global<Voter>;
    type Action = Step<Voter>;

    fn initial(&self) -> Vec<Global<Voter>> {
        self.0.iter().flat_map(|s| s.initial()).collect()
    }

    fn successors(
        &self,
        state: &Global<Voter>,
        out: &mut Vec<(Step<Voter>, Global<Voter>)>,
    ) {
        // The system of the state's own inputs: a crash restores a process's initial
        // state, input included.
        let inputs = state.all_processes().map(|p| p.input);
        let own = self
            .0
            .iter()
            .find(|s| s.initial.iter().map(|p| p.input).eq(inputs.clone()))
            .expect("a system for every input vector");
        own.successors(state, out);
    }
}

/// Agreement: no two processes decide differently.
pub fn agreement(state: &Global<Voter>) -> bool {
    agree(state.all_outputs().flatten())
}

/// Validity: a decision is some process's input.
pub fn validity(state: &Global<Voter>) -> bool {
    let inputs: Vec<Bit> = state.all_processes().map(|p| p.input).collect();
    valid(state.all_outputs().flatten(), &inputs)
}

/// One stage of the adversary's run.
#[derive(Clone, Debug)]
pub struct Stage {
    /// The process at the head of the queue.
    pub process: ProcessId,
    /// Its earliest message in flight when the stage began, received last in the stage;
    /// `None` if it had none (it receives ∅).
    pub oldest: Option<Envelope<Voter>>,
    /// Steps taken before it (the schedule σ of Lemma 3, without e).
    pub before: usize,
    /// Steps to the nearest configuration deciding 0, and 1, from the stage's end.
    pub witnesses: (usize, usize),
}

/// What the adversary found.
#[derive(Debug)]
pub enum Outcome {
    /// A run with at most one crash breaking `invariant`.
    Unsafe {
        /// "agreement" or "validity".
        invariant: String,
        /// The run.
        run: Run,
    },
    /// Not partially correct, condition (2): no run decides `never`.
    Trivial {
        /// The decision value no run reaches.
        never: Bit,
    },
    /// No initial configuration is bivalent: `zero` and `one` are adjacent, 0-valent and
    /// 1-valent, differing in process `p`'s input; no run in which `p` takes no steps
    /// decides, of the `states` reachable; `run` is one, to its end.
    Blocked {
        /// The 0-valent initial inputs.
        zero: Vec<Bit>,
        /// The 1-valent initial inputs.
        one: Vec<Bit>,
        /// The process whose input differs, and which takes no steps.
        p: usize,
        /// Configurations reachable without p, none deciding.
        states: usize,
        /// A maximal run without p: every message to a live process delivered.
        run: Run,
    },
    /// From the bivalent initial configuration on `inputs`, `stages` stages, each ending
    /// bivalent and none deciding.
    Undecided {
        /// The inputs.
        inputs: Vec<Bit>,
        /// The stages.
        stages: Vec<Stage>,
        /// The run.
        run: Run,
    },
    /// The searches' bounds were too small: no valence could be told, or no bivalent
    /// continuation was found at the stage after `stages`.
    Stuck {
        /// Stages completed before.
        stages: Vec<Stage>,
        /// The run so far.
        run: Run,
    },
}

/// Bounds on the adversary's searches.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// For `Rounds`: the rounds each process may run.
    pub rounds: u32,
    /// Configurations explored to find a decision (valence).
    pub valence: usize,
    /// Schedules σ tried per stage.
    pub schedules: usize,
}

/// The valence of every initial configuration of `protocol` with `n` processes.
pub fn valences(
    protocol: Protocol,
    n: usize,
    bounds: Bounds,
) -> Vec<(Vec<Bit>, Valence)> {
    all_inputs(n)
        .into_iter()
        .map(|inputs| {
            let s = system(protocol, &inputs, bounds.rounds, 0);
            let v = Valence::of(&s, &initial(&s), bounds.valence);
            (inputs, v)
        })
        .collect()
}

/// Runs the proof against `protocol` with `n` processes, for `k` stages if it comes to
/// the adversary.
pub fn run(protocol: Protocol, n: usize, k: usize, bounds: Bounds) -> Outcome {
    if let Some(violation) = safety(protocol, n, CHECKED_ROUNDS, |_| ()).violation {
        return Outcome::Unsafe {
            invariant: violation.invariant,
            run: violation.trace,
        };
    }
    let table = valences(protocol, n, bounds);
    // Partial correctness (2): each decision value is reachable from some initial
    // configuration. Claimed broken only if the search was complete.
    for v in [0, 1] {
        let unreachable = |valence: &Valence| {
            matches!(if v == 0 { &valence.zero } else { &valence.one }, Reach::No)
        };
        if table.iter().all(|(_, valence)| unreachable(valence)) {
            return Outcome::Trivial { never: v };
        }
    }
    if let Some((inputs, _)) = table.iter().find(|(_, v)| v.bivalent()) {
        return adversary(protocol, inputs, k, bounds);
    }
    blocked(protocol, &table, bounds)
}

/// The rounds the safety check covers, for the protocols in rounds.
pub const CHECKED_ROUNDS: u32 = 2;

/// Agreement and validity, with at most one crash, from every initial configuration of
/// `protocol` with `n` processes, each changed by `change` and running at most `rounds`
/// rounds (for `Rounds`, and for Ben-Or, whose coins are then branches of the search).
/// So that it cannot pass for want of decisions, the protocols in rounds must also be
/// seen to decide in their last round. Messages their receivers ignore are dropped
/// ([`process::Process::ignores`]).
pub fn safety(
    protocol: Protocol,
    n: usize,
    rounds: u32,
    change: impl Fn(&mut Voter),
) -> modelcheck::Report<AllInputs> {
    let system = |inputs: &Vec<Bit>| {
        let mut s = system(protocol, inputs, rounds, 1).keeping_dead(false);
        s.initial.iter_mut().for_each(&change);
        s
    };
    let all = AllInputs(all_inputs(n).iter().map(system).collect());
    let checker = Checker::new(&all)
        .invariant("agreement", agreement)
        .invariant("validity", validity);
    if matches!(protocol, Protocol::Rounds | Protocol::BenOr) {
        let last = move |s: &Global<Voter>| {
            s.all_processes().any(|p| p.decided_round == Some(rounds))
        };
        checker
            .sometimes("a decision in the last round", last)
            .run()
    } else {
        checker.run()
    }
}

/// Lemma 2's argument when no initial configuration is bivalent.
fn blocked(protocol: Protocol, table: &[(Vec<Bit>, Valence)], bounds: Bounds) -> Outcome {
    let valence: HashMap<&[Bit], Option<Bit>> = table
        .iter()
        .map(|(i, v)| (i.as_slice(), v.univalent()))
        .collect();
    for (zero, _) in table.iter().filter(|(_, v)| v.univalent() == Some(0)) {
        for p in 0..zero.len() {
            let mut one = zero.clone();
            one[p] ^= 1;
            if valence[one.as_slice()] != Some(1) {
                continue;
            }
            // C0 with p taking no steps: p is down from the start, and its first step
            // (its sends) never happened.
            let s = system(protocol, zero, bounds.rounds, 0);
            let mut root = initial(&s);
            root.retain_messages(|e| e.from != p);
            root.down(p, s.initial[p].clone());
            let report = Checker::new(&Rooted {
                system: &s,
                root: root.clone(),
            })
            .invariant("undecided", |g| !decided(g, 0) && !decided(g, 1))
            .run();
            assert!(
                report.violation.is_none() && report.complete,
                "Lemma 2: a run without p that decided would decide the same from C1"
            );
            return Outcome::Blocked {
                zero: zero.clone(),
                one,
                p,
                states: report.distinct,
                run: drain(&s, root),
            };
        }
    }
    // Lemma 2 says such a pair exists when no initial configuration is bivalent; not
    // finding one means the valence bound was too small to tell.
    let s = system(protocol, &table[0].0, bounds.rounds, 0);
    Outcome::Stuck {
        stages: Vec::new(),
        run: vec![(None, initial(&s))],
    }
}

/// Runs from `root`, delivering the oldest message each step, until nothing is in
/// flight.
fn drain(system: &Processes<Voter>, root: Global<Voter>) -> Run {
    let mut run = vec![(None, root.clone())];
    let mut pending = sent_at_start(&root);
    let mut state = root;
    while let Some(e) = pending.pop_front() {
        let next = deliver(system, &state, &e);
        pending.extend(sent(&state, &next.1, &e));
        run.push((Some(next.0), next.1.clone()));
        state = next.1;
    }
    run
}

/// The step that delivers `e` in `state` (or drops it, if its receiver is down).
fn deliver(
    system: &Processes<Voter>,
    state: &Global<Voter>,
    e: &Envelope<Voter>,
) -> (Step<Voter>, Global<Voter>) {
    let mut out = Vec::new();
    system.successors(state, &mut out);
    out.into_iter()
        .find(|(step, _)| matches!(step, Step::Deliver(d, _) | Step::Lose(d) if d == e))
        .expect("a message in flight can be delivered")
}

/// The messages sent by the step from `before` to `after` that delivered `e`.
fn sent(
    before: &Global<Voter>,
    after: &Global<Voter>,
    e: &Envelope<Voter>,
) -> Vec<Envelope<Voter>> {
    let mut old: Vec<&Envelope<Voter>> = before.network().collect();
    let i = old.iter().position(|d| *d == e).expect("in flight");
    old.remove(i);
    let mut new = Vec::new();
    for d in after.network() {
        match old.iter().position(|o| *o == d) {
            Some(i) => {
                old.remove(i);
            }
            None => new.push(d.clone()),
        }
    }
    // The network keeps no order; a handler sends each message to every process in
    // turn, a round's report before its proposal, so this is the order they were sent.
    new.sort_by_key(|d| (d.message.order(), d.to));
    new
}

/// The messages in flight in an initial configuration, in the order they were sent:
/// every process took its first step in turn, p0 first.
fn sent_at_start(root: &Global<Voter>) -> VecDeque<Envelope<Voter>> {
    let mut sent: Vec<_> = root.network().cloned().collect();
    sent.sort_by_key(|d| (d.from, d.message.order(), d.to));
    sent.into()
}

/// Lemma 3, stage by stage: from a bivalent configuration, find a schedule σ that does
/// not deliver the oldest message e, such that e(σ(C)) is bivalent.
fn adversary(protocol: Protocol, inputs: &[Bit], k: usize, bounds: Bounds) -> Outcome {
    let s = system(protocol, inputs, bounds.rounds, 0);
    let root = initial(&s);
    let mut run: Run = vec![(None, root.clone())];
    let mut pending = sent_at_start(&root);
    let mut stages = Vec::new();
    let mut state = root;
    // The paper's queue of processes: each stage ends with its head receiving its
    // earliest message, or ∅; the head then goes to the back.
    let mut queue: VecDeque<ProcessId> = (0..inputs.len()).collect();
    for _ in 0..k {
        let p = queue.pop_front().expect("processes");
        queue.push_back(p);
        let Some(e) = pending.iter().find(|e| e.to == p).cloned() else {
            // The event (p, ∅): p receives nothing, and its state does not change, so
            // the configuration stays bivalent with an empty schedule.
            let witnesses = stages.last().map_or((0, 0), |s: &Stage| s.witnesses);
            stages.push(Stage {
                process: p,
                oldest: None,
                before: 0,
                witnesses,
            });
            continue;
        };
        let Some((schedule, witnesses)) = stage(&s, &state, &e, bounds) else {
            return Outcome::Stuck { stages, run };
        };
        let before = schedule.len() - 1;
        for (step, next) in schedule {
            let Step::Deliver(d, _) = &step else {
                unreachable!("the adversary only delivers")
            };
            let i = pending.iter().position(|p| p == d).expect("pending");
            pending.remove(i);
            pending.extend(sent(&state, &next, d));
            run.push((Some(step), next.clone()));
            state = next;
        }
        stages.push(Stage {
            process: p,
            oldest: Some(e),
            before,
            witnesses,
        });
    }
    Outcome::Undecided {
        inputs: inputs.to_vec(),
        stages,
        run,
    }
}

/// The configuration with every round lowered so that the lowest is 1 (network in a
/// fixed order), and by how much.
pub fn lowered(state: &Global<Voter>) -> (Global<Voter>, u32) {
    let mut lowest = u32::MAX;
    for p in state.all_processes() {
        p.rounds_each(&mut |r| lowest = lowest.min(r));
    }
    for e in state.network() {
        e.message
            .round()
            .into_iter()
            .for_each(|r| lowest = lowest.min(r));
    }
    let by = lowest.saturating_sub(1);
    let mut state = state.clone();
    for p in 0..state.len() {
        state.edit_process(p, |p| p.lower(by));
    }
    state.edit_messages(|e| e.message = e.message.lowered(by));
    (state, by)
}

// ANCHOR: stage
/// One stage: breadth-first over schedules without `e`, the first σ with e(σ(C))
/// bivalent, as steps, and the lengths of the runs to each decision from there.
#[allow(clippy::type_complexity)]
fn stage(
    s: &Processes<Voter>,
    c: &Global<Voter>,
    e: &Envelope<Voter>,
    bounds: Bounds,
) -> Option<(Vec<(Step<Voter>, Global<Voter>)>, (usize, usize))> {
    let mut parent: HashMap<Global<Voter>, Option<(Step<Voter>, Global<Voter>)>> =
        HashMap::new();
    parent.insert(c.clone(), None);
    let mut queue = VecDeque::from([c.clone()]);
    let mut tried = 0;
    while let Some(x) = queue.pop_front() {
        tried += 1;
        if tried > bounds.schedules {
            return None;
        }
        let after = deliver(s, &x, e);
        let valence = Valence::of(s, &after.1, bounds.valence);
        if let (Reach::Yes(zero), Reach::Yes(one)) = (&valence.zero, &valence.one) {
            let mut steps = vec![after];
            let mut at = x;
            while let Some(Some((step, prev))) = parent.get(&at) {
                steps.push((step.clone(), at.clone()));
                at = prev.clone();
            }
            steps.reverse();
            return Some((steps, (zero.len() - 1, one.len() - 1)));
        }
        let mut out = Vec::new();
        s.successors(&x, &mut out);
        for (step, next) in out {
            let Step::Deliver(d, _) = &step else { continue };
            if d == e || parent.contains_key(&next) {
                continue;
            }
            parent.insert(next.clone(), Some((step, x.clone())));
            queue.push_back(next);
        }
    }
    None
}
// ANCHOR_END: stage
