//! Breadth-first search on several threads, level by level.
//!
//! The fingerprints live in [`SHARDS`] tables, and each thread owns the tables whose
//! index is its own modulo the number of threads: only the owner of a fingerprint's table
//! looks it up, so no table needs a lock. A thread expands the states it owns in the
//! current level; a successor whose table another thread owns is sent to that thread, in
//! buffers of [`BUFFER`]. The new states a thread finds are the ones it expands in the
//! next level. A thread done with its part of a level counts itself finished, and takes
//! in what it is sent until every thread has (so that no buffers pile up while it
//! waits); then nobody sends. Two barriers end the level: after the first, every buffer
//! has been received; after the second, every thread has read whether the search goes
//! on (so nobody can stop it before everybody has read).
//!
//! A complete search reaches the same states, level by level, as the search on one
//! thread, so it reports the same counts, depth and `sometimes` properties. Which state
//! of a level a thread finds first depends on timing, so when a violation is found the
//! search on one thread runs again to report the violation it finds first, with its
//! trace: the verdict and the counterexample are always the sequential search's. Under a
//! bound of states or time, the point where the search stops depends on timing.

use super::{Checker, Report, SHARDS, Stop, Table, fingerprint, shard};
use crate::system::System;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::Instant;

/// The states a thread expands before it looks up the successors it owns (all their
/// slots touched first, so that the cache misses overlap) and takes in those sent to it.
const CHUNK: usize = 256;

/// The states of a block of a level.
const BLOCK: usize = 1 << 15;

/// The successors sent to another thread at a time.
const BUFFER: usize = 4096;

/// Successors with their fingerprints, sent to the thread that owns their tables.
type Buffer<T> = Vec<(u64, T)>;

/// What the threads share.
struct Shared<T> {
    threads: usize,
    /// For each table, the thread that owns it and its index among that thread's
    /// tables (a lookup, where a division would cost more than the rest of a probe).
    place: [(usize, usize); SHARDS],
    /// For each thread, the buffers of successors sent to it.
    inboxes: Vec<Mutex<Vec<Buffer<T>>>>,
    /// Separates the levels.
    barrier: Barrier,
    /// Set when a thread finds a violation, or the search reaches a bound: every thread
    /// then stops at the end of the level.
    stop: AtomicBool,
    /// The distinct states found, published by each thread every so often.
    distinct: AtomicUsize,
    /// The states of the next level, counted for even and odd levels.
    next: [AtomicUsize; 2],
    /// How many times a thread has finished expanding its part of a level, summed over
    /// the threads: a level is over when it reaches the threads times the levels.
    finished: AtomicUsize,
}

/// What one thread found.
#[derive(Default)]
struct Tally {
    distinct: usize,
    generated: usize,
    /// The levels it saw with states in them.
    depth: usize,
    violation: bool,
    cut: bool,
    stopped: Option<Stop>,
    reached: Vec<bool>,
}

/// One thread's part of the search.
struct Worker<'c, 'a, S: System> {
    checker: &'c Checker<'a, S>,
    me: usize,
    shared: &'c Shared<S::State>,
    /// The tables this thread owns: those whose index is `me` modulo the threads.
    tables: Vec<Table>,
    /// The new states of the next level that this thread owns, in blocks of [`BLOCK`]
    /// (never grown by copying).
    next: Vec<Vec<S::State>>,
    /// Empty blocks, each expanded in this level and reused for the next: the memory of a
    /// level is reused, not given back to the allocator and asked for again (which, with
    /// a general-purpose allocator, leaves holes a search can pay for as much memory as a
    /// level).
    spare: Vec<Vec<S::State>>,
    /// For each other thread, the successors not yet sent to it.
    outboxes: Vec<Buffer<S::State>>,
    tally: Tally,
    /// New states not yet added to `shared.distinct`.
    unpublished: usize,
    /// What the slots touched held (kept, so that the reads are not optimised away).
    touched: u64,
}

impl<S: System> Checker<'_, S> {
    /// [`Checker::run`] on `self.threads` threads.
    pub(super) fn run_parallel(&self) -> Report<S> {
        let started = Instant::now();
        let threads = self.threads;
        let shared = Shared {
            threads,
            place: std::array::from_fn(|i| (i % threads, i / threads)),
            inboxes: (0..threads).map(|_| Mutex::new(Vec::new())).collect(),
            barrier: Barrier::new(threads),
            stop: AtomicBool::new(false),
            distinct: AtomicUsize::new(0),
            next: [AtomicUsize::new(0), AtomicUsize::new(0)],
            finished: AtomicUsize::new(0),
        };
        let initial: Vec<S::State> = (self.system.initial().into_iter())
            .map(|state| self.normal(state))
            .collect();
        let tallies: Vec<Tally> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|me| {
                    let (shared, initial) = (&shared, &initial);
                    scope.spawn(move || {
                        let mut worker = Worker {
                            checker: self,
                            me,
                            shared,
                            tables: (0..SHARDS.div_ceil(threads))
                                .map(|_| Table::default())
                                .collect(),
                            next: Vec::new(),
                            spare: Vec::new(),
                            outboxes: (0..threads).map(|_| Vec::new()).collect(),
                            tally: Tally {
                                reached: vec![false; self.sometimes.len()],
                                ..Tally::default()
                            },
                            unpublished: 0,
                            touched: 0,
                        };
                        worker.search(initial, started);
                        std::hint::black_box(worker.touched);
                        worker.tally
                    })
                })
                .collect();
            (handles.into_iter())
                .map(|h| h.join().expect("a thread of the search"))
                .collect()
        });
        if tallies.iter().any(|t| t.violation) {
            // The violation the sequential search reports, with its counts.
            let mut report = self.run_sequential();
            report.elapsed = started.elapsed();
            return report;
        }
        let sum = |f: fn(&Tally) -> usize| tallies.iter().map(f).sum::<usize>();
        let reached: Vec<bool> = (0..self.sometimes.len())
            .map(|k| tallies.iter().any(|t| t.reached[k]))
            .collect();
        let depth = tallies.iter().map(|t| t.depth).max().unwrap_or(0);
        let stopped = (tallies.iter().find_map(|t| t.stopped)).or_else(|| {
            tallies
                .iter()
                .any(|t| t.cut)
                .then(|| self.max_depth.map(Stop::Depth))
                .flatten()
        });
        let (distinct, generated) = (sum(|t| t.distinct), sum(|t| t.generated));
        self.report(started, &reached, distinct, generated, depth, stopped, None)
    }
}

impl<S: System> Worker<'_, '_, S> {
    /// Searches level by level, starting from this thread's share of `initial`.
    fn search(&mut self, initial: &[S::State], started: Instant) {
        let threads = self.shared.threads;
        self.tally.generated = if self.me == 0 { initial.len() } else { 0 };
        for state in initial {
            let print = fingerprint(state);
            if self.owner(print) == self.me {
                self.consider(print, state.clone());
            }
        }
        let mut level = 1;
        // The levels this thread has expanded (every thread expands the same ones).
        let mut expanded = 0;
        loop {
            // Every thread has received every state of this level: is there any?
            let parity = level % 2;
            let mine: usize = self.next.iter().map(Vec::len).sum();
            self.shared.next[parity].fetch_add(mine, Ordering::Relaxed);
            self.shared.barrier.wait();
            let states = self.shared.next[parity].load(Ordering::Relaxed);
            self.shared.next[1 - parity].store(0, Ordering::Relaxed);
            let stop = self.shared.stop.load(Ordering::Relaxed);
            // Nobody sets `stop` before everybody has read it.
            self.shared.barrier.wait();
            if states == 0 || stop {
                return;
            }
            self.tally.depth = level;
            let mut current = std::mem::take(&mut self.next);
            // Blocks left over from a bigger level are freed.
            self.spare.truncate(current.len());
            if self.checker.max_depth.is_some_and(|max| level >= max) {
                self.tally.cut |= mine > 0;
                self.shared.barrier.wait();
                level += 1;
                continue;
            }
            let (mut successors, mut mine) = (Vec::new(), Vec::new());
            // Each block, once expanded, holds states of the next level.
            'level: while let Some(mut block) = current.pop() {
                while !block.is_empty() {
                    if self.shared.stop.load(Ordering::Relaxed) {
                        break 'level;
                    }
                    self.receive();
                    if let Some(max) = self.checker.max_time
                        && started.elapsed() >= max
                    {
                        self.halt(Stop::Time(max));
                    }
                    // The successors of a chunk of the block that this thread owns go to
                    // `mine`, the others to their owners.
                    let chunk = block.len().saturating_sub(CHUNK);
                    for state in block.drain(chunk..) {
                        successors.clear();
                        self.checker.system.successors(&state, &mut successors);
                        self.tally.generated += successors.len();
                        for (_, next) in successors.drain(..) {
                            let next = self.checker.normal(next);
                            let print = fingerprint(&next);
                            let owner = self.owner(print);
                            if owner == self.me {
                                mine.push((print, next));
                            } else {
                                self.outboxes[owner].push((print, next));
                                if self.outboxes[owner].len() >= BUFFER {
                                    self.send(owner);
                                }
                            }
                        }
                    }
                    self.insert(&mut mine);
                }
                self.spare.push(block);
            }
            for owner in 0..threads {
                self.send(owner);
            }
            // Take in what the others send until every thread has sent all it will in
            // this level, so that a thread done early keeps no pile of buffers waiting.
            expanded += 1;
            self.shared.finished.fetch_add(1, Ordering::AcqRel);
            while self.shared.finished.load(Ordering::Acquire) < threads * expanded {
                self.receive();
                std::thread::yield_now();
            }
            self.receive();
            level += 1;
        }
    }

    /// Inserts a state this thread owns, and checks it if it is new.
    fn consider(&mut self, print: u64, state: S::State) {
        let local = self.shared.place[shard(print)].1;
        if !self.tables[local].insert(print) {
            return;
        }
        self.tally.distinct += 1;
        self.unpublished += 1;
        let checker = self.checker;
        if checker.violated(&state, &mut self.tally.reached).is_some() {
            self.tally.violation = true;
            self.shared.stop.store(true, Ordering::Relaxed);
        }
        if let Some(max) = checker.max_states
            && self.unpublished >= 256.min(max)
        {
            let total = self
                .shared
                .distinct
                .fetch_add(self.unpublished, Ordering::Relaxed);
            self.unpublished = 0;
            if total + 256.min(max) >= max {
                self.halt(Stop::States(max));
            }
        }
        match self.next.last_mut() {
            Some(block) if block.len() < BLOCK => block.push(state),
            _ => {
                let mut block =
                    (self.spare.pop()).unwrap_or_else(|| Vec::with_capacity(BLOCK));
                block.push(state);
                self.next.push(block);
            }
        }
    }

    /// The table of `print`, which this thread owns.
    fn table(&self, print: u64) -> &Table {
        &self.tables[self.shared.place[shard(print)].1]
    }

    /// The thread that owns the table of `print`.
    fn owner(&self, print: u64) -> usize {
        self.shared.place[shard(print)].0
    }

    /// Stops every thread at the end of this level, for `stop`.
    fn halt(&mut self, stop: Stop) {
        self.tally.stopped = Some(stop);
        self.shared.stop.store(true, Ordering::Relaxed);
    }

    /// Sends the successors waiting for thread `owner`.
    fn send(&mut self, owner: usize) {
        if owner != self.me && !self.outboxes[owner].is_empty() {
            let empty = Vec::with_capacity(BUFFER);
            let buffer = std::mem::replace(&mut self.outboxes[owner], empty);
            lock(&self.shared.inboxes[owner]).push(buffer);
        }
    }

    /// Takes in the successors other threads have sent.
    fn receive(&mut self) {
        let buffers = std::mem::take(&mut *lock(&self.shared.inboxes[self.me]));
        for mut buffer in buffers {
            self.insert(&mut buffer);
        }
    }

    /// Inserts the states of `states`, which this thread owns, and empties it. Every slot
    /// is touched before the first lookup, so that the cache misses overlap instead of
    /// following one another.
    fn insert(&mut self, states: &mut Buffer<S::State>) {
        let mut touched = 0;
        for (print, _) in states.iter() {
            touched ^= self.table(*print).touch(*print);
        }
        self.touched ^= touched;
        for (print, state) in states.drain(..) {
            self.consider(print, state);
        }
    }
}

/// A thread's inbox, even if a thread panicked while it held it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use crate::two_phase::{Tm, TwoPhase, consistent};
    use crate::{Checker, Report};

    /// What a report says, but for the time taken.
    fn said(report: &Report<TwoPhase>) -> String {
        let trace = report.violation.as_ref().map(|v| (&v.invariant, &v.trace));
        format!(
            "{} {} {} {} {:?} {:?} {trace:?}",
            report.distinct,
            report.generated,
            report.depth,
            report.complete,
            report.stopped,
            report.unreached
        )
    }

    #[test]
    fn several_threads_report_what_one_thread_reports() {
        for rms in 1..=6 {
            for bug in [false, true] {
                let system = TwoPhase {
                    rms,
                    commits_without_all_votes: bug,
                };
                for (depth, symmetry) in [(None, false), (Some(4), false), (None, true)] {
                    let checker = || {
                        let checker = Checker::new(&system)
                            .invariant("TCConsistent", |s| consistent(&system, s))
                            .sometimes("committed", |s| s.tm() == Tm::Committed)
                            .symmetry(symmetry);
                        match depth {
                            Some(levels) => checker.max_depth(levels),
                            None => checker,
                        }
                    };
                    let one = said(&checker().run());
                    for threads in [2, 3, 5] {
                        let many = said(&checker().threads(threads).run());
                        assert_eq!(many, one, "{rms} RMs, bug {bug}, {threads} threads");
                    }
                }
            }
        }
    }

    #[test]
    fn a_bound_of_states_stops_several_threads_too() {
        let system = TwoPhase {
            rms: 6,
            commits_without_all_votes: false,
        };
        let report = Checker::new(&system).max_states(1000).threads(2).run();
        assert_eq!(report.stopped, Some(super::Stop::States(1000)));
        assert!(report.distinct >= 1000 && !report.complete);
    }
}
