//! Partial-order reduction for systems of processes: a depth-first search that explores,
//! of all the orders in which independent steps can happen, one.
//!
//! Two steps are *independent* when neither can enable or disable the other and, taken
//! in either order, they lead to the same state. Steps at different processes are
//! independent — Fischer, Lynch and Paterson's Lemma 1 (JACM 32(2), 1985) — unless the
//! invariants can tell their order apart. An invariant reads a *view* of each process
//! (by default its outputs and disk) and the clients' history; a step that changes one of
//! them is *visible*, and visible steps are treated as dependent on one another, so that
//! every sequence of views any execution produces is produced by an explored one. An
//! execution is then equivalent (Mazurkiewicz) to every execution that reorders
//! independent adjacent steps, and the search needs one execution of each class.
//!
//! Which reorderings matter is found as the search runs: source-set dynamic partial-order
//! reduction with sleep sets (Abdulla, Aronis, Jonsson & Sagonas, "Optimal dynamic partial
//! order reduction", POPL 2014, Algorithm 1), after Flanagan & Godefroid ("Dynamic
//! partial-order reduction for model checking software", POPL 2005). When a step is about
//! to be taken, every earlier step it *races* with — dependent, not ordered by
//! happens-before through other steps, and not the step that enabled it — is a point where
//! the other order must also be tried; the search adds there a step that starts that other
//! order. The algorithm is proved for processes with one next step each; here a process has
//! one for each message in flight to it, and four details adapt it: a step disabled (or
//! made to change nothing) by the step taken is tried where both were enabled; steps
//! blocked by a crash are raced as if enabled; steps that change nothing are skipped; and a
//! step that leads back to a state on the current path is raced, then dropped, and every
//! step of the state it leaves but those asleep is explored (the cycle proviso of Peled,
//! "All from one, one for all", CAV 1993). With clients, every step is visible.
//!
//! The search is *stateful*: it stops at a state it has explored to the end before, unless
//! a step asleep then is awake now (the orders that step starts were not tried from there:
//! the state is explored again with the steps asleep now, and the table keeps as asleep
//! only the steps asleep both times). What lies beyond that state is summarized, after Yi,
//! Wang & Yang ("Stateful dynamic partial-order reduction", ICFEM 2006, LNCS 4260), by the
//! kinds of step taken from it or after it, or raced there untaken (blocked, or closing a
//! cycle) — the processes they happen at, whether visible, whether a crash — or by "every
//! kind" if the exploration led back onto its path. Each kind races, as if it were taken
//! next, with the last steps of the path it depends on; whether one of those happens before
//! it is not known, so every such race is taken as real, and where no step of the path can
//! start the other order, every step there is tried. The summaries cost states (more orders
//! than needed are explored) and save the steps a stateless search spends meeting a state
//! again for every execution that reaches it. The comparison with the full search
//! ([`compare`]) is the evidence for the adaptation.

use super::{Checker, Fingerprints, Report, Stop, Trace, Violation, fingerprint};
use crate::processes::{Global, Processes, Step};
use crate::system::System;
use process::{Process, ProcessId};
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::Instant;

/// What a reduced search covered and found.
pub struct Reduction<P: Process> {
    /// As a full search reports, except that the distinct states are those visited
    /// (at most the reachable ones), the states generated are the successors computed of
    /// the states expanded (a state met again with a step awake that was asleep is
    /// expanded again), and a violation's trace is the path that reached it.
    pub report: Report<Processes<P>>,
    /// Executions explored to a state with no step left; one that stops at a state
    /// explored before is not counted.
    pub executions: u64,
    /// States the search met with a step leading back to a state on its path. The
    /// reduction is proved for systems whose executions all end; with cycles, the cycle
    /// proviso is applied, but the comparison with the full search is the only evidence.
    pub cycles: u64,
    /// Steps that led to a state explored before with a step asleep then that is awake
    /// now, where the search explored it again.
    pub again: u64,
}

// ANCHOR: dependent
/// What a step touches, which decides what it commutes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Touch {
    /// The one process whose state, disk, timers and incoming messages the step reads
    /// or changes.
    at: ProcessId,
    /// Whether the step changes what the invariants read: the process's view, or the
    /// clients' history.
    visible: bool,
    /// Whether the step spends one of the crashes allowed (a shared budget).
    crash: bool,
}

/// Whether two steps may not commute: they happen at the same process, or the
/// invariants can tell their order apart, or one may use up the crash the other needs.
/// Otherwise they commute (FLP's Lemma 1). A step that enables another, by sending the
/// message it delivers, happens before it: the search follows such causes separately.
fn dependent(a: Touch, b: Touch) -> bool {
    a.at == b.at || (a.visible && b.visible) || (a.crash && b.crash)
}
// ANCHOR_END: dependent

/// A set of small numbers: steps of the path, or kinds of step (see [`Reach`]).
#[derive(Clone, Default)]
struct Steps(Vec<u64>);

impl Steps {
    fn insert(&mut self, i: usize) {
        if self.0.len() <= i / 64 {
            self.0.resize(i / 64 + 1, 0);
        }
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn intersects(&self, other: &Steps) -> bool {
        self.0.iter().zip(&other.0).any(|(w, o)| w & o != 0)
    }

    fn union(&mut self, other: &Steps) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (w, o) in self.0.iter_mut().zip(&other.0) {
            *w |= o;
        }
    }
}

/// The kinds of step (what they touch) taken from a state or from any state after it: what
/// a search that stops at the state again must race the path against. `every` when the
/// exploration led back onto its path, whose continuation it does not know.
#[derive(Clone, Default)]
struct Reach {
    every: bool,
    touches: Steps,
}

impl Reach {
    fn add(&mut self, t: Touch) {
        self.touches
            .insert(t.at * 4 + 2 * usize::from(t.visible) + usize::from(t.crash));
    }

    fn union(&mut self, other: &Reach) {
        self.every |= other.every;
        self.touches.union(&other.touches);
    }

    /// The touches, for `n` processes; with `every`, all of them. (Not one touch per
    /// process standing for all: the more steps of the path a touch depends on, the more
    /// of them happen before the last, and the fewer race with it.)
    fn touches(&self, n: usize) -> Vec<Touch> {
        (0..4 * n)
            .filter(|&i| self.every || self.touches.contains(i))
            .map(|i| Touch {
                at: i / 4,
                visible: i & 2 != 0,
                crash: i & 1 != 0,
            })
            .collect()
    }
}

/// A state explored to the end: the steps asleep when it was and the steps that change
/// something there (by fingerprint, sorted), and what its exploration reached.
struct Explored {
    asleep: Vec<u64>,
    enabled: Vec<u64>,
    reach: Reach,
}

/// A step taken on the current path.
struct Event<P: Process> {
    step: Step<P>,
    touch: Touch,
    /// The steps that happen before it.
    past: Steps,
}

/// Which step of the path created each thing in flight, so that a step's cause is known.
#[derive(Clone)]
struct Causes {
    /// The step that sent each message in flight (parallel to the network).
    senders: Vec<Option<usize>>,
    /// The step that set each timer (parallel to each process's timers).
    setters: Vec<Vec<Option<usize>>>,
    /// The step that crashed, or restarted, each process last.
    crashed: Vec<Option<usize>>,
    restarted: Vec<Option<usize>>,
    /// The step that last changed each client's operations.
    answered: Vec<Option<usize>>,
    /// The step that last delivered or lost a message on each channel (`from * n + to`
    /// for `n` processes): with FIFO channels, the step that let the next message on it
    /// be delivered.
    cleared: Vec<Option<usize>>,
}

/// A state on the current path and what the search has done from it.
struct Frame<P: Process> {
    state: Global<P>,
    causes: Causes,
    /// The successors, without those that change nothing.
    successors: Vec<(Step<P>, Global<P>)>,
    touches: Vec<Touch>,
    /// The successors to explore; `done` those explored or being explored.
    backtrack: Vec<bool>,
    done: Vec<bool>,
    /// Steps whose orders with what follows are already covered by an explored sibling.
    sleep: Vec<(Step<P>, Touch)>,
    /// The steps asleep on arrival, by fingerprint, sorted.
    asleep: Vec<u64>,
    /// What the exploration from here has reached so far.
    reach: Reach,
    /// The successor being explored.
    taken: Option<usize>,
    /// Every step that changes something, by fingerprint, sorted: a step that changed
    /// something in the state before and nothing here was disabled by the step between.
    enabled: Vec<u64>,
}

/// What the invariants read of process `p` in a state, as a hash: by default, its outputs
/// and its disk. A view must read nothing but process `p`'s own state, disk and
/// outputs, and every invariant and `sometimes` property must read nothing but the
/// views, the clients' history and what no step changes.
pub fn outputs_and_disk<P: Process>(state: &Global<P>, p: ProcessId) -> u64 {
    fingerprint(&(state.outputs(p), state.storage(p)))
}

/// The first position of `item` among `items` not yet `used`.
fn unused<T: PartialEq>(items: &[T], used: &[bool], item: &T) -> Option<usize> {
    (0..items.len()).find(|&i| !used[i] && items[i] == *item)
}

/// The causes of what is in `after`: those of `before` for what was there (one copy of
/// `consumed` excepted), step `now` for the rest.
fn carried<T: PartialEq>(
    before: &[T],
    causes: &[Option<usize>],
    after: &[T],
    consumed: Option<&T>,
    now: usize,
) -> Vec<Option<usize>> {
    let mut used = vec![false; before.len()];
    if let Some(i) = consumed.and_then(|c| unused(before, &used, c)) {
        used[i] = true;
    }
    after
        .iter()
        .map(|item| match unused(before, &used, item) {
            Some(i) => {
                used[i] = true;
                causes[i]
            }
            None => Some(now),
        })
        .collect()
}

impl<'a, P: Process> Checker<'a, Processes<P>> {
    /// Explores the reachable states with partial-order reduction, by depth-first search
    /// on one thread, and reports: the same verdict as [`Checker::run`], and the same
    /// values of the views, when every invariant reads only the views `view` computes
    /// (see [`outputs_and_disk`]), the clients' history and what no step changes. The
    /// distinct states it counts are those it visited, at most the reachable ones; a
    /// violation's trace is the path that reached it, not necessarily a shortest one.
    /// Symmetry is not applied. With FIFO channels, a delivery is enabled by its message's
    /// sender and by the step that took the message before it off its channel. Panics
    /// unless the system keeps dead messages ([`Processes::keep_dead`]): the delivery of a
    /// dropped one would have raced with the step that killed it, and without it that
    /// race, and the order it stands for, go unexplored. Panics under a bound of depth
    /// ([`Checker::max_depth`]): a state whose exploration the bound cut is not explored to
    /// the end, and within a bound an execution reordered to skip an order may be longer
    /// than the bound, so the states the bound leaves in reach are not all visited.
    pub fn run_reduced(
        &self,
        view: &(dyn Fn(&Global<P>, ProcessId) -> u64 + Sync),
    ) -> Reduction<P> {
        assert!(
            self.system.keep_dead,
            "the reduced search needs dead messages kept in flight"
        );
        assert!(
            self.max_depth.is_none(),
            "the reduced search takes no bound of depth"
        );
        let started = Instant::now();
        let mut search = Reduced {
            checker: self,
            view,
            seen: Fingerprints::default(),
            explored: HashMap::new(),
            reached: vec![false; self.sometimes.len()],
            generated: 0,
            depth: 0,
            stopped: None,
            started,
            taken: 0,
            executions: 0,
            cycles: 0,
            again: 0,
        };
        for state in self.system.initial() {
            search.generated += 1;
            if let Some(report) = search.explore(state) {
                return report;
            }
        }
        search.report(None)
    }
}

/// A reduced search under way.
struct Reduced<'c, 'a, P: Process> {
    checker: &'c Checker<'a, Processes<P>>,
    view: &'c (dyn Fn(&Global<P>, ProcessId) -> u64 + Sync),
    seen: Fingerprints,
    /// The states explored to the end, by fingerprint.
    explored: HashMap<u64, Explored>,
    reached: Vec<bool>,
    generated: usize,
    depth: usize,
    stopped: Option<Stop>,
    started: Instant,
    /// Steps taken.
    taken: u64,
    /// Executions explored to their end.
    executions: u64,
    /// States met with a step leading back onto the path.
    cycles: u64,
    /// Steps that led to a state explored before, which was explored again.
    again: u64,
}

impl<P: Process> Reduced<'_, '_, P> {
    fn report(&self, bad: Option<(String, Trace<Processes<P>>)>) -> Reduction<P> {
        let violation = bad.map(|(invariant, trace)| Violation { invariant, trace });
        let mut report = self.checker.report(
            self.started,
            &self.reached,
            self.seen.len(),
            self.generated,
            self.depth,
            self.stopped,
            None,
        );
        report.complete = self.stopped.is_none() && violation.is_none();
        report.violation = violation;
        Reduction {
            report,
            executions: self.executions,
            cycles: self.cycles,
            again: self.again,
        }
    }

    /// What step `step` from `state` to `next` touches.
    fn touch(&self, state: &Global<P>, step: &Step<P>, next: &Global<P>) -> Touch {
        let at = match step {
            Step::Deliver(e, _) | Step::Lose(e) | Step::Duplicate(e, _) => e.to,
            Step::Fire(p, _, _) | Step::Crash(p) | Step::Restart(p, _) => *p,
            Step::Invoke(c, _) => {
                (self.checker.system.next_request(state, *c)).map_or(0, |(p, _)| p)
            }
        };
        // With clients, any step may answer one, and an answer ignored in one order is
        // recorded in another: every step is then taken as visible.
        let visible = !self.checker.system.clients.is_empty()
            || state.history() != next.history()
            || (self.view)(state, at) != (self.view)(next, at);
        Touch {
            at,
            visible,
            crash: matches!(step, Step::Crash(_)),
        }
    }

    /// The steps of the path that enabled `step` from a state with `causes`: the one
    /// that made what it takes, and, with FIFO channels, for a delivery, the one that
    /// took the message before it off its channel.
    fn enablers(
        &self,
        state: &Global<P>,
        causes: &Causes,
        step: &Step<P>,
    ) -> [Option<usize>; 2] {
        match step {
            Step::Deliver(e, _) | Step::Lose(e) | Step::Duplicate(e, _) => {
                let sender = (state.network().position(|f| f == e))
                    .and_then(|i| causes.senders[i]);
                // Only a delivery waits for its channel: any message may be lost.
                let waits =
                    self.checker.system.faults.fifo && matches!(step, Step::Deliver(..));
                let cleared = waits.then(|| causes.cleared[e.from * state.len() + e.to]);
                [sender, cleared.flatten()]
            }
            Step::Fire(p, t, _) => {
                let i = state.timers(*p).iter().position(|u| u == t);
                [i.and_then(|i| causes.setters[*p][i]), None]
            }
            Step::Crash(p) => [causes.restarted[*p], None],
            Step::Restart(p, _) => [causes.crashed[*p], None],
            Step::Invoke(c, _) => [causes.answered[*c], None],
        }
    }

    /// A frame for `state`, reached with `sleep` asleep (`asleep`: their fingerprints,
    /// sorted); an error if a bound of states stopped the search or an invariant fails.
    /// Checks the state's invariants the first time it is seen.
    fn enter(
        &mut self,
        state: Global<P>,
        causes: Causes,
        sleep: Vec<(Step<P>, Touch)>,
        asleep: Vec<u64>,
        path: &[Frame<P>],
    ) -> Result<Frame<P>, Box<Reduction<P>>> {
        let print = fingerprint(&state);
        if self.seen.insert(print) {
            if let Some(invariant) = self.checker.violated(&state, &mut self.reached) {
                return Err(Box::new(
                    self.report(Some((invariant, self.trace(path, state)))),
                ));
            }
            if let Some(max) = self.checker.max_states.filter(|&m| self.seen.len() >= m) {
                self.stopped = Some(Stop::States(max));
                return Err(Box::new(self.report(None)));
            }
        }
        let mut successors = Vec::new();
        self.depth = self.depth.max(path.len() + 1);
        self.checker.system.successors(&state, &mut successors);
        self.generated += successors.len();
        successors.retain(|(_, next)| *next != state);
        let mut enabled: Vec<u64> =
            successors.iter().map(|(s, _)| fingerprint(s)).collect();
        enabled.sort_unstable();
        let touches = (successors.iter())
            .map(|(step, next)| self.touch(&state, step, next))
            .collect();
        let n = successors.len();
        Ok(Frame {
            state,
            causes,
            successors,
            touches,
            backtrack: vec![false; n],
            done: vec![false; n],
            sleep,
            asleep,
            reach: Reach::default(),
            taken: None,
            enabled,
        })
    }

    /// The path to `last`, as a trace.
    fn trace(&self, path: &[Frame<P>], last: Global<P>) -> Trace<Processes<P>> {
        let mut trace = Vec::new();
        let mut step = None;
        for frame in path {
            trace.push((step, frame.state.clone()));
            step = frame.taken.map(|i| frame.successors[i].0.clone());
        }
        trace.push((step, last));
        trace
    }

    /// Explores everything the reduction needs from the initial state `initial`.
    fn explore(&mut self, initial: Global<P>) -> Option<Reduction<P>> {
        let n = initial.len();
        let causes = Causes {
            senders: vec![None; initial.network().len()],
            setters: (0..n)
                .map(|p| vec![None; initial.timers(p).len()])
                .collect(),
            crashed: vec![None; n],
            restarted: vec![None; n],
            answered: vec![None; self.checker.system.clients.len()],
            cleared: vec![None; n * n],
        };
        let mut path: Vec<Frame<P>> = Vec::new();
        let mut events: Vec<Event<P>> = Vec::new();
        let mut on_path: Vec<u64> = Vec::new();
        match self.enter(initial, causes, Vec::new(), Vec::new(), &path) {
            Ok(frame) => {
                on_path.push(fingerprint(&frame.state));
                path.push(frame);
                self.open(&mut path, &events, &on_path);
            }
            Err(report) => return Some(*report),
        }
        while let Some(frame) = path.last_mut() {
            let next = (0..frame.successors.len()).find(|&i| {
                frame.backtrack[i]
                    && !frame.done[i]
                    && !frame.sleep.iter().any(|(s, _)| *s == frame.successors[i].0)
            });
            let Some(i) = next else {
                if frame.successors.is_empty() {
                    self.executions += 1;
                }
                let frame = path.pop().expect("a frame is open");
                let reach = self.finish(frame, on_path.pop().expect("one print a frame"));
                events.pop();
                Self::returned(&mut path, &reach);
                continue;
            };
            self.taken += 1;
            if let Some(max) = self.checker.max_time
                && self.taken.is_multiple_of(256)
                && self.started.elapsed() >= max
            {
                self.stopped = Some(Stop::Time(max));
                return Some(self.report(None));
            }
            if let Some(max) = self.checker.max_steps.filter(|&max| self.generated >= max)
            {
                self.stopped = Some(Stop::Steps(max));
                return Some(self.report(None));
            }
            frame.done[i] = true;
            frame.taken = Some(i);
            frame.reach.add(frame.touches[i]);
            let (step, touch) = (frame.successors[i].0.clone(), frame.touches[i]);
            let event = self.event(&path, &events, step, touch);
            self.race(&mut path, &events, &event);
            let frame = path.last().expect("a frame is open");
            let (step, next) = frame.successors[i].clone();
            let touch = frame.touches[i];
            let sleep: Vec<_> = (frame.sleep.iter())
                .filter(|(_, t)| !dependent(*t, touch))
                .cloned()
                .collect();
            let mut asleep: Vec<u64> =
                sleep.iter().map(|(s, _)| fingerprint(s)).collect();
            asleep.sort_unstable();
            let print = fingerprint(&next);
            // A state explored before, with no step asleep then that is awake now: what
            // lies beyond it is known, and only its races with this path are new.
            let known = self.explored.get(&print);
            let asleep_then =
                |e: &&Explored| e.asleep.iter().all(|s| asleep.binary_search(s).is_ok());
            if let Some(known) = known.filter(asleep_then) {
                Self::disabled(
                    path.last_mut().expect("a frame is open"),
                    i,
                    &known.enabled,
                );
                events.push(event);
                Self::race_beyond(&mut path, &events, &known.reach);
                events.pop();
                Self::returned(&mut path, &known.reach);
                continue;
            }
            self.again += u64::from(known.is_some());
            let causes = self.caused(frame, &step, &next, events.len());
            events.push(event);
            match self.enter(next, causes, sleep, asleep, &path) {
                Ok(child) => {
                    let parent = path.last_mut().expect("a frame is open");
                    Self::disabled(parent, i, &child.enabled);
                    on_path.push(print);
                    path.push(child);
                    self.open(&mut path, &events, &on_path);
                }
                Err(report) => return Some(*report),
            }
        }
        None
    }

    /// Opens the last frame of `path`: checks for races the steps that are blocked there
    /// (a message to a crashed process; a crash with none left to spend) and the steps
    /// that lead back onto the path, which are then dropped; and chooses the first step
    /// to explore — every step if one led back (the cycle proviso), else the first not
    /// asleep.
    fn open(&mut self, path: &mut [Frame<P>], events: &[Event<P>], on_path: &[u64]) {
        let frame = path.last().expect("a frame is open");
        let mut pending = self.blocked(&frame.state);
        let mut keep = Vec::new();
        for (i, (step, next)) in frame.successors.iter().enumerate() {
            let closes = on_path.contains(&fingerprint(next));
            if closes {
                pending.push((step.clone(), frame.touches[i]));
            }
            keep.push(!closes);
        }
        let cycle = keep.contains(&false);
        self.cycles += u64::from(cycle);
        let frame = path.last_mut().expect("a frame is open");
        frame.reach.every |= cycle;
        for (_, touch) in &pending {
            frame.reach.add(*touch);
        }
        for (step, touch) in pending {
            let event = self.event(path, events, step, touch);
            self.race(path, events, &event);
        }
        let frame = path.last_mut().expect("a frame is open");
        let mut k = keep.iter();
        frame
            .successors
            .retain(|_| *k.next().expect("one flag each"));
        let mut k = keep.iter();
        frame.touches.retain(|_| *k.next().expect("one flag each"));
        let n = frame.successors.len();
        frame.backtrack.truncate(n);
        frame.done.truncate(n);
        if cycle {
            frame.backtrack.iter_mut().for_each(|b| *b = true);
        } else if let Some(i) = (0..n)
            .find(|&i| !frame.sleep.iter().any(|(s, _)| *s == frame.successors[i].0))
        {
            frame.backtrack[i] = true;
        }
    }

    /// The steps that would be enabled in `state` but for a crash: the delivery of each
    /// message to a crashed process, and, once no crash is left to spend, the crash of
    /// each running process that may crash. They race like enabled steps (taken as
    /// visible, which can only add races).
    fn blocked(&self, state: &Global<P>) -> Vec<(Step<P>, Touch)> {
        let faults = &self.checker.system.faults;
        let mut blocked = Vec::new();
        let waiting = (state.network().enumerate())
            .filter(|(i, e)| !state.is_up(e.to) && state.deliverable(*i, faults.fifo));
        for (_, e) in waiting {
            let touch = Touch {
                at: e.to,
                visible: true,
                crash: false,
            };
            blocked.push((Step::Deliver(e.clone(), Vec::new()), touch));
        }
        if faults.crashes > 0 && state.crashes() >= faults.crashes {
            for q in 0..state.len() {
                if state.is_up(q) && faults.may_crash(q) {
                    let touch = Touch {
                        at: q,
                        visible: false,
                        crash: true,
                    };
                    blocked.push((Step::Crash(q), touch));
                }
            }
        }
        blocked
    }

    /// Adds to `parent`'s steps to explore those dependent on its step `i` that `i`
    /// disabled (a message lost cannot be delivered; a crashed process takes no step):
    /// the other order starts with them.
    fn disabled(parent: &mut Frame<P>, i: usize, enabled: &[u64]) {
        let touch = parent.touches[i];
        for j in 0..parent.successors.len() {
            let step = &parent.successors[j].0;
            if j != i
                && dependent(parent.touches[j], touch)
                && enabled.binary_search(&fingerprint(step)).is_err()
                && !parent.sleep.iter().any(|(s, _)| s == step)
            {
                parent.backtrack[j] = true;
            }
        }
    }

    /// `step`, with `touch`, taken from the last frame, as an event: what happens before
    /// it.
    fn event(
        &self,
        path: &[Frame<P>],
        events: &[Event<P>],
        step: Step<P>,
        touch: Touch,
    ) -> Event<P> {
        let frame = path.last().expect("a frame is open");
        let mut past = Steps::default();
        let enablers = self.enablers(&frame.state, &frame.causes, &step);
        for (k, e) in events.iter().enumerate() {
            if dependent(e.touch, touch) || enablers.contains(&Some(k)) {
                past.union(&e.past);
                past.insert(k);
            }
        }
        Event { step, touch, past }
    }

    /// Notes, for every earlier step `event` races with, the other order as one to
    /// explore: a step that starts it is added to the backtrack set where that step was
    /// taken, unless one already is.
    fn race(&self, path: &mut [Frame<P>], events: &[Event<P>], event: &Event<P>) {
        let frame = path.last().expect("a frame is open");
        let enablers = self.enablers(&frame.state, &frame.causes, &event.step);
        let enabled_by = |k: usize| enablers.contains(&Some(k));
        // The steps `event` depends on directly, and those before them.
        let direct: Vec<usize> = (0..events.len())
            .filter(|&k| dependent(events[k].touch, event.touch) || enabled_by(k))
            .collect();
        let mut indirect = Steps::default();
        for &k in &direct {
            indirect.union(&events[k].past);
        }
        for &k in &direct {
            if enabled_by(k) || indirect.contains(k) {
                continue;
            }
            Self::reverse(path, events, k, Some(event));
        }
    }

    /// Races the path against the steps beyond a state explored before: each kind of step
    /// `reach` holds races, as if it were taken next, with the last steps of the path it
    /// depends on (all of them, as whether one happens before it is not known).
    fn race_beyond(path: &mut [Frame<P>], events: &[Event<P>], reach: &Reach) {
        let mut racing = Steps::default();
        for t in reach.touches(path[0].state.len()) {
            let mut covered = Steps::default();
            for k in (0..events.len()).rev() {
                if dependent(events[k].touch, t) && !covered.contains(k) {
                    racing.insert(k);
                    covered.union(&events[k].past);
                }
            }
        }
        for k in (0..events.len()).filter(|&k| racing.contains(k)) {
            Self::reverse(path, events, k, None);
        }
    }

    /// Adds, where the path's step `k` was taken, a step that starts the other order of
    /// its race with `event` (or with a step beyond the path, `None`), unless one is
    /// already there.
    fn reverse(
        path: &mut [Frame<P>],
        events: &[Event<P>],
        k: usize,
        event: Option<&Event<P>>,
    ) {
        // The steps after k not caused by it, then `event`: those without a predecessor
        // among them can start the other order.
        let mut later = Steps::default();
        for j in (k + 1..events.len()).filter(|&j| !events[j].past.contains(k)) {
            later.insert(j);
        }
        let mut starts: Vec<&Step<P>> = (k + 1..events.len())
            .filter(|&j| later.contains(j) && !events[j].past.intersects(&later))
            .map(|j| &events[j].step)
            .collect();
        if let Some(event) = event
            && !event.past.intersects(&later)
        {
            starts.push(&event.step);
        }
        let at = &mut path[k];
        let found: Vec<usize> = starts
            .iter()
            .filter_map(|s| at.successors.iter().position(|(t, _)| t == *s))
            .collect();
        if found.iter().any(|&j| at.backtrack[j]) {
            return;
        }
        match found.first() {
            Some(&j) => at.backtrack[j] = true,
            // No start is a step there (a blocked step, one that changed nothing, or,
            // beyond the path, one not known): try every step.
            None => at.backtrack.iter_mut().for_each(|b| *b = true),
        }
    }

    /// Records `frame`, with fingerprint `print`, as explored to the end, and returns what
    /// the explorations of its state have reached.
    fn finish(&mut self, frame: Frame<P>, print: u64) -> Reach {
        let explored = self.explored.entry(print).or_insert_with(|| Explored {
            asleep: frame.asleep.clone(),
            enabled: frame.enabled,
            reach: Reach::default(),
        });
        // Explored again with fewer steps asleep: only those asleep both times were not.
        (explored.asleep).retain(|s| frame.asleep.binary_search(s).is_ok());
        explored.reach.union(&frame.reach);
        explored.reach.clone()
    }

    /// The step the last frame of `path` took is explored, and reached `reach`: it now
    /// sleeps in its siblings.
    fn returned(path: &mut [Frame<P>], reach: &Reach) {
        if let Some(parent) = path.last_mut()
            && let Some(j) = parent.taken.take()
        {
            parent.reach.union(reach);
            let asleep = (parent.successors[j].0.clone(), parent.touches[j]);
            parent.sleep.push(asleep);
        }
    }

    /// The causes in `next`, reached from `frame` by `step`, the path's step `now`.
    fn caused(
        &self,
        frame: &Frame<P>,
        step: &Step<P>,
        next: &Global<P>,
        now: usize,
    ) -> Causes {
        let before = &frame.state;
        let consumed = match step {
            Step::Deliver(e, _) | Step::Lose(e) => Some(e),
            _ => None,
        };
        let c = &frame.causes;
        let (sent, sending): (Vec<_>, Vec<_>) =
            (before.network().collect(), next.network().collect());
        let senders = carried(&sent, &c.senders, &sending, consumed.as_ref(), now);
        let setters = (0..before.len())
            .map(|p| carried(before.timers(p), &c.setters[p], next.timers(p), None, now))
            .collect();
        let mut causes = Causes {
            senders,
            setters,
            crashed: c.crashed.clone(),
            restarted: c.restarted.clone(),
            answered: c.answered.clone(),
            cleared: c.cleared.clone(),
        };
        match step {
            Step::Crash(p) => causes.crashed[*p] = Some(now),
            Step::Restart(p, _) => causes.restarted[*p] = Some(now),
            Step::Deliver(e, _) | Step::Lose(e) => {
                causes.cleared[e.from * before.len() + e.to] = Some(now);
            }
            _ => {}
        }
        for (client, answered) in causes.answered.iter_mut().enumerate() {
            let ops = |g: &Global<P>| {
                (g.history().operations.iter())
                    .filter(|op| op.client == client)
                    .map(|op| !op.is_open())
                    .collect::<Vec<_>>()
            };
            if ops(before) != ops(next) {
                *answered = Some(now);
            }
        }
        causes
    }
}

/// A full search and a reduced one of the same system side by side: what each found, and
/// the values `read` took over the states each explored.
pub struct Comparison<T, P: Process> {
    /// The full search's report.
    pub full: Report<Processes<P>>,
    /// The reduced search's report.
    pub reduced: Reduction<P>,
    /// The values `read` took in the states the full search reached.
    pub full_values: BTreeSet<T>,
    /// The values `read` took in the states the reduced search visited.
    pub reduced_values: BTreeSet<T>,
}

impl<T, P: Process> Comparison<T, P> {
    /// Whether both searches are complete and agree: no violation in either, and the
    /// same values read; or a violation in both.
    pub fn agree(&self) -> bool
    where
        T: PartialEq,
    {
        match (&self.full.violation, &self.reduced.report.violation) {
            (None, None) => {
                self.full.complete
                    && self.reduced.report.complete
                    && self.full_values == self.reduced_values
            }
            (Some(_), Some(_)) => true,
            _ => false,
        }
    }
}

/// `checker` recording `read` of every state it checks into `values` — first, so that a
/// state that breaks an invariant is recorded too.
fn recording<'b, P: Process, T: Ord + Send>(
    mut checker: Checker<'b, Processes<P>>,
    read: &'b (dyn Fn(&Global<P>) -> T + Sync),
    values: &'b Mutex<BTreeSet<T>>,
) -> Checker<'b, Processes<P>> {
    let record = move |s: &Global<P>| {
        let mut values = values.lock().unwrap_or_else(|e| e.into_inner());
        values.insert(read(s));
        true
    };
    checker
        .invariants
        .insert(0, ("(recorded)".to_owned(), Box::new(record)));
    checker
}

/// Runs the checker `make` builds, in full and with the reduction (views `view`),
/// recording what `read` reads of every state each explores.
pub fn compare<'a, P: Process, T: Ord + Send>(
    make: impl Fn() -> Checker<'a, Processes<P>>,
    view: &(dyn Fn(&Global<P>, ProcessId) -> u64 + Sync),
    read: impl Fn(&Global<P>) -> T + Sync,
) -> Comparison<T, P> {
    let (full_values, reduced_values) =
        (Mutex::new(BTreeSet::new()), Mutex::new(BTreeSet::new()));
    let full = recording(make(), &read, &full_values).run();
    let reduced = recording(make(), &read, &reduced_values).run_reduced(view);
    let values =
        |m: Mutex<BTreeSet<T>>| m.into_inner().unwrap_or_else(|e| e.into_inner());
    let (full_values, reduced_values) = (values(full_values), values(reduced_values));
    Comparison {
        full,
        reduced,
        full_values,
        reduced_values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit::managers;
    use crate::processes::Faults;
    use process::{ClientId, Context};
    use std::time::Duration;

    fn commit(
        rms: usize,
        hasty: bool,
        faults: Faults,
    ) -> Processes<crate::commit::Manager> {
        Processes::new(managers(rms, hasty), faults).keeping_dead(true)
    }

    #[test]
    fn two_phase_commit_reduced_reads_what_the_full_search_reads() {
        for faults in [
            Faults::default(),
            Faults {
                loss: true,
                ..Faults::default()
            },
            Faults {
                duplication: true,
                ..Faults::default()
            },
            Faults {
                fifo: true,
                loss: true,
                ..Faults::default()
            },
        ] {
            for rms in 1..=3 {
                let system = commit(rms, false, faults);
                let c = compare(
                    || crate::commit::checker(&system),
                    &outputs_and_disk,
                    |s| fingerprint(&s.all_outputs().collect::<Vec<_>>()),
                );
                assert!(
                    c.agree(),
                    "{rms} RMs, {faults:?}: {} {} {:?} {:?} {} {}",
                    c.full.complete,
                    c.reduced.report.complete,
                    c.full.stopped,
                    c.reduced.report.stopped,
                    c.full_values.len(),
                    c.reduced_values.len()
                );
                assert!(
                    c.reduced.report.distinct < c.full.distinct || rms == 1,
                    "{rms} {faults:?}"
                );
                eprintln!(
                    "{rms} {faults:?}: {} of {}",
                    c.reduced.report.distinct, c.full.distinct
                );
            }
        }
    }

    /// Whether the reduced search of `initial` under `faults`, with `clients`, visits
    /// every combination of outputs, disks and history the full search reaches.
    fn reads_everything<P: Process>(
        initial: Vec<P>,
        faults: Faults,
        clients: Vec<Vec<(ProcessId, P::Request)>>,
    ) -> bool {
        let system = Processes::new(initial, faults)
            .with_clients(clients)
            .keeping_dead(true);
        let c = compare(
            || Checker::new(&system),
            &outputs_and_disk,
            |s| {
                let outputs: Vec<_> = s.all_outputs().collect();
                let disks: Vec<_> = s.all_storage().collect();
                fingerprint(&(outputs, disks, s.history()))
            },
        );
        c.agree()
    }

    /// The cases a review found: each a small system in which a step is disabled, or made
    /// pointless, by another in a way the races alone would miss.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    enum Case {
        /// Process 0 beats (outputs once, then re-arms its timer) while it leads; process
        /// 1 demotes it. Once demoted, a beat changes nothing.
        Beat { leads: bool, beaten: bool },
        /// Process 1's timer sends "hi" to process 0, which outputs it, once.
        Hi { said: bool },
        /// Each recovery is counted on disk and output.
        Recovers,
        /// A request to process 0 is forwarded to 1 and 2, and both answer the client.
        Forward,
        /// Process 0 sends m to process 1, which answers n; process 2 sends x, a flag, to
        /// process 0, which answers n with m again if flagged (a cycle), else outputs.
        Loop { flag: bool },
        /// Process 0 sends 1 then 2 to process 1, process 2 sends it 3, and process 1
        /// outputs each message it receives.
        Order,
    }

    /// The messages of [`Case::Loop`].
    const X: u8 = 0;
    const M: u8 = 1;
    const N: u8 = 2;

    impl Process for Case {
        type Message = u8;
        type Timer = ();
        type Request = ();
        type Response = u8;
        type Output = u8;
        type Storage = u8;

        fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
            match (self, ctx.id()) {
                (Case::Beat { .. }, 0) => ctx.set_timer((), Duration::ZERO),
                (Case::Beat { .. }, _) => ctx.send(0, 0),
                (Case::Hi { .. }, 1) => ctx.set_timer((), Duration::ZERO),
                (Case::Loop { .. }, 0) => ctx.send(1, M),
                (Case::Loop { .. }, 2) => ctx.send(0, X),
                (Case::Order, 0) => {
                    ctx.send(1, 1);
                    ctx.send(1, 2);
                }
                (Case::Order, 2) => ctx.send(1, 3),
                _ => {}
            }
        }

        fn on_recover(&mut self, storage: &u8, ctx: &mut Context<'_, Self>) {
            if let Case::Recovers = self {
                ctx.persist(storage + 1);
                ctx.output(storage + 1);
            }
        }

        fn on_request(&mut self, client: ClientId, _: (), ctx: &mut Context<'_, Self>) {
            ctx.send(1, client as u8);
            ctx.send(2, client as u8);
        }

        fn on_message(&mut self, _: ProcessId, m: u8, ctx: &mut Context<'_, Self>) {
            match self {
                Case::Beat { leads, .. } => *leads = false,
                Case::Hi { said } => {
                    if !*said {
                        *said = true;
                        ctx.output(m);
                    }
                }
                Case::Forward => ctx.respond(m as ClientId, ctx.id() as u8),
                Case::Loop { flag } => match m {
                    X => *flag = true,
                    M => ctx.send(0, N),
                    _ if *flag => ctx.send(1, M),
                    _ => ctx.output(m),
                },
                Case::Order => ctx.output(m),
                Case::Recovers => {}
            }
        }

        fn on_timer(&mut self, _: (), ctx: &mut Context<'_, Self>) {
            match self {
                Case::Beat { leads, beaten } => {
                    if *leads && !*beaten {
                        *beaten = true;
                        ctx.output(1);
                    }
                    ctx.set_timer((), Duration::ZERO);
                }
                Case::Hi { .. } => ctx.send(0, b'h'),
                _ => {}
            }
        }
    }

    #[test]
    fn a_step_made_pointless_by_another_is_tried_before_it() {
        let beat = Case::Beat {
            leads: true,
            beaten: false,
        };
        assert!(reads_everything(
            vec![beat.clone(), beat],
            Faults::default(),
            Vec::new()
        ));
    }

    #[test]
    fn a_message_to_a_crashed_process_races_with_the_crash() {
        for (loss, duplication) in [(false, false), (true, false), (false, true)] {
            let faults = Faults {
                loss,
                duplication,
                crashes: 1,
                ..Faults::default()
            };
            let hi = Case::Hi { said: false };
            assert!(reads_everything(vec![hi.clone(), hi], faults, Vec::new()));
        }
    }

    #[test]
    fn a_crash_with_none_left_to_spend_races_with_the_crash_that_spent_it() {
        let faults = Faults {
            crashes: 2,
            restarts: true,
            ..Faults::default()
        };
        let initial = vec![Case::Recovers, Case::Recovers];
        assert!(reads_everything(initial, faults, Vec::new()));
    }

    #[test]
    fn an_answer_a_client_ignores_in_one_order_is_its_answer_in_another() {
        let initial = vec![Case::Forward, Case::Forward, Case::Forward];
        assert!(reads_everything(
            initial,
            Faults::default(),
            vec![vec![(0, ())]]
        ));
    }

    #[test]
    fn a_step_that_closes_a_cycle_still_races() {
        let initial = vec![Case::Loop { flag: false }; 3];
        assert!(reads_everything(initial, Faults::default(), Vec::new()));
    }

    #[test]
    fn a_fifo_channel_enables_its_next_message() {
        let orders = |fifo: bool| {
            let system = Processes::new(
                vec![Case::Order; 3],
                Faults {
                    fifo,
                    ..Faults::default()
                },
            )
            .keeping_dead(true);
            let c = compare(
                || Checker::new(&system),
                &outputs_and_disk,
                |s| s.outputs(1).to_vec(),
            );
            assert!(c.agree(), "fifo: {fifo}");
            c.reduced_values
                .into_iter()
                .filter(|o| o.len() == 3)
                .count()
        };
        // 1 before 2, with 3 anywhere: three orders of six.
        assert_eq!((orders(true), orders(false)), (3, 6));
        for faults in [
            Faults {
                fifo: true,
                loss: true,
                ..Faults::default()
            },
            Faults {
                fifo: true,
                crashes: 1,
                restarts: true,
                ..Faults::default()
            },
        ] {
            assert!(
                reads_everything(vec![Case::Order; 3], faults, Vec::new()),
                "{faults:?}"
            );
        }
    }

    #[test]
    fn the_planted_bug_is_found_with_the_reduction() {
        let system = commit(3, true, Faults::default());
        let report = crate::commit::checker(&system)
            .run_reduced(&outputs_and_disk)
            .report;
        assert!(report.violation.is_some());
    }

    /// Within a bound of depth the reduced search would visit fewer of the states in reach
    /// than it says: it refuses one.
    #[test]
    #[should_panic(expected = "takes no bound of depth")]
    fn a_bound_of_depth_is_refused() {
        let system = commit(1, false, Faults::default());
        let _ = crate::commit::checker(&system)
            .max_depth(3)
            .run_reduced(&outputs_and_disk);
    }
}
