//! Lamport's TwoPhase commit specification written for Stateright 0.31, checked breadth-first
//! with Stateright's default threads; prints the same counts as the book's checker.

use stateright::{Checker, Model, Property};
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Rm {
    Working,
    Prepared,
    Committed,
    Aborted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Tm {
    Init,
    Committed,
    Aborted,
}

/// The state packed as the book's checker packs it, so that the two checkers compare on equal
/// terms: one word, with two bits per resource manager (bits 0-29), two for the TM (30-31), a
/// bit per manager for the TM's votes (32-46) and for the Prepared messages (47-61), and a bit
/// each for Commit (62) and Abort (63).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct State(u64);

const TM: usize = 30;
const VOTES: usize = 32;
const PREPARED: usize = 47;
const COMMIT: u64 = 1 << 62;
const ABORT: u64 = 1 << 63;

impl State {
    fn rm(&self, i: usize) -> Rm {
        [Rm::Working, Rm::Prepared, Rm::Committed, Rm::Aborted][(self.0 >> (2 * i) & 3) as usize]
    }

    fn tm(&self) -> Tm {
        [Tm::Init, Tm::Committed, Tm::Aborted][(self.0 >> TM & 3) as usize]
    }

    fn set_rm(&mut self, i: usize, rm: Rm) {
        self.0 = (self.0 & !(3 << (2 * i))) | (rm as u64) << (2 * i);
    }

    fn set_tm(&mut self, tm: Tm) {
        self.0 = (self.0 & !(3 << TM)) | (tm as u64) << TM;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Action {
    TmRcvPrepared(usize),
    TmCommit,
    TmAbort,
    RmPrepare(usize),
    RmChooseToAbort(usize),
    RmRcvCommitMsg(usize),
    RmRcvAbortMsg(usize),
}

struct TwoPhase {
    rms: usize,
}

impl Model for TwoPhase {
    type State = State;
    type Action = Action;

    fn init_states(&self) -> Vec<State> {
        vec![State(0)]
    }

    fn actions(&self, s: &State, actions: &mut Vec<Action>) {
        if s.tm() == Tm::Init {
            let all = (1u64 << self.rms) - 1;
            if s.0 >> VOTES & all == all {
                actions.push(Action::TmCommit);
            }
            actions.push(Action::TmAbort);
        }
        for rm in 0..self.rms {
            if s.tm() == Tm::Init && s.0 >> (PREPARED + rm) & 1 == 1 {
                actions.push(Action::TmRcvPrepared(rm));
            }
            if s.rm(rm) == Rm::Working {
                actions.push(Action::RmPrepare(rm));
                actions.push(Action::RmChooseToAbort(rm));
            }
            if s.0 & COMMIT != 0 {
                actions.push(Action::RmRcvCommitMsg(rm));
            }
            if s.0 & ABORT != 0 {
                actions.push(Action::RmRcvAbortMsg(rm));
            }
        }
    }

    fn next_state(&self, s: &State, action: Action) -> Option<State> {
        let mut s = *s;
        match action {
            Action::TmRcvPrepared(rm) => s.0 |= 1 << (VOTES + rm),
            Action::TmCommit => {
                s.set_tm(Tm::Committed);
                s.0 |= COMMIT;
            }
            Action::TmAbort => {
                s.set_tm(Tm::Aborted);
                s.0 |= ABORT;
            }
            Action::RmPrepare(rm) => {
                s.set_rm(rm, Rm::Prepared);
                s.0 |= 1 << (PREPARED + rm);
            }
            Action::RmChooseToAbort(rm) | Action::RmRcvAbortMsg(rm) => s.set_rm(rm, Rm::Aborted),
            Action::RmRcvCommitMsg(rm) => s.set_rm(rm, Rm::Committed),
        }
        Some(s)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![Property::always("consistent", |m: &TwoPhase, s: &State| {
            let committed = (0..m.rms).any(|i| s.rm(i) == Rm::Committed);
            let aborted = (0..m.rms).any(|i| s.rm(i) == Rm::Aborted);
            !(committed && aborted)
        })]
    }
}

fn main() {
    let rms: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let started = Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let checker = TwoPhase { rms }.checker().threads(threads).spawn_bfs().join();
    let elapsed = started.elapsed().as_secs_f64();
    let unique = checker.unique_state_count();
    println!("Stateright 0.31, TwoPhase, {rms} resource managers, {threads} threads");
    println!("  distinct states: {unique}");
    println!("  time: {elapsed:.3} s ({:.0} states/s)", unique as f64 / elapsed);
    checker.assert_properties();
}
