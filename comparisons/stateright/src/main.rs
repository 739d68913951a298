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
/// terms: two bits per resource manager, bitsets for the TM's votes and the Prepared messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct State {
    rm: u32,
    tm: Tm,
    tm_prepared: u16,
    prepared_msgs: u16,
    commit_msg: bool,
    abort_msg: bool,
}

impl State {
    fn rm(&self, i: usize) -> Rm {
        [Rm::Working, Rm::Prepared, Rm::Committed, Rm::Aborted][(self.rm >> (2 * i) & 3) as usize]
    }

    fn set_rm(&mut self, i: usize, rm: Rm) {
        self.rm = (self.rm & !(3 << (2 * i))) | (rm as u32) << (2 * i);
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
        vec![State { rm: 0, tm: Tm::Init, tm_prepared: 0, prepared_msgs: 0, commit_msg: false, abort_msg: false }]
    }

    fn actions(&self, s: &State, actions: &mut Vec<Action>) {
        if s.tm == Tm::Init {
            if s.tm_prepared == ((1u32 << self.rms) - 1) as u16 {
                actions.push(Action::TmCommit);
            }
            actions.push(Action::TmAbort);
        }
        for rm in 0..self.rms {
            if s.tm == Tm::Init && s.prepared_msgs >> rm & 1 == 1 {
                actions.push(Action::TmRcvPrepared(rm));
            }
            if s.rm(rm) == Rm::Working {
                actions.push(Action::RmPrepare(rm));
                actions.push(Action::RmChooseToAbort(rm));
            }
            if s.commit_msg {
                actions.push(Action::RmRcvCommitMsg(rm));
            }
            if s.abort_msg {
                actions.push(Action::RmRcvAbortMsg(rm));
            }
        }
    }

    fn next_state(&self, s: &State, action: Action) -> Option<State> {
        let mut s = *s;
        match action {
            Action::TmRcvPrepared(rm) => s.tm_prepared |= 1 << rm,
            Action::TmCommit => {
                s.tm = Tm::Committed;
                s.commit_msg = true;
            }
            Action::TmAbort => {
                s.tm = Tm::Aborted;
                s.abort_msg = true;
            }
            Action::RmPrepare(rm) => {
                s.set_rm(rm, Rm::Prepared);
                s.prepared_msgs |= 1 << rm;
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
