//! Lamport's TwoPhase commit specification (`TwoPhase.tla`, from Gray & Lamport's
//! "Consensus on transaction commit", ACM TODS 31(1), 2006) as a transition system: a
//! transaction manager (TM) and N resource managers (RMs), with messages as a set that is
//! never emptied.

use crate::system::System;
use std::fmt;

/// The most resource managers the compact state holds.
pub const MAX_RMS: usize = 15;

/// A resource manager's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rm {
    /// Working on the transaction.
    Working,
    /// Voted to commit.
    Prepared,
    /// Committed.
    Committed,
    /// Aborted.
    Aborted,
}

/// The transaction manager's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tm {
    /// Collecting votes.
    Init,
    /// Decided to commit.
    Committed,
    /// Decided to abort.
    Aborted,
}

// ANCHOR: state
/// A state of TwoPhase, packed into one word: two bits per resource manager (bits 0–29),
/// two for the TM (30–31), a bit per manager for the TM's `tmPrepared` set (32–46) and
/// for the `Prepared` messages (47–61), and a bit each for `Commit` (62) and `Abort` (63).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct State(u64);

const TM: usize = 30;
const VOTES: usize = 32;
const PREPARED: usize = 47;
const COMMIT: u64 = 1 << 62;
const ABORT: u64 = 1 << 63;
// ANCHOR_END: state

impl State {
    /// Resource manager `i`'s state.
    pub fn rm(&self, i: usize) -> Rm {
        [Rm::Working, Rm::Prepared, Rm::Committed, Rm::Aborted]
            [(self.0 >> (2 * i) & 3) as usize]
    }

    /// The transaction manager's state.
    pub fn tm(&self) -> Tm {
        [Tm::Init, Tm::Committed, Tm::Aborted][(self.0 >> TM & 3) as usize]
    }

    /// This state with resource manager `i` in state `rm`.
    fn with_rm(self, i: usize, rm: Rm) -> State {
        State((self.0 & !(3 << (2 * i))) | (rm as u64) << (2 * i))
    }

    /// This state with the TM in state `tm`.
    fn with_tm(self, tm: Tm) -> State {
        State((self.0 & !(3 << TM)) | (tm as u64) << TM)
    }

    /// This state with `bit` set: a vote recorded or a message sent.
    fn with(self, bit: u64) -> State {
        State(self.0 | bit)
    }

    /// Whether `bit` is set.
    fn has(self, bit: u64) -> bool {
        self.0 & bit != 0
    }

    /// How many of the first `rms` managers' votes the TM has recorded.
    fn votes(self, rms: usize) -> u32 {
        (self.0 >> VOTES & ((1 << rms) - 1)).count_ones()
    }
}

/// The bit of resource manager `i` in the TM's `tmPrepared` set.
fn vote(i: usize) -> u64 {
    1 << (VOTES + i)
}

/// The bit of resource manager `i`'s `Prepared` message.
fn prepared(i: usize) -> u64 {
    1 << (PREPARED + i)
}

/// The actions of TwoPhase.tla's `TPNext`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `TMRcvPrepared(rm)`: the TM records a vote.
    TmRcvPrepared(usize),
    /// `TMCommit`: the TM decides to commit.
    TmCommit,
    /// `TMAbort`: the TM decides to abort.
    TmAbort,
    /// `RMPrepare(rm)`: an RM votes to commit.
    RmPrepare(usize),
    /// `RMChooseToAbort(rm)`: an RM aborts on its own.
    RmChooseToAbort(usize),
    /// `RMRcvCommitMsg(rm)`: an RM learns of the commit.
    RmRcvCommitMsg(usize),
    /// `RMRcvAbortMsg(rm)`: an RM learns of the abort.
    RmRcvAbortMsg(usize),
}

/// TwoPhase with `rms` resource managers.
#[derive(Clone, Copy, Debug)]
pub struct TwoPhase {
    /// How many resource managers.
    pub rms: usize,
    /// The planted bug: the TM commits once *any* manager has voted, not all.
    pub commits_without_all_votes: bool,
}

// ANCHOR: next
impl System for TwoPhase {
    type State = State;
    type Action = Action;

    /// `TPInit`: every RM working, the TM in `init`, no votes recorded, no messages.
    fn initial(&self) -> Vec<State> {
        vec![State(0)]
    }

    /// `TPNext`: each action whose guard holds, with its effect.
    fn successors(&self, s: &State, out: &mut Vec<(Action, State)>) {
        let s = *s;
        if s.tm() == Tm::Init {
            let votes = s.votes(self.rms) as usize;
            let enough = if self.commits_without_all_votes {
                votes > 0
            } else {
                votes == self.rms
            };
            if enough {
                out.push((Action::TmCommit, s.with_tm(Tm::Committed).with(COMMIT)));
            }
            out.push((Action::TmAbort, s.with_tm(Tm::Aborted).with(ABORT)));
        }
        for rm in 0..self.rms {
            if s.tm() == Tm::Init && s.has(prepared(rm)) {
                out.push((Action::TmRcvPrepared(rm), s.with(vote(rm))));
            }
            if s.rm(rm) == Rm::Working {
                let voted = s.with_rm(rm, Rm::Prepared).with(prepared(rm));
                out.push((Action::RmPrepare(rm), voted));
                out.push((Action::RmChooseToAbort(rm), s.with_rm(rm, Rm::Aborted)));
            }
            if s.has(COMMIT) {
                out.push((Action::RmRcvCommitMsg(rm), s.with_rm(rm, Rm::Committed)));
            }
            if s.has(ABORT) {
                out.push((Action::RmRcvAbortMsg(rm), s.with_rm(rm, Rm::Aborted)));
            }
        }
    }

    /// The RMs are interchangeable: sort them by what distinguishes one from another.
    fn canonical(&self, s: &State) -> State {
        let mut rms: Vec<(u8, bool, bool)> = (0..self.rms)
            .map(|i| (s.rm(i) as u8, s.has(vote(i)), s.has(prepared(i))))
            .collect();
        rms.sort_unstable();
        // The TM and the Commit and Abort messages stay; the RMs are laid out sorted.
        let mut c = State(s.0 & (3 << TM | COMMIT | ABORT));
        for (i, (rm, voted, sent)) in rms.into_iter().enumerate() {
            c.0 |= u64::from(rm) << (2 * i);
            if voted {
                c = c.with(vote(i));
            }
            if sent {
                c = c.with(prepared(i));
            }
        }
        c
    }
}
// ANCHOR_END: next

// ANCHOR: consistent
/// `TCConsistent`: no resource manager has committed while another has aborted.
pub fn consistent(system: &TwoPhase, s: &State) -> bool {
    let committed = (0..system.rms).any(|i| s.rm(i) == Rm::Committed);
    let aborted = (0..system.rms).any(|i| s.rm(i) == Rm::Aborted);
    !(committed && aborted)
}
// ANCHOR_END: consistent

impl State {
    /// The state of a system of `rms` resource managers, as TwoPhase.tla names its parts.
    pub fn describe(&self, rms: usize) -> String {
        let states: Vec<String> = (0..rms)
            .map(|i| format!("{:?}", self.rm(i)).to_lowercase())
            .collect();
        let mut msgs: Vec<String> = (0..rms)
            .filter(|&i| self.has(prepared(i)))
            .map(|i| format!("Prepared(rm{i})"))
            .collect();
        if self.has(COMMIT) {
            msgs.push("Commit".into());
        }
        if self.has(ABORT) {
            msgs.push("Abort".into());
        }
        let voted: Vec<String> = (0..rms)
            .filter(|&i| self.has(vote(i)))
            .map(|i| format!("rm{i}"))
            .collect();
        format!(
            "rm=[{}] tm={:?} tmPrepared={{{}}} msgs={{{}}}",
            states.join(","),
            self.tm(),
            voted.join(","),
            msgs.join(",")
        )
    }
}

impl fmt::Debug for State {
    /// Every resource manager the state can hold; [`State::describe`] shows only a
    /// system's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(MAX_RMS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Checker;

    #[test]
    fn three_resource_managers_match_tlc() {
        let system = TwoPhase {
            rms: 3,
            commits_without_all_votes: false,
        };
        let report = Checker::new(&system)
            .invariant("TCConsistent", |s| consistent(&system, s))
            .run();
        assert_eq!(
            (report.distinct, report.generated, report.depth),
            (288, 1146, 11)
        );
        assert!(report.complete && report.violation.is_none());
    }
}
