//! Exhaustive search of a system's reachable states, checking invariants.

use crate::system::System;

mod parallel;
pub mod reduction;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// The order of exploration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// Breadth-first: level by level, so a violation is reported with a shortest trace.
    BreadthFirst,
    /// Depth-first: one path to its end before the next; less memory for the frontier.
    DepthFirst,
}

/// The states a check explores unless told otherwise: about 1 GiB of fingerprints, and
/// more than any check of the book reaches.
pub const DEFAULT_MAX_STATES: usize = 100_000_000;

/// How long a check runs unless told otherwise.
pub const DEFAULT_MAX_TIME: Duration = Duration::from_secs(600);

/// Why a search stopped before it had explored every reachable state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// States at this depth (in levels) were not expanded.
    Depth(usize),
    /// This many distinct states were reached.
    States(usize),
    /// This much time had passed.
    Time(Duration),
    /// This many successors had been computed.
    Steps(usize),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Depth(levels) => {
                write!(f, "stopped at the depth bound of {levels} levels")
            }
            Stop::States(states) => write!(f, "stopped at the bound of {states} states"),
            Stop::Time(time) => {
                write!(f, "stopped at the time bound of {} s", time.as_secs())
            }
            Stop::Steps(steps) => write!(f, "stopped at the bound of {steps} steps"),
        }
    }
}

/// A named property of states of type `T`.
type Holds<'a, T> = (String, Box<dyn Fn(&T) -> bool + Sync + 'a>);

/// A named property of states: one every reachable state must have (an invariant), or one
/// some reachable state must have (Stateright's `sometimes`).
type Property<'a, S> = Holds<'a, <S as System>::State>;

/// Checks a system exhaustively, within optional bounds.
pub struct Checker<'a, S: System> {
    system: &'a S,
    invariants: Vec<Property<'a, S>>,
    sometimes: Vec<Property<'a, S>>,
    search: Search,
    symmetry: bool,
    threads: usize,
    max_depth: Option<usize>,
    max_states: Option<usize>,
    max_time: Option<Duration>,
    max_steps: Option<usize>,
}

/// A run of a system as the checker reports it: the initial state, then each action and
/// the state it leads to.
pub type Trace<S> = Vec<(Option<<S as System>::Action>, <S as System>::State)>;

/// The actions of `trace`, one a line, numbered from 1 and indented as the programs of
/// the book print them (`    3. Deliver(...)`), with `<- the loop` at step `loop_at`
/// if a lasso's loop starts there.
pub fn steps<A: std::fmt::Debug, T>(
    trace: &[(Option<A>, T)],
    loop_at: Option<usize>,
) -> String {
    let mut out = String::new();
    for (i, (action, _)) in trace.iter().enumerate().skip(1) {
        let mark = if Some(i) == loop_at {
            " <- the loop"
        } else {
            ""
        };
        match action {
            Some(action) => out.push_str(&format!("  {i:>3}. {action:?}{mark}\n")),
            None => out.push_str(&format!("  {i:>3}. (no action){mark}\n")),
        }
    }
    out
}

/// A state that breaks an invariant, and how to reach it.
#[derive(Clone, Debug)]
pub struct Violation<S: System> {
    /// The invariant's name.
    pub invariant: String,
    /// The initial state, then each action and the state it leads to.
    pub trace: Trace<S>,
}

/// What a check covered and found.
#[derive(Clone, Debug)]
pub struct Report<S: System> {
    /// Distinct states reached (up to symmetry, if on).
    pub distinct: usize,
    /// States generated: initial states plus every successor computed, repeats included
    /// (the count TLC reports as "states generated").
    pub generated: usize,
    /// The number of levels of the search: the initial states are level 1 (as TLC
    /// counts).
    pub depth: usize,
    /// Time taken.
    pub elapsed: Duration,
    /// Whether every reachable state was explored: false if a violation ended the search
    /// early or a bound stopped it.
    pub complete: bool,
    /// The [`sometimes`](Checker::sometimes) properties no state explored has: in a
    /// complete search, no reachable state. An invariant that holds where nothing
    /// happens proves nothing, so a check of safety names what must happen too.
    pub unreached: Vec<String>,
    /// The bound that stopped the search, if one did.
    pub stopped: Option<Stop>,
    /// The first violation found, if any.
    pub violation: Option<Violation<S>>,
}

impl<S: System> Report<S> {
    /// The same report, as one of a system `T` with the same states and actions (a
    /// system and its symmetric form, say).
    pub fn retyped<T: System<State = S::State, Action = S::Action>>(self) -> Report<T> {
        Report {
            distinct: self.distinct,
            generated: self.generated,
            depth: self.depth,
            elapsed: self.elapsed,
            complete: self.complete,
            unreached: self.unreached,
            stopped: self.stopped,
            violation: self.violation.map(|v| Violation {
                invariant: v.invariant,
                trace: v.trace,
            }),
        }
    }

    /// Distinct states per second.
    pub fn rate(&self) -> f64 {
        self.distinct as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Whether the check proved its invariants: every reachable state explored, none
    /// violating, every [`sometimes`](Checker::sometimes) property reached.
    pub fn proved(&self) -> bool {
        self.complete && self.unreached.is_empty()
    }

    /// What a program must print when no violation was found but nothing was proved, so
    /// that no reader takes a pass for a proof: a bound cut the search short, or the
    /// invariants held only because what they are about never happened. `None` when the
    /// check proved its invariants or found a violation.
    pub fn caveat(&self) -> Option<String> {
        if let Some(stop) = self.stopped {
            return Some(format!(
                "INCOMPLETE, {stop}: no violation among the {} states checked, but not every\n  \
                 reachable state was checked",
                self.distinct
            ));
        }
        (self.complete && !self.unreached.is_empty()).then(|| {
            format!(
                "VACUOUS: no reachable state has {}; the invariants hold only where nothing\n  \
                 they are about happens",
                self.unreached.join(", ")
            )
        })
    }
}

/// A hasher for states: fast, and mixed at the end so that every bit of a fingerprint
/// depends on every input word. It never returns 0, which marks the parent of an initial
/// state.
pub struct Fingerprinter(u64);

impl Default for Fingerprinter {
    fn default() -> Self {
        Fingerprinter(0x243f_6a88_85a3_08d3)
    }
}

impl Hasher for Fingerprinter {
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (x ^ (x >> 31)).max(1)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.word(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        let mut rest = [0u8; 8];
        rest[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.word(u64::from_le_bytes(rest) ^ (chunks.remainder().len() as u64) << 59);
    }
    fn write_u8(&mut self, n: u8) {
        self.word(n as u64);
    }
    fn write_u16(&mut self, n: u16) {
        self.word(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.word(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.word(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.word(n as u64);
    }
}

impl Fingerprinter {
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// A state's 64-bit fingerprint. Distinct states share one with probability about
/// `states² / 2^65` (about one in 370,000 for ten million states), the same trade TLC
/// makes.
pub fn fingerprint<T: Hash>(state: &T) -> u64 {
    let mut hasher = Fingerprinter::default();
    state.hash(&mut hasher);
    hasher.finish()
}

/// A map keyed by fingerprints, which need no hashing.
pub(crate) type Seen<V> = nohash_hasher::IntMap<u64, V>;

/// The parent of an initial state.
const ROOT: u64 = 0;

impl<'a, S: System> Checker<'a, S> {
    /// A breadth-first checker of `system` with no invariants or symmetry, bounded by
    /// [`DEFAULT_MAX_STATES`] and [`DEFAULT_MAX_TIME`].
    pub fn new(system: &'a S) -> Self {
        Checker {
            system,
            invariants: Vec::new(),
            sometimes: Vec::new(),
            search: Search::BreadthFirst,
            symmetry: false,
            threads: 1,
            max_depth: None,
            max_states: Some(DEFAULT_MAX_STATES),
            max_time: Some(DEFAULT_MAX_TIME),
            max_steps: None,
        }
    }

    /// Adds an invariant.
    pub fn invariant(
        mut self,
        name: &str,
        holds: impl Fn(&S::State) -> bool + Sync + 'a,
    ) -> Self {
        self.invariants.push((name.to_owned(), Box::new(holds)));
        self
    }

    /// Adds a property some reachable state must have: a witness that the search
    /// reaches what the invariants are about (a value chosen, a read answered), so that
    /// they cannot hold vacuously. [`Report::unreached`] lists those no state had.
    pub fn sometimes(
        mut self,
        name: &str,
        holds: impl Fn(&S::State) -> bool + Sync + 'a,
    ) -> Self {
        self.sometimes.push((name.to_owned(), Box::new(holds)));
        self
    }

    /// Sets the order of exploration.
    pub fn search(mut self, search: Search) -> Self {
        self.search = search;
        self
    }

    /// Explores one representative of each symmetry class ([`System::canonical`]).
    pub fn symmetry(mut self, on: bool) -> Self {
        self.symmetry = on;
        self
    }

    /// Searches breadth-first on `threads` threads (at least one; at most 64). The report
    /// is the one-thread search's, except for the time taken and, under a time bound,
    /// where the search stops. A depth-first search runs on one thread.
    pub fn threads(mut self, threads: usize) -> Self {
        assert!((1..=64).contains(&threads), "between 1 and 64 threads");
        self.threads = threads;
        self
    }

    /// Explores no state deeper than `levels` (the initial states are level 1).
    pub fn max_depth(mut self, levels: usize) -> Self {
        self.max_depth = Some(levels);
        self
    }

    /// Stops after `states` distinct states (at least one).
    pub fn max_states(mut self, states: usize) -> Self {
        assert!(states > 0, "a search of no states checks nothing");
        self.max_states = Some(states);
        self
    }

    /// Stops after `time`.
    pub fn max_time(mut self, time: Duration) -> Self {
        self.max_time = Some(time);
        self
    }

    /// Stops once `steps` successors have been computed: a bound that, unlike time,
    /// stops a search at the same point on every machine. Kept by the search on one
    /// thread, which a search with this bound uses.
    pub fn max_steps(mut self, steps: usize) -> Self {
        self.max_steps = Some(steps);
        self
    }

    /// Lifts the default bounds on states and time: the search runs until it has seen
    /// everything, however long that takes and whatever memory it needs.
    pub fn unbounded(mut self) -> Self {
        self.max_states = None;
        self.max_time = None;
        self
    }

    fn normal(&self, state: S::State) -> S::State {
        if self.symmetry {
            self.system.canonical(&state)
        } else {
            state
        }
    }

    /// The first invariant `state` breaks, if any; notes the `sometimes` properties it
    /// has.
    fn violated(&self, state: &S::State, reached: &mut [bool]) -> Option<String> {
        for ((_, holds), seen) in self.sometimes.iter().zip(reached.iter_mut()) {
            *seen = *seen || holds(state);
        }
        self.invariants
            .iter()
            .find(|(_, holds)| !holds(state))
            .map(|(name, _)| name.clone())
    }

    /// Explores the reachable states and reports: on one thread, or breadth-first on
    /// several ([`Checker::threads`]).
    pub fn run(&self) -> Report<S> {
        if self.threads > 1
            && self.search == Search::BreadthFirst
            && self.max_steps.is_none()
        {
            self.run_parallel()
        } else {
            self.run_sequential()
        }
    }

    // ANCHOR: run
    /// Explores the reachable states on one thread and reports.
    fn run_sequential(&self) -> Report<S> {
        let started = Instant::now();
        // The fingerprints of the states seen. (Traces are rebuilt only when one is
        // needed.)
        let mut seen: Fingerprints = Fingerprints::default();
        let mut frontier: Frontier<S::State> = Frontier::default();
        let mut generated = 0;
        let mut successors = Vec::new();
        let mut prints = Vec::new();
        let mut touched = 0u64;
        let mut expanded = 0u64;
        // Which `sometimes` properties the states explored have.
        let mut reached = vec![false; self.sometimes.len()];
        // How the search ends: the bound that stopped it, if any; the violation found, if
        // any; and the deepest level it reached.
        let (stopped, bad, depth) = 'search: {
            for state in self.system.initial() {
                generated += 1;
                let state = self.normal(state);
                if seen.insert(fingerprint(&state)) {
                    if let Some(invariant) = self.violated(&state, &mut reached) {
                        break 'search (None, Some((invariant, state)), 1);
                    }
                    frontier.push(state, 1);
                }
            }
            let mut depth = 0;
            let mut stopped = None;
            loop {
                let Some((state, level)) = frontier.pop(self.search) else {
                    break 'search (stopped, None, depth);
                };
                depth = depth.max(level);
                if let Some(max) = self.max_depth.filter(|&max| level >= max) {
                    stopped = Some(Stop::Depth(max)); // its successors lie beyond the bound
                    continue;
                }
                expanded += 1;
                if let Some(max) = self.max_time
                    && expanded.is_multiple_of(1024)
                    && started.elapsed() >= max
                {
                    break 'search (Some(Stop::Time(max)), None, depth);
                }
                if let Some(max) = self.max_steps.filter(|&max| generated >= max) {
                    break 'search (Some(Stop::Steps(max)), None, depth);
                }
                successors.clear();
                self.system.successors(&state, &mut successors);
                // Fingerprint every successor and touch its slot first, so that the cache
                // misses of the lookups overlap instead of following one another.
                prints.clear();
                for (_, next) in successors.iter_mut() {
                    if self.symmetry {
                        *next = self.system.canonical(next);
                    }
                    let print = fingerprint(next);
                    touched ^= seen.touch(print);
                    prints.push(print);
                }
                for ((_, next), &print) in successors.drain(..).zip(&prints) {
                    generated += 1;
                    if !seen.insert(print) {
                        continue;
                    }
                    if let Some(invariant) = self.violated(&next, &mut reached) {
                        break 'search (None, Some((invariant, next)), level + 1);
                    }
                    if let Some(max) = self.max_states.filter(|&max| seen.len() >= max) {
                        break 'search (
                            Some(Stop::States(max)),
                            None,
                            depth.max(level + 1),
                        );
                    }
                    frontier.push(next, level + 1);
                }
            }
        };
        std::hint::black_box(touched);
        self.report(
            started,
            &reached,
            seen.len(),
            generated,
            depth,
            stopped,
            bad,
        )
    }
    // ANCHOR_END: run

    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        started: Instant,
        reached: &[bool],
        distinct: usize,
        generated: usize,
        depth: usize,
        stopped: Option<Stop>,
        bad: Option<(String, S::State)>,
    ) -> Report<S> {
        let elapsed = started.elapsed();
        let violation = bad.map(|(invariant, state)| Violation {
            invariant,
            trace: self.concrete(self.trace_to(&state)),
        });
        Report {
            distinct,
            generated,
            depth,
            elapsed,
            complete: stopped.is_none() && violation.is_none(),
            unreached: self
                .sometimes
                .iter()
                .zip(reached)
                .filter(|(_, reached)| !**reached)
                .map(|((name, _), _)| name.clone())
                .collect(),
            stopped,
            violation,
        }
    }

    /// `trace` as one execution. With symmetry, each state of the trace is the
    /// representative of its class, and consecutive representatives may name the
    /// processes differently; replaying the trace from a real initial state, taking at
    /// each step the successor in the next state's class, gives an execution whose names
    /// hold throughout. (There is always one: a renaming maps the steps of a state to the
    /// steps of its renamed state.)
    fn concrete(&self, trace: Trace<S>) -> Trace<S> {
        if !self.symmetry || trace.is_empty() {
            return trace;
        }
        let class = |s: &S::State| fingerprint(&self.system.canonical(s));
        let first = fingerprint(&trace[0].1);
        let mut state = (self.system.initial().into_iter())
            .find(|s| class(s) == first)
            .expect("the trace starts in the class of an initial state");
        let mut replayed = vec![(None, state.clone())];
        let mut successors = Vec::new();
        for (_, target) in &trace[1..] {
            let goal = fingerprint(target);
            successors.clear();
            self.system.successors(&state, &mut successors);
            let (action, next) = (successors.drain(..))
                .find(|(_, next)| class(next) == goal)
                .expect("a renaming maps each step to a step");
            replayed.push((Some(action), next.clone()));
            state = next;
        }
        replayed
    }

    /// A shortest trace from an initial state to `target`: a second breadth-first search
    /// that remembers each state's parent, run only when a violation needs its trace.
    fn trace_to(&self, target: &S::State) -> Trace<S> {
        let goal = fingerprint(target);
        let mut parent: Seen<(u64, Option<S::Action>)> = Seen::default();
        let mut states: Seen<S::State> = Seen::default();
        let mut frontier = VecDeque::new();
        let mut successors = Vec::new();
        for state in self.system.initial() {
            let state = self.normal(state);
            let print = fingerprint(&state);
            if parent.insert(print, (ROOT, None)).is_none() {
                states.insert(print, state.clone());
                frontier.push_back(state);
            }
        }
        while !parent.contains_key(&goal) {
            let Some(state) = frontier.pop_front() else {
                break;
            };
            let from = fingerprint(&state);
            successors.clear();
            self.system.successors(&state, &mut successors);
            for (action, next) in successors.drain(..) {
                let next = self.normal(next);
                let print = fingerprint(&next);
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    parent.entry(print)
                {
                    slot.insert((from, Some(action)));
                    states.insert(print, next.clone());
                    frontier.push_back(next);
                }
            }
        }
        let mut trace = Vec::new();
        let mut at = goal;
        while let Some((from, action)) = parent.get(&at) {
            trace.push((action.clone(), states[&at].clone()));
            if *from == ROOT {
                break;
            }
            at = *from;
        }
        trace.reverse();
        trace
    }
}

/// The states waiting to be expanded, with their levels. Successors are pushed at the
/// back, one level at a time, so the levels come in runs: each run is stored once, as a
/// level and a count, and a state costs only its own size.
struct Frontier<T> {
    states: VecDeque<T>,
    /// (level, how many states in a row have it), in the order of `states`.
    runs: VecDeque<(usize, usize)>,
}

impl<T> Default for Frontier<T> {
    fn default() -> Self {
        Frontier {
            states: VecDeque::new(),
            runs: VecDeque::new(),
        }
    }
}

impl<T> Frontier<T> {
    fn push(&mut self, state: T, level: usize) {
        self.states.push_back(state);
        match self.runs.back_mut() {
            Some((l, count)) if *l == level => *count += 1,
            _ => self.runs.push_back((level, 1)),
        }
    }

    /// The next state to expand, with its level: the oldest breadth-first, the newest
    /// depth-first.
    fn pop(&mut self, search: Search) -> Option<(T, usize)> {
        let (state, run) = match search {
            Search::BreadthFirst => (self.states.pop_front()?, self.runs.front_mut()?),
            Search::DepthFirst => (self.states.pop_back()?, self.runs.back_mut()?),
        };
        let level = run.0;
        run.1 -= 1;
        if run.1 == 0 {
            match search {
                Search::BreadthFirst => self.runs.pop_front(),
                Search::DepthFirst => self.runs.pop_back(),
            };
        }
        Some((state, level))
    }
}

/// One table of fingerprints: open addressing with linear probing in one array of `u64`, 0
/// marking an empty slot (no fingerprint is 0). One probe touches one cache line, where a
/// general hash table touches two (control bytes and entries); for ten million states
/// that halves the cache misses, which is where an explicit-state checker spends its
/// time.
struct Table {
    slots: Vec<u64>,
    len: usize,
}

impl Default for Table {
    fn default() -> Self {
        Table {
            slots: vec![0; 1 << 10],
            len: 0,
        }
    }
}

impl Table {
    /// Adds a fingerprint; returns whether it was new.
    fn insert(&mut self, print: u64) -> bool {
        if 4 * (self.len + 1) > 3 * self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = print as usize & mask;
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = print;
                    self.len += 1;
                    return true;
                }
                p if p == print => return false,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Reads the slot where `print` would start probing, so that the memory system
    /// fetches it while other work goes on (a prefetch, without `unsafe`).
    fn touch(&self, print: u64) -> u64 {
        self.slots[print as usize & (self.slots.len() - 1)]
    }

    fn grow(&mut self) {
        let bigger = vec![0; 2 * self.slots.len().max(1)];
        let old = std::mem::replace(&mut self.slots, bigger);
        self.len = 0;
        for print in old.into_iter().filter(|&p| p != 0) {
            self.insert(print);
        }
    }
}

/// The number of tables a set of fingerprints is split into (a power of two). Each grows
/// on its own, so that growing never needs twice the memory of the whole set at once.
const SHARDS: usize = 64;

/// The table of a fingerprint: its top bits (its slot in the table uses its bottom bits).
fn shard(print: u64) -> usize {
    (print >> (64 - SHARDS.trailing_zeros())) as usize
}

/// A set of fingerprints, in [`SHARDS`] tables.
struct Fingerprints {
    tables: Vec<Table>,
    len: usize,
}

impl Default for Fingerprints {
    fn default() -> Self {
        Fingerprints {
            tables: (0..SHARDS).map(|_| Table::default()).collect(),
            len: 0,
        }
    }
}

impl Fingerprints {
    /// Adds a fingerprint; returns whether it was new.
    fn insert(&mut self, print: u64) -> bool {
        let new = self.tables[shard(print)].insert(print);
        self.len += usize::from(new);
        new
    }

    /// Reads the slot where `print` would start probing (see [`Table::touch`]).
    fn touch(&self, print: u64) -> u64 {
        self.tables[shard(print)].touch(print)
    }

    fn len(&self) -> usize {
        self.len
    }
}
