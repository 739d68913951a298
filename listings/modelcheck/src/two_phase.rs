//! Lamport's TwoPhase commit specification (`TwoPhase.tla`, from Gray & Lamport's
//! "Consensus on transaction commit", ACM TODS 31(1), 2006) as a transition system: a
//! transaction manager (TM) and N resource managers (RMs), with messages as a set that is
//! never emptied.

use crate::system::System;
use std::fmt;

/// The most resource managers the compact state holds.
pub const MAX_RMS: usize = 16;

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
/// A state of TwoPhase, packed: two bits per resource manager, a bit per manager for the
/// TM's
/// `tmPrepared` set and for the `Prepared` messages, and a bit each for `Commit` and
/// `Abort`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct State {
    rm: u32,
    tm: u8,
    tm_prepared: u16,
    prepared_msgs: u16,
    commit_msg: bool,
    abort_msg: bool,
}
// ANCHOR_END: state

impl State {
    /// Resource manager `i`'s state.
    pub fn rm(&self, i: usize) -> Rm {
        [Rm::Working, Rm::Prepared, Rm::Committed, Rm::Aborted]
            [(self.rm >> (2 * i) & 3) as usize]
    }

    fn set_rm(&mut self, i: usize, rm: Rm) {
        self.rm = (self.rm & !(3 << (2 * i))) | (rm as u32) << (2 * i);
    }

    /// The transaction manager's state.
    pub fn tm(&self) -> Tm {
        [Tm::Init, Tm::Committed, Tm::Aborted][self.tm as usize]
    }
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
        vec![State {
            rm: 0,
            tm: 0,
            tm_prepared: 0,
            prepared_msgs: 0,
            commit_msg: false,
            abort_msg: false,
        }]
    }

    /// `TPNext`: each action whose guard holds, with its effect.
    fn successors(&self, s: &State, out: &mut Vec<(Action, State)>) {
        let all = ((1u32 << self.rms) - 1) as u16;
        if s.tm() == Tm::Init {
            let votes = if self.commits_without_all_votes {
                s.tm_prepared != 0
            } else {
                s.tm_prepared == all
            };
            if votes {
                out.push((
                    Action::TmCommit,
                    State {
                        tm: Tm::Committed as u8,
                        commit_msg: true,
                        ..*s
                    },
                ));
            }
            out.push((
                Action::TmAbort,
                State {
                    tm: Tm::Aborted as u8,
                    abort_msg: true,
                    ..*s
                },
            ));
        }
        for rm in 0..self.rms {
            let bit = 1u16 << rm;
            if s.tm() == Tm::Init && s.prepared_msgs & bit != 0 {
                out.push((
                    Action::TmRcvPrepared(rm),
                    State {
                        tm_prepared: s.tm_prepared | bit,
                        ..*s
                    },
                ));
            }
            if s.rm(rm) == Rm::Working {
                let mut prepared = State {
                    prepared_msgs: s.prepared_msgs | bit,
                    ..*s
                };
                prepared.set_rm(rm, Rm::Prepared);
                out.push((Action::RmPrepare(rm), prepared));
                let mut aborted = *s;
                aborted.set_rm(rm, Rm::Aborted);
                out.push((Action::RmChooseToAbort(rm), aborted));
            }
            if s.commit_msg {
                let mut committed = *s;
                committed.set_rm(rm, Rm::Committed);
                out.push((Action::RmRcvCommitMsg(rm), committed));
            }
            if s.abort_msg {
                let mut aborted = *s;
                aborted.set_rm(rm, Rm::Aborted);
                out.push((Action::RmRcvAbortMsg(rm), aborted));
            }
        }
    }

    /// The RMs are interchangeable: sort them by what distinguishes one from another.
    fn canonical(&self, s: &State) -> State {
        let mut rms: Vec<(u32, bool, bool)> = (0..self.rms)
            .map(|i| {
                (
                    s.rm >> (2 * i) & 3,
                    s.tm_prepared >> i & 1 == 1,
                    s.prepared_msgs >> i & 1 == 1,
                )
            })
            .collect();
        rms.sort_unstable();
        let mut c = State {
            rm: 0,
            tm_prepared: 0,
            prepared_msgs: 0,
            ..*s
        };
        for (i, (rm, voted, sent)) in rms.into_iter().enumerate() {
            c.rm |= rm << (2 * i);
            c.tm_prepared |= u16::from(voted) << i;
            c.prepared_msgs |= u16::from(sent) << i;
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
            .filter(|i| self.prepared_msgs >> i & 1 == 1)
            .map(|i| format!("Prepared(rm{i})"))
            .collect();
        if self.commit_msg {
            msgs.push("Commit".into());
        }
        if self.abort_msg {
            msgs.push("Abort".into());
        }
        let voted: Vec<String> = (0..rms)
            .filter(|i| self.tm_prepared >> i & 1 == 1)
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
