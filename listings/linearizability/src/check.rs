//! The search: is there an order of the operations that respects real time and the model?
//!
//! Wing & Gong ("Testing and verifying concurrent objects", JPDC 17(1), 1993) search for
//! a linearization by trying, at each step, every operation that could come next: one
//! whose invocation precedes every response still pending. Lowe ("Testing for
//! linearizability", Concurrency and Computation 29(4), 2017) adds a cache of the
//! configurations already explored — the set of operations linearized so far and the
//! state they led to — so that a configuration reached by two orders is explored once.
//! The history is first split by object, which Herlihy & Wing's locality theorem allows,
//! and the objects are checked in parallel.

use crate::model::Model;
use process::History;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const NONE: u32 = u32::MAX;

/// Evidence that a history is not linearizable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The object (key) whose sub-history is not linearizable, for a partitioned model.
    pub partition: Option<String>,
    /// The longest sequence of operations (indices into the history) found that respects
    /// real time and the model.
    pub linearized: Vec<usize>,
    /// The operation that cannot be placed after it: it returned before any of the
    /// remaining operations could be linearized.
    pub stuck: usize,
}

/// The checker's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A linearization exists.
    Linearizable,
    /// None exists; the evidence shows where every attempt got stuck.
    NotLinearizable(Evidence),
    /// The search ran out of its time budget before it could tell (Porcupine's
    /// `Unknown`, after its timeout).
    Unknown(Duration),
}

impl Verdict {
    /// Whether the history is linearizable.
    pub fn is_linearizable(&self) -> bool {
        matches!(self, Verdict::Linearizable)
    }
}

/// Options of the search, for measuring what each refinement is worth.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Remember explored configurations (Lowe's memoization).
    pub memoize: bool,
    /// Threads to check partitions on (1: sequentially).
    pub threads: usize,
    /// Place a read-only operation as soon as it can go next (sound: see
    /// [`Model::read_only`]).
    pub eager_reads: bool,
    /// Ignore real-time order: accept any order of the operations. A deliberately wrong
    /// checker, kept to show that the verdict tests can fail.
    pub ignore_real_time: bool,
    /// Memoize configurations by the set of operations placed only, forgetting the state
    /// they led to. Another deliberately wrong checker.
    pub forget_states: bool,
    /// How long the search may take before it answers [`Verdict::Unknown`]; `None` for
    /// as long as it takes.
    pub budget: Option<Duration>,
}

/// How long a check may take by default: the search is exponential in the worst case,
/// and a bounded answer of "unknown" beats a program that never ends.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(600);

impl Default for Options {
    fn default() -> Self {
        Options {
            memoize: true,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            eager_reads: true,
            ignore_real_time: false,
            forget_states: false,
            budget: Some(DEFAULT_BUDGET),
        }
    }
}

// ANCHOR: check
/// Checks `history` against `model` with the default options.
pub fn check<M: Model>(model: &M, history: &History<M::Input, M::Output>) -> Verdict {
    check_with(model, history, Options::default())
}

/// Checks `history` against `model`.
pub fn check_with<M: Model>(
    model: &M,
    history: &History<M::Input, M::Output>,
    options: Options,
) -> Verdict {
    // Split by object; leave out operations that constrain nothing.
    let mut partitions: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    let mut index: HashMap<Option<String>, usize> = HashMap::new();
    for (i, op) in history.operations.iter().enumerate() {
        let output = op.returned.as_ref().map(|(o, _)| o);
        if !model.relevant(&op.request, output) {
            continue;
        }
        let key = model.partition(&op.request);
        let slot = *index.entry(key.clone()).or_insert_with(|| {
            partitions.push((key, Vec::new()));
            partitions.len() - 1
        });
        partitions[slot].1.push(i);
    }
    // Smallest first: a small partition that fails stops the search of every later one.
    // The partition reported is the first failing one in this order, whatever the threads
    // do.
    partitions.sort_by_key(|(key, ops)| (ops.len(), key.clone()));
    let first_failure = AtomicUsize::new(usize::MAX);
    let deadline = options.budget.map(|b| Instant::now() + b);
    let out_of_time = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    let evidence: Mutex<Option<(usize, Evidence)>> = Mutex::new(None);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((key, ops)) = partitions.get(i) else {
                break;
            };
            if i > first_failure.load(Ordering::Relaxed) {
                break;
            }
            if out_of_time.load(Ordering::Relaxed) {
                break;
            }
            let search = Search::new(model, history, ops, options);
            let outcome = search.run(i, &first_failure, deadline);
            if outcome == Err(None) {
                out_of_time.store(true, Ordering::Relaxed);
            }
            if let Err(Some((linearized, stuck))) = outcome {
                first_failure.fetch_min(i, Ordering::Relaxed);
                let found = Evidence {
                    partition: key.clone(),
                    linearized,
                    stuck,
                };
                let mut slot = evidence.lock().unwrap_or_else(|e| e.into_inner());
                if slot.as_ref().is_none_or(|(j, _)| i < *j) {
                    *slot = Some((i, found));
                }
            }
        }
    };
    // Threads pay for themselves only on larger histories.
    let size: usize = partitions.iter().map(|(_, ops)| ops.len()).sum();
    let threads = if size < 1_000 {
        1
    } else {
        options.threads.clamp(1, partitions.len().max(1))
    };
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }
    match evidence.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some((_, evidence)) => Verdict::NotLinearizable(evidence),
        None if out_of_time.into_inner() => {
            Verdict::Unknown(options.budget.unwrap_or_default())
        }
        None => Verdict::Linearizable,
    }
}
// ANCHOR_END: check

/// The first operation of `history` that `model` does not [define](Model::defines), if
/// any. The search cannot place such an operation and would answer "not linearizable" for
/// what is a mistake in the input: callers refuse the history instead.
pub fn undefined<M: Model>(
    model: &M,
    history: &History<M::Input, M::Output>,
) -> Option<usize> {
    history
        .operations
        .iter()
        .position(|op| !model.defines(&op.request))
}

/// A map keyed by values that are already uniformly random 64-bit hashes.
type Fast<K, V> = nohash_hasher::IntMap<K, V>;

/// A fast hasher for interning states (which may be long strings): eight bytes at a time,
/// multiply and rotate, as rustc's FxHasher. Not resistant to adversarial keys, which a
/// history being checked is not.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_u8(&mut self, n: u8) {
        self.add(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// A state's hash, for interning.
fn state_hash<S: Hash>(state: &S) -> u64 {
    let mut hasher = Fx::default();
    state.hash(&mut hasher);
    mix(hasher.finish())
}

/// SplitMix64: a bijective mixer, for Zobrist keys and state hashes.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The search over one partition.
struct Search<'a, M: Model> {
    model: &'a M,
    history: &'a History<M::Input, M::Output>,
    /// The partition's operations, as indices into the history.
    ops: &'a [usize],
    options: Options,
    /// Entries (calls and returns) in real-time order, as a doubly linked list with a
    /// head sentinel at index `2 * ops.len()`. Entry `2k` is operation `k`'s call, `2k +
    /// 1` its return.
    next: Vec<u32>,
    prev: Vec<u32>,
    /// Interned states, and the memoized transitions `(state, op) -> state`.
    states: Vec<M::State>,
    /// State hash -> the first state with it; `collisions` chains states with equal
    /// hashes.
    interned: Fast<u64, u32>,
    collisions: Vec<u32>,
    transitions: Transitions,
    /// Whether each operation returned (the search succeeds once all of those are
    /// placed).
    completed: Vec<bool>,
    /// Whether each operation is read-only (see [`Model::read_only`]).
    read_only: Vec<bool>,
}

/// Memoized transitions: a dense table `state * n + op` while it is small, else a hash
/// map.
enum Transitions {
    Dense(Vec<u32>),
    Sparse(Fast<u64, u32>),
}

/// A transition not computed yet (`NONE` is a transition the model forbids).
const UNKNOWN: u32 = u32::MAX - 1;

/// The largest dense table, in entries (256 KiB): beyond it, states are many and each is
/// reached by few operations, and a map is smaller and faster.
const DENSE_LIMIT: usize = 1 << 16;

impl<'a, M: Model> Search<'a, M> {
    fn new(
        model: &'a M,
        history: &'a History<M::Input, M::Output>,
        ops: &'a [usize],
        options: Options,
    ) -> Self {
        let n = ops.len();
        // Sort calls and returns by time, calls first at equal times; an operation that
        // never returned has its return after everything.
        let mut order: Vec<(u64, bool, u32)> = Vec::with_capacity(2 * n);
        for (k, &i) in ops.iter().enumerate() {
            let op = &history.operations[i];
            let call = if options.ignore_real_time {
                0
            } else {
                op.invoked.nanos()
            };
            let ret = match &op.returned {
                Some(_) if options.ignore_real_time => u64::MAX - 1,
                Some((_, at)) => at.nanos(),
                None => u64::MAX,
            };
            order.push((call, false, 2 * k as u32));
            order.push((ret, true, 2 * k as u32 + 1));
        }
        order.sort_unstable();
        let head = 2 * n as u32;
        let mut next = vec![NONE; 2 * n + 1];
        let mut prev = vec![NONE; 2 * n + 1];
        let mut last = head;
        for &(_, _, entry) in &order {
            next[last as usize] = entry;
            prev[entry as usize] = last;
            last = entry;
        }
        let init = model.init();
        let mut interned = Fast::default();
        interned.insert(state_hash(&init), 0);
        let completed = ops
            .iter()
            .map(|&i| history.operations[i].returned.is_some())
            .collect();
        let transitions = Transitions::Dense(vec![UNKNOWN; n]);
        let read_only = ops
            .iter()
            .map(|&i| {
                let op = &history.operations[i];
                options.eager_reads
                    && model.read_only(&op.request, op.returned.as_ref().map(|(o, _)| o))
            })
            .collect();
        Search {
            model,
            history,
            ops,
            options,
            next,
            prev,
            states: vec![init],
            interned,
            collisions: vec![NONE],
            transitions,
            completed,
            read_only,
        }
    }

    fn lift(&mut self, k: usize) {
        for entry in [2 * k, 2 * k + 1] {
            let (p, n) = (self.prev[entry], self.next[entry]);
            self.next[p as usize] = n;
            if n != NONE {
                self.prev[n as usize] = p;
            }
        }
    }

    fn unlift(&mut self, k: usize) {
        for entry in [2 * k + 1, 2 * k] {
            let (p, n) = (self.prev[entry], self.next[entry]);
            self.next[p as usize] = entry as u32;
            if n != NONE {
                self.prev[n as usize] = entry as u32;
            }
        }
    }

    /// The state after operation `k` in state `s`, if the model allows it; memoized.
    fn step(&mut self, s: u32, k: usize) -> Option<u32> {
        let n = self.ops.len();
        let known = match &self.transitions {
            Transitions::Dense(table) => table[s as usize * n + k],
            // Mixed, because the map's hasher passes keys through: they must look random.
            Transitions::Sparse(map) => map
                .get(&mix(((s as u64) << 32) | k as u64))
                .copied()
                .unwrap_or(UNKNOWN),
        };
        if known != UNKNOWN {
            return (known != NONE).then_some(known);
        }
        let op = &self.history.operations[self.ops[k]];
        let output = op.returned.as_ref().map(|(o, _)| o);
        let current = &self.states[s as usize];
        let result = if self.read_only[k] {
            if self.model.allows(current, &op.request, output) {
                s
            } else {
                NONE
            }
        } else {
            match self.model.step(current, &op.request, output) {
                Some(state) => self.intern(state),
                None => NONE,
            }
        };
        match &mut self.transitions {
            Transitions::Dense(table) => table[s as usize * n + k] = result,
            Transitions::Sparse(_) => {}
        }
        (result != NONE).then_some(result)
    }

    /// The number of `state`, adding it if it is new.
    fn intern(&mut self, state: M::State) -> u32 {
        let hash = state_hash(&state);
        let mut at = self.interned.get(&hash).copied().unwrap_or(NONE);
        while at != NONE {
            if self.states[at as usize] == state {
                return at;
            }
            at = self.collisions[at as usize];
        }
        let id = self.states.len() as u32;
        self.collisions
            .push(self.interned.insert(hash, id).unwrap_or(NONE));
        self.states.push(state);
        self.grow();
        id
    }

    /// Makes room in the transition table for a new state.
    fn grow(&mut self) {
        let n = self.ops.len();
        let entries = self.states.len() * n;
        if let Transitions::Dense(table) = &mut self.transitions {
            if entries <= DENSE_LIMIT {
                table.resize(entries, UNKNOWN);
            } else {
                let mut map = Fast::default();
                for (i, &t) in table.iter().enumerate().filter(|(_, t)| **t != UNKNOWN) {
                    map.insert(mix((((i / n) as u64) << 32) | (i % n) as u64), t);
                }
                self.transitions = Transitions::Sparse(map);
            }
        }
    }

    // ANCHOR: search
    /// Searches for a linearization; on failure returns the longest one found (as history
    /// indices) and the operation that blocked it, or `None` if `deadline` passed first.
    fn run(
        mut self,
        me: usize,
        first_failure: &AtomicUsize,
        deadline: Option<Instant>,
    ) -> Result<(), Option<(Vec<usize>, usize)>> {
        let n = self.ops.len();
        let head = 2 * n;
        let mut seen = Seen::new(n);
        // The search stack: each level is a configuration, with the operations that may
        // go next there and how many of them have been tried.
        let mut levels: Vec<Level> = Vec::new();
        let mut spare: Vec<Vec<u32>> = Vec::new();
        let mut state = 0u32;
        let mut pending = self.completed.iter().filter(|&&c| c).count();
        let mut best: Vec<u32> = Vec::new();
        let mut stuck = 0usize;
        let mut steps = 0u32;
        // The operation just placed and the state before it: a new configuration to open.
        let mut placed: Option<(u32, u32)> = Some((NONE, 0));
        loop {
            if pending == 0 {
                return Ok(());
            }
            steps = steps.wrapping_add(1);
            if steps.is_multiple_of(1 << 14) {
                // An earlier partition failed: this one's verdict no longer matters.
                if first_failure.load(Ordering::Relaxed) < me {
                    return Ok(());
                }
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(None);
                }
            }
            if let Some((op, before)) = placed.take() {
                // A new configuration: the operations that may go next are those invoked
                // before the first pending response. A read-only one that can go now is
                // placed at once: if a linearization exists, one exists that places it
                // now (it changes nothing, and nothing pending returned before it was
                // invoked); if that fails, all do.
                let mut candidates = spare.pop().unwrap_or_default();
                candidates.clear();
                let mut e = self.next[head];
                let mut forced = None;
                while e != NONE && e.is_multiple_of(2) {
                    let k = e / 2;
                    if forced.is_none()
                        && self.read_only[k as usize]
                        && self.step(state, k as usize).is_some()
                    {
                        forced = Some(k);
                    }
                    candidates.push(k);
                    e = self.next[e as usize];
                }
                let deadline = if e == NONE { NONE } else { e / 2 };
                // The forced operation is the only one worth trying: if it fails, so does
                // this configuration. Otherwise the candidates are tried in the order of
                // invocation.
                if let Some(k) = forced {
                    candidates.clear();
                    candidates.push(k);
                }
                levels.push(Level {
                    op,
                    before,
                    candidates,
                    tried: 0,
                    deadline,
                });
            }
            let Some(level) = levels.last_mut() else {
                // Backtracked past the start: no linearization.
                let linearized = best.iter().map(|&k| self.ops[k as usize]).collect();
                return Err(Some((linearized, self.ops[stuck])));
            };
            if level.tried < level.candidates.len() {
                let k = level.candidates[level.tried] as usize;
                level.tried += 1;
                if let Some(after) = self.step(state, k) {
                    let remembered = if self.options.forget_states { 0 } else { after };
                    if seen.insert(k, remembered, self.options.memoize) {
                        placed = Some((k as u32, state));
                        state = after;
                        pending -= usize::from(self.completed[k]);
                        self.lift(k);
                    } else {
                        seen.undo(k); // explored before, and failed
                    }
                }
                continue;
            }
            // Every candidate failed here: record the deepest failure, then backtrack.
            let depth = levels.len() - 1;
            if depth > best.len() || best.is_empty() {
                best = levels[1..].iter().map(|l| l.op).collect();
                stuck = levels[depth].deadline as usize;
            }
            let level = levels.pop().expect("a level");
            spare.push(level.candidates);
            if level.op == NONE {
                continue; // the root: the next iteration reports failure
            }
            let k = level.op as usize;
            state = level.before;
            seen.undo(k);
            pending += usize::from(self.completed[k]);
            self.unlift(k);
        }
    }
    // ANCHOR_END: search
}

/// A configuration on the search stack.
struct Level {
    /// The operation placed to reach it (`NONE` at the root), and the state before it.
    op: u32,
    before: u32,
    /// The operations that may go next, in the order they are tried, and how many have
    /// been.
    candidates: Vec<u32>,
    tried: usize,
    /// The operation of the first pending response: the one that cannot be placed if all
    /// fail.
    deadline: u32,
}

/// The configurations explored (Lowe's memoization): the set of linearized operations, as
/// a bitset with an incrementally maintained Zobrist hash, and the state. Exact: a hit
/// compares the whole bitset.
struct Seen {
    words: usize,
    zobrist: Vec<u64>,
    linearized: Vec<u64>,
    hash: u64,
    table: Fast<u64, u32>,
    bits: Vec<u64>,
    state: Vec<u32>,
    chain: Vec<u32>,
}

impl Seen {
    fn new(n: usize) -> Self {
        let words = n.div_ceil(64);
        Seen {
            words,
            zobrist: (0..n as u64).map(|k| mix(k ^ 0x5bd1_e995)).collect(),
            linearized: vec![0; words],
            hash: 0,
            table: Fast::default(),
            bits: Vec::new(),
            state: Vec::new(),
            chain: Vec::new(),
        }
    }

    // ANCHOR: memo
    /// Adds operation `k` to the linearized set and records the configuration with
    /// `state`; returns whether it is new. Either way `k` stays in the set until
    /// [`Seen::undo`].
    fn insert(&mut self, k: usize, state: u32, memoize: bool) -> bool {
        self.linearized[k / 64] |= 1 << (k % 64);
        self.hash ^= self.zobrist[k];
        if !memoize {
            return true;
        }
        let words = self.words;
        let first = self
            .table
            .entry(self.hash ^ mix(state as u64))
            .or_insert(NONE);
        let mut at = *first;
        while at != NONE {
            let a = at as usize;
            if self.state[a] == state
                && self.bits[a * words..(a + 1) * words] == self.linearized[..]
            {
                return false;
            }
            at = self.chain[a];
        }
        self.chain.push(*first);
        *first = self.state.len() as u32;
        self.bits.extend_from_slice(&self.linearized);
        self.state.push(state);
        true
    }

    // ANCHOR_END: memo

    /// Removes operation `k` from the linearized set.
    fn undo(&mut self, k: usize) {
        self.linearized[k / 64] &= !(1 << (k % 64));
        self.hash ^= self.zobrist[k];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{CasRegister, RegisterOp, RegisterRet};
    use process::Time;

    fn history(
        ops: &[(RegisterOp, Option<RegisterRet>, u64, u64)],
    ) -> History<RegisterOp, RegisterRet> {
        let mut h = History::default();
        for (i, (input, output, call, ret)) in ops.iter().enumerate() {
            let at = h.invoke(i, 0, input.clone(), Time::from_nanos(*call));
            if let Some(output) = output {
                h.complete(at, output.clone(), Time::from_nanos(*ret));
            }
        }
        h
    }

    use RegisterOp::*;
    use RegisterRet::*;

    #[test]
    fn concurrent_operations_may_take_effect_in_either_order() {
        // write 1 and read 1 overlap: the read may come after the write.
        let h = history(&[
            (Write(1), Some(Ok), 0, 10),
            (Read, Some(Value(Some(1))), 5, 6),
        ]);
        assert!(check(&CasRegister, &h).is_linearizable());
    }

    #[test]
    fn real_time_order_is_respected() {
        // The read finished before the write began, so it cannot see the write.
        let h = history(&[
            (Read, Some(Value(Some(1))), 0, 1),
            (Write(1), Some(Ok), 2, 3),
        ]);
        let Verdict::NotLinearizable(evidence) = check(&CasRegister, &h) else {
            panic!("linearizable?")
        };
        assert_eq!(evidence.stuck, 0);
        // The deliberately wrong checker that ignores real time accepts it.
        let wrong = Options {
            ignore_real_time: true,
            ..Options::default()
        };
        assert!(check_with(&CasRegister, &h, wrong).is_linearizable());
    }

    #[test]
    fn an_operation_that_never_returned_may_or_may_not_have_happened() {
        let took_effect =
            history(&[(Write(1), None, 0, 0), (Read, Some(Value(Some(1))), 5, 6)]);
        assert!(check(&CasRegister, &took_effect).is_linearizable());
        let did_not = history(&[(Write(1), None, 0, 0), (Read, Some(Value(None)), 5, 6)]);
        assert!(check(&CasRegister, &did_not).is_linearizable());
        // But not before it was invoked.
        let too_early =
            history(&[(Read, Some(Value(Some(1))), 0, 1), (Write(1), None, 2, 0)]);
        assert!(!check(&CasRegister, &too_early).is_linearizable());
    }

    #[test]
    fn memoization_does_not_change_verdicts() {
        let h = history(&[
            (Write(1), Some(Ok), 0, 10),
            (Write(2), Some(Ok), 1, 10),
            (Read, Some(Value(Some(2))), 11, 12),
            (Read, Some(Value(Some(1))), 13, 14),
        ]);
        for memoize in [true, false] {
            let options = Options {
                memoize,
                ..Options::default()
            };
            assert!(!check_with(&CasRegister, &h, options).is_linearizable());
        }
    }
}
