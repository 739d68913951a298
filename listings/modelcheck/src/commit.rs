//! Two-phase commit as message-passing processes: a transaction manager (process 0) and
//! resource managers (the others), exchanging messages over a network that may lose and
//! duplicate them — TwoPhase.tla's protocol, written as the code a system would run.

use crate::Checker;
use crate::processes::Processes;
use process::{Context, Process, ProcessId};
use serde::{Deserialize, Serialize};

/// What the managers say to each other.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// An RM votes to commit.
    Prepared,
    /// The TM's decision: commit.
    Commit,
    /// The TM's decision: abort.
    Abort,
}

/// An outcome, as each manager announces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Committed.
    Committed,
    /// Aborted.
    Aborted,
}

// ANCHOR: managers
/// A manager: the TM or an RM.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Manager {
    /// The transaction manager.
    Tm {
        /// The resource managers.
        rms: Vec<ProcessId>,
        /// The votes received.
        prepared: Vec<ProcessId>,
        /// The decision, once made.
        decided: Option<Outcome>,
        /// The planted bug: commit on the first vote.
        hasty: bool,
    },
    /// A resource manager.
    Rm {
        /// Whether it voted to commit.
        prepared: bool,
        /// Its outcome, once known.
        outcome: Option<Outcome>,
    },
}

impl Process for Manager {
    type Message = Message;
    type Timer = ();
    type Request = ();
    type Response = ();
    type Output = Outcome;
    type Storage = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            // The TM gives up waiting for votes when its timer fires (any time, to the
            // checker).
            Manager::Tm { .. } => {
                ctx.set_timer((), std::time::Duration::from_millis(100))
            }
            // Each RM decides on its own whether it can commit: a choice, so both are
            // checked.
            Manager::Rm { prepared, outcome } => {
                if ctx.choose(2) == 0 {
                    *prepared = true;
                    ctx.send(0, Message::Prepared);
                } else {
                    *outcome = Some(Outcome::Aborted);
                    ctx.output(Outcome::Aborted);
                }
            }
        }
    }

    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        match (self, message) {
            (
                Manager::Tm {
                    rms,
                    prepared,
                    decided: decided @ None,
                    hasty,
                },
                Message::Prepared,
            ) => {
                if !prepared.contains(&from) {
                    prepared.push(from);
                    prepared.sort_unstable();
                }
                if *hasty || prepared.len() == rms.len() {
                    *decided = Some(Outcome::Committed);
                    ctx.output(Outcome::Committed);
                    ctx.send_all(rms.clone(), &Message::Commit);
                }
            }
            (
                Manager::Rm {
                    outcome: outcome @ None,
                    ..
                },
                Message::Commit,
            ) => {
                *outcome = Some(Outcome::Committed);
                ctx.output(Outcome::Committed);
            }
            (
                Manager::Rm {
                    outcome: outcome @ None,
                    ..
                },
                Message::Abort,
            ) => {
                *outcome = Some(Outcome::Aborted);
                ctx.output(Outcome::Aborted);
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, _: (), ctx: &mut Context<'_, Self>) {
        if let Manager::Tm {
            rms,
            decided: decided @ None,
            ..
        } = self
        {
            *decided = Some(Outcome::Aborted);
            ctx.output(Outcome::Aborted);
            ctx.send_all(rms.clone(), &Message::Abort);
        }
    }
}
// ANCHOR_END: managers

/// The TM and `rms` RMs; `hasty` plants the bug.
pub fn managers(rms: usize, hasty: bool) -> Vec<Manager> {
    let tm = Manager::Tm {
        rms: (1..=rms).collect(),
        prepared: Vec::new(),
        decided: None,
        hasty,
    };
    std::iter::once(tm)
        .chain((0..rms).map(|_| Manager::Rm {
            prepared: false,
            outcome: None,
        }))
        .collect()
}

/// No two managers announce different outcomes.
pub fn consistent(outputs: &[&[Outcome]]) -> bool {
    let all: Vec<Outcome> = outputs.iter().copied().flatten().copied().collect();
    !(all.contains(&Outcome::Committed) && all.contains(&Outcome::Aborted))
}

/// A checker of `system` with its one invariant, `consistent`, over every manager's
/// outputs.
pub fn checker(system: &Processes<Manager>) -> Checker<'_, Processes<Manager>> {
    Checker::new(system).invariant("consistent", |s| {
        consistent(&s.all_outputs().collect::<Vec<_>>())
    })
}
