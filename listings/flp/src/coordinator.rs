//! The second and third escapes: a rotating coordinator, after Chandra and Toueg's ◇S
//! algorithm [CT96], that waits for the coordinator of a round until a failure detector
//! suspects it. Given an oracle that becomes accurate (◇P, and so ◇S), it is the third
//! escape; given a
//! timeout that doubles every round, it is the second, partial synchrony [DLS88]: after
//! GST some timeout exceeds the real delays, and the detector stops lying.

use crate::protocols::{Bit, agree, valid};
use modelcheck::processes::{Faults, Global, Processes};
use process::{Context, Process, ProcessId, Time};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// How a process decides to stop waiting for a round's coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Detector {
    /// An oracle: until `stable` it answers at random, suspecting correct
    /// processes too; from then on it suspects exactly the processes in `crashed`.
    Oracle {
        /// When it stops lying.
        stable: Time,
        /// The processes that crash.
        crashed: Vec<ProcessId>,
    },
    /// Partial synchrony: suspect the coordinator of round r if its proposal has not
    /// come within `first` × 2^(r − 1) (capped at 2^10), so that after GST some round's
    /// timeout exceeds the real delays.
    Timeout {
        /// The first round's timeout.
        first: Duration,
    },
}

/// What the processes send.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Phase 1, to the coordinator: my estimate and the round it was last adopted in.
    Estimate {
        /// The round.
        round: u32,
        /// The estimate.
        x: Bit,
        /// When it was adopted (0: my input).
        ts: u32,
    },
    /// Phase 2, from the coordinator: the estimate with the latest timestamp of a
    /// majority.
    Propose {
        /// The round.
        round: u32,
        /// The proposal.
        x: Bit,
    },
    /// Phase 3, to the coordinator: adopted.
    Ack {
        /// The round.
        round: u32,
    },
    /// Phase 3, to the coordinator: I suspected you.
    Nack {
        /// The round.
        round: u32,
    },
    /// The decision, relayed once by each process that receives it (reliable broadcast).
    Decide(Bit),
}

/// The detector's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Timer {
    /// Ask the oracle again.
    Poll,
    /// The timeout of a round's coordinator.
    Suspect(u32),
    /// The planted bug `SilenceIsConsent`: the coordinator's wait for nacks.
    Confirm(u32),
}

/// A process of the rotating-coordinator protocol.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rotating {
    /// Processes in all.
    pub n: usize,
    /// Its failure detector.
    pub detector: Detector,
    /// The current round, from 1; its coordinator is process (round − 1) mod n.
    pub round: u32,
    /// The estimate.
    pub x: Bit,
    /// The round in which the estimate was adopted.
    pub ts: u32,
    /// Whether it waits for the current round's proposal.
    pub waiting: bool,
    /// Proposals received for its current round and later ones, by round.
    pub proposals: BTreeMap<u32, Bit>,
    /// As coordinator: estimates received for rounds it has not yet proposed in, by round.
    pub estimates: BTreeMap<u32, Vec<(Bit, u32)>>,
    /// As coordinator: rounds proposed in, with their proposal.
    pub proposed: BTreeMap<u32, Bit>,
    /// As coordinator: replies received, by round: (acks, nacks).
    pub replies: BTreeMap<u32, (usize, usize)>,
    /// Rounds whose decision it has broadcast.
    pub announced: BTreeSet<u32>,
    /// Its decision and the round it was in.
    pub decided: Option<(Bit, u32)>,
    /// The last round it runs (for the model checker; unbounded in the simulator).
    pub rounds: u32,
    /// A planted bug, if any.
    pub bug: Option<Bug>,
}

/// Planted bugs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// As coordinator, propose its own estimate rather than the one with the latest
    /// timestamp, unlocking what a majority adopted.
    IgnoresTimestamps,
    /// As coordinator, decide its proposal if no nack has come within the round's
    /// timeout: synchronous reasoning (a process that did not adopt would have said so
    /// in time), false before GST.
    SilenceIsConsent,
}

impl Rotating {
    /// Processes with these inputs and this detector.
    pub fn processes(
        inputs: &[Bit],
        detector: &Detector,
        bug: Option<Bug>,
    ) -> Vec<Rotating> {
        inputs
            .iter()
            .map(|&x| Rotating {
                n: inputs.len(),
                detector: detector.clone(),
                round: 0,
                x,
                ts: 0,
                waiting: false,
                proposals: BTreeMap::new(),
                estimates: BTreeMap::new(),
                proposed: BTreeMap::new(),
                replies: BTreeMap::new(),
                announced: BTreeSet::new(),
                decided: None,
                rounds: u32::MAX,
                bug,
            })
            .collect()
    }

    /// Round `round`'s timeout, with `Detector::Timeout`.
    fn timeout(&self, round: u32) -> Option<Duration> {
        match self.detector {
            Detector::Timeout { first } => Some(first * (1 << (round - 1).min(10))),
            Detector::Oracle { .. } => None,
        }
    }

    fn coordinator(&self, round: u32) -> ProcessId {
        (round as usize - 1) % self.n
    }

    fn majority(&self) -> usize {
        self.n / 2 + 1
    }

    /// Phase 1 of `round`: send the estimate to its coordinator, and wait for its
    /// proposal.
    fn begin(&mut self, round: u32, ctx: &mut Context<'_, Rotating>) {
        self.round = round;
        if round > self.rounds {
            self.waiting = false;
            return;
        }
        self.waiting = true;
        // Nothing of an earlier round is read again.
        self.proposals.retain(|&r, _| r >= round);
        let (x, ts) = (self.x, self.ts);
        ctx.send(self.coordinator(round), Message::Estimate { round, x, ts });
        if let Some(timeout) = self.timeout(round) {
            ctx.set_timer(Timer::Suspect(round), timeout);
        }
        if let Some(&x) = self.proposals.get(&round) {
            self.adopt(x, ctx);
        }
    }

    /// Phase 3: the coordinator's proposal came: adopt it, acknowledge, move on.
    fn adopt(&mut self, x: Bit, ctx: &mut Context<'_, Rotating>) {
        let round = self.round;
        self.x = x;
        self.ts = round;
        self.waiting = false;
        ctx.send(self.coordinator(round), Message::Ack { round });
        self.begin(round + 1, ctx);
    }

    /// Phase 3: the coordinator is suspected: say so, move on.
    fn suspect(&mut self, ctx: &mut Context<'_, Rotating>) {
        let round = self.round;
        self.waiting = false;
        ctx.send(self.coordinator(round), Message::Nack { round });
        self.begin(round + 1, ctx);
    }

    fn decide(&mut self, x: Bit, ctx: &mut Context<'_, Rotating>) {
        if self.decided.is_none() {
            self.decided = Some((x, self.round));
            ctx.output(x);
            let me = ctx.id();
            ctx.send_all((0..self.n).filter(|&q| q != me), &Message::Decide(x));
        }
    }
}

impl Process for Rotating {
    type Message = Message;
    type Timer = Timer;
    type Request = ();
    type Response = ();
    type Output = Bit;
    type Storage = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if matches!(self.detector, Detector::Oracle { .. }) {
            ctx.set_timer(Timer::Poll, Duration::from_millis(1));
        }
        self.begin(1, ctx);
    }

    // ANCHOR: coordinator
    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        if self.ignores(&(), from, &message) {
            return;
        }
        if let Some((x, _)) = self.decided {
            // A decision sent before GST may have been lost: tell whoever still runs.
            ctx.send(from, Message::Decide(x));
            return;
        }
        match message {
            Message::Estimate { round, x, ts } => {
                let majority = self.majority();
                let estimates = self.estimates.entry(round).or_default();
                estimates.push((x, ts));
                // Phase 2: with a majority's estimates, propose the latest adopted.
                if estimates.len() >= majority && !self.proposed.contains_key(&round) {
                    let &(mut x, _) =
                        estimates.iter().max_by_key(|(_, ts)| *ts).expect("some");
                    if self.bug == Some(Bug::IgnoresTimestamps) {
                        x = self.x;
                    }
                    self.proposed.insert(round, x);
                    self.estimates.remove(&round);
                    ctx.send_all(0..self.n, &Message::Propose { round, x });
                    if let (Some(Bug::SilenceIsConsent), Some(timeout)) =
                        (self.bug, self.timeout(round))
                    {
                        ctx.set_timer(Timer::Confirm(round), timeout);
                    }
                }
            }
            Message::Propose { round, x } => {
                self.proposals.insert(round, x);
                if self.waiting && self.round == round {
                    self.adopt(x, ctx);
                }
            }
            Message::Ack { round } | Message::Nack { round } => {
                let ack = matches!(message, Message::Ack { .. });
                let majority = self.majority();
                let (acks, nacks) = self.replies.entry(round).or_default();
                *if ack { acks } else { nacks } += 1;
                // Phase 4: the first majority of replies all acks: a majority adopted the
                // proposal with timestamp `round`, so it is locked; decide.
                let (acks, nacks) = self.replies[&round];
                if acks + nacks == majority && nacks == 0 && self.announced.insert(round)
                {
                    let x = self.proposed[&round];
                    self.decide(x, ctx);
                }
            }
            Message::Decide(x) => self.decide(x, ctx),
        }
    }

    /// The messages a process will never read: an estimate for a round it has proposed
    /// in, a proposal for a round it has left or stopped waiting in, a reply to a round
    /// whose first majority of replies it has counted (unless silence is consent, which
    /// reads the nacks until its timer fires), and a decision once it has decided. What
    /// it has read only grows, and a crashed process never restarts (no system of this
    /// crate lets one), so each stays unread; a decided process answers the others with
    /// its decision, not these.
    fn ignores(&self, _: &(), _: ProcessId, message: &Message) -> bool {
        match *message {
            Message::Estimate { round, .. } => self.proposed.contains_key(&round),
            Message::Propose { round, .. } => {
                round < self.round || (round == self.round && !self.waiting)
            }
            Message::Ack { round } | Message::Nack { round } => {
                self.bug != Some(Bug::SilenceIsConsent)
                    && (self.replies.get(&round))
                        .is_some_and(|&(acks, nacks)| acks + nacks >= self.majority())
            }
            Message::Decide(_) => self.decided.is_some(),
        }
    }
    // ANCHOR_END: coordinator

    fn on_timer(&mut self, timer: Timer, ctx: &mut Context<'_, Self>) {
        if self.decided.is_some() {
            return;
        }
        match timer {
            Timer::Poll => {
                let Detector::Oracle { stable, crashed } = &self.detector else {
                    return;
                };
                let coordinator = self.coordinator(self.round.max(1));
                let suspected = if ctx.now() < *stable {
                    ctx.coin()
                } else {
                    crashed.contains(&coordinator)
                };
                ctx.set_timer(Timer::Poll, Duration::from_millis(1));
                if self.waiting && suspected {
                    self.suspect(ctx);
                }
            }
            Timer::Suspect(round) => {
                if self.waiting && self.round == round {
                    self.suspect(ctx);
                }
            }
            Timer::Confirm(round) => {
                if self
                    .replies
                    .get(&round)
                    .is_none_or(|&(_, nacks)| nacks == 0)
                {
                    let x = self.proposed[&round];
                    self.decide(x, ctx);
                }
            }
        }
    }
}

/// The inputs of the model-checked system.
const INPUTS: [Bit; 3] = [0, 1, 0];

/// The rotating coordinator on inputs 0 1 0 for the model checker, with `bug` planted:
/// every process runs at most `rounds` rounds, and the oracle never stabilizes, so that
/// every pattern of its lies (each poll a coin) is a branch. Messages their receivers
/// ignore are dropped ([`Process::ignores`]).
pub fn system(rounds: u32, bug: Option<Bug>) -> Processes<Rotating> {
    let lying = Detector::Oracle {
        stable: Time::MAX,
        crashed: Vec::new(),
    };
    let mut initial = Rotating::processes(&INPUTS, &lying, bug);
    for p in &mut initial {
        p.rounds = rounds;
    }
    Processes::new(initial, Faults::default())
}

/// The checker of a system on the inputs of [`system`]: agreement and validity.
pub fn checker(
    system: &Processes<Rotating>,
) -> modelcheck::Checker<'_, Processes<Rotating>> {
    let agreement = |g: &Global<Rotating>| agree(g.all_outputs().flatten());
    let validity = |g: &Global<Rotating>| valid(g.all_outputs().flatten(), &INPUTS);
    modelcheck::Checker::new(system)
        .invariant("agreement", agreement)
        .invariant("validity", validity)
}

/// [`checker`] on [`system`], up to `bound` states; and, so that a pass is not for want
/// of decisions, the last round's coordinator deciding on its round's acknowledgments
/// must be reachable.
pub fn check(
    rounds: u32,
    bug: Option<Bug>,
    bound: usize,
) -> modelcheck::Report<Processes<Rotating>> {
    let system = system(rounds, bug);
    checker(&system)
        .sometimes("a decision by the last round's coordinator", move |g| {
            g.all_processes().any(|p| p.announced.contains(&rounds))
        })
        .max_states(bound)
        .run()
}
