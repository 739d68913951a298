//! Deterministic consensus protocols for binary inputs, each the kind a practitioner
//! might write, and each defeated by FLP in its own way.

use process::{Context, Process, ProcessId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An input or a decision: 0 or 1.
pub type Bit = u8;

/// Agreement: no two of `decisions` differ.
pub fn agree<'a>(decisions: impl IntoIterator<Item = &'a Bit>) -> bool {
    let mut decisions = decisions.into_iter();
    let first = decisions.next();
    decisions.all(|d| Some(d) == first)
}

/// Validity: every one of `decisions` is one of the `inputs`.
pub fn valid<'a>(decisions: impl IntoIterator<Item = &'a Bit>, inputs: &[Bit]) -> bool {
    decisions.into_iter().all(|d| inputs.contains(d))
}

/// The protocols the adversary is run against.
#[derive(Clone, Copy, Debug)]
pub enum Protocol {
    /// Send your input to all; on n − 1 votes (your own included), decide the majority,
    /// ties going to 0. It never waits for a crashed process.
    MajorityOfRest,
    /// Send your input to all; on all n votes, decide the majority, ties going to 0.
    WaitForAll,
    /// Process 0 decides its input and tells the others, who wait for it.
    Coordinator,
    /// Ben-Or's rounds (crash version, n > 2f) with the coin replaced by a fixed choice
    /// of 0: deterministic, safe, and never waiting for more than n − f processes.
    Rounds,
    /// Ben-Or's randomized protocol [Ben83]: `Rounds` with a fair coin. Not deterministic,
    /// so FLP does not apply; it decides with probability 1.
    BenOr,
    /// Exercise 7.1: on n − 1 votes (its own included), decide what the rule says, if
    /// anything.
    Exercise(Rule),
}

/// On the command line, the deterministic protocols are the choices.
impl clap::ValueEnum for Protocol {
    fn value_variants<'a>() -> &'a [Self] {
        &Protocol::DETERMINISTIC
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Protocol::DETERMINISTIC
            .contains(self)
            .then(|| clap::builder::PossibleValue::new(self.name()))
    }
}

/// A decision rule for exercise 7.1: given the n − 1 votes a process has (its own
/// included) and n, the value to decide, or `None` to wait for ever.
pub type Rule = fn(&[Bit], usize) -> Option<Bit>;

// Protocols are equal when they are the same kind: one system runs one rule, so the
// exercise's rule (a function pointer, whose address means nothing) is not compared.
impl PartialEq for Protocol {
    fn eq(&self, other: &Protocol) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl Eq for Protocol {}

impl std::hash::Hash for Protocol {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
    }
}

impl Protocol {
    /// The deterministic ones, which FLP's adversary can be run against.
    pub const DETERMINISTIC: [Protocol; 4] = [
        Protocol::MajorityOfRest,
        Protocol::WaitForAll,
        Protocol::Coordinator,
        Protocol::Rounds,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::MajorityOfRest => "majority-of-rest",
            Protocol::WaitForAll => "wait-for-all",
            Protocol::Coordinator => "coordinator",
            Protocol::Rounds => "rounds",
            Protocol::BenOr => "ben-or",
            Protocol::Exercise(_) => "exercise",
        }
    }

    /// Processes with these inputs, tolerating `f` crashes where the protocol can (the
    /// rounds wait for n − f messages), each running at most `rounds` rounds.
    pub fn processes(self, inputs: &[Bit], f: usize, rounds: u32) -> Vec<Voter> {
        let n = inputs.len();
        inputs
            .iter()
            .map(|&input| Voter {
                protocol: self,
                n,
                f,
                rounds,
                halt: None,
                decided_round: None,
                input,
                votes: BTreeMap::new(),
                decided: None,
                round: 0,
                x: input,
                proposed: false,
                reports: BTreeMap::new(),
                proposals: BTreeMap::new(),
                majority_of_received: false,
                coin: Coin::Local,
            })
            .collect()
    }
}

/// What the processes send.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Message {
    /// My input.
    Vote(Bit),
    /// The coordinator's decision.
    Decide(Bit),
    /// Ben-Or, phase 1 of `round`: my estimate.
    Report {
        /// The round.
        round: u32,
        /// The estimate.
        x: Bit,
    },
    /// Ben-Or, phase 2 of `round`: the value a majority reported, or none (`?`).
    Propose {
        /// The round.
        round: u32,
        /// The value, if a majority reported it.
        v: Option<Bit>,
    },
}

/// A process of any of the protocols.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Voter {
    /// The protocol it runs.
    pub protocol: Protocol,
    /// Processes in all.
    pub n: usize,
    /// For the rounds: crashes tolerated (n > 2f).
    pub f: usize,
    /// For the rounds: the round after which it stops, one after its decision (every
    /// correct process has decided by then).
    pub halt: Option<u32>,
    /// The round in which it decided.
    pub decided_round: Option<u32>,
    /// For `Rounds`: the last round it runs (the state space must end somewhere).
    pub rounds: u32,
    /// Its input.
    pub input: Bit,
    /// Votes received, its own included.
    pub votes: BTreeMap<ProcessId, Bit>,
    /// Its decision, once made (write-once, as FLP's output register).
    pub decided: Option<Bit>,
    /// For `Rounds`: the current round (from 1), its estimate, whether it has proposed
    /// in this round, and the reports and proposals received, its own included.
    pub round: u32,
    /// The estimate.
    pub x: Bit,
    /// Whether it has sent its phase 2 message of this round.
    pub proposed: bool,
    /// How many reports of each (round, estimate) it has received, its own included
    /// (counts, not senders: no network here duplicates a message).
    pub reports: BTreeMap<(u32, Bit), u8>,
    /// How many proposals of each (round, proposal), its own included.
    pub proposals: BTreeMap<(u32, Option<Bit>), u8>,
    /// A planted bug for Ben-Or: propose v when it has at least half of the n − f
    /// reports received, rather than more than half of all n. Two processes can then
    /// propose different values in one round.
    pub majority_of_received: bool,
    /// Where its coin comes from.
    pub coin: Coin,
}

/// Where a Ben-Or process's coin comes from.
#[derive(Clone, Copy, Debug)]
pub enum Coin {
    /// Its own fair coin, as in Ben-Or's protocol.
    Local,
    /// Exercise 7.2: `rule(round, shared, local)`, where `shared` is a number every
    /// process of the run knows and `local` is the process's own fair coin.
    Rule(fn(u32, u64, bool) -> Bit, u64),
}

// Coins are equal when they are the same kind with the same shared number: one system
// runs one rule, and a function pointer's address means nothing.
impl PartialEq for Coin {
    fn eq(&self, other: &Coin) -> bool {
        match (self, other) {
            (Coin::Local, Coin::Local) => true,
            (Coin::Rule(_, a), Coin::Rule(_, b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Coin {}

impl std::hash::Hash for Coin {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        if let Coin::Rule(_, shared) = self {
            shared.hash(state);
        }
    }
}

impl Voter {
    fn decide(&mut self, v: Bit, ctx: &mut Context<'_, Voter>) {
        if self.decided.is_none() {
            self.decided = Some(v);
            ctx.output(v);
        }
    }

    fn broadcast(&self, message: Message, ctx: &mut Context<'_, Voter>) {
        let me = ctx.id();
        ctx.send_all((0..self.n).filter(|&q| q != me), &message);
    }

    /// The majority of the votes, ties going to 0.
    fn majority(&self) -> Bit {
        let ones = self.votes.values().filter(|&&v| v == 1).count();
        Bit::from(2 * ones > self.votes.len())
    }

    fn counted(&mut self, ctx: &mut Context<'_, Voter>) {
        let needed = match self.protocol {
            Protocol::MajorityOfRest | Protocol::Exercise(_) => self.n - 1,
            _ => self.n,
        };
        if self.votes.len() < needed {
            return;
        }
        let v = match self.protocol {
            Protocol::Exercise(rule) => {
                let votes: Vec<Bit> = self.votes.values().copied().collect();
                rule(&votes, self.n)
            }
            _ => Some(self.majority()),
        };
        if let Some(v) = v {
            self.decide(v, ctx);
        }
    }

    /// Whether it has run its last round: the bound on rounds, or the round after its
    /// decision.
    fn stopped(&self) -> bool {
        self.round > self.rounds || self.halt.is_some_and(|halt| self.round > halt)
    }

    /// Starts round `round` of Ben-Or: report the estimate.
    fn begin(&mut self, round: u32, ctx: &mut Context<'_, Voter>) {
        self.round = round;
        self.proposed = false;
        // Nothing of an earlier round is read again.
        self.reports.retain(|&(r, _), _| r >= round);
        self.proposals.retain(|&(r, _), _| r >= round);
        *self.reports.entry((round, self.x)).or_default() += 1;
        self.broadcast(Message::Report { round, x: self.x }, ctx);
    }

    // ANCHOR: rounds
    /// Ben-Or: take every step the messages received allow.
    fn advance(&mut self, ctx: &mut Context<'_, Voter>) {
        let (n, f) = (self.n, self.f);
        loop {
            let r = self.round;
            if r == 0 || self.stopped() {
                return;
            }
            if !self.proposed {
                let count =
                    |v| usize::from(self.reports.get(&(r, v)).copied().unwrap_or(0));
                if count(0) + count(1) < n - f {
                    return;
                }
                let heard = count(0) + count(1);
                let v = [0, 1].into_iter().find(|&v| {
                    if self.majority_of_received {
                        2 * count(v) >= heard // the planted bug: a majority of too few
                    } else {
                        2 * count(v) > n
                    }
                });
                self.proposed = true;
                *self.proposals.entry((r, v)).or_default() += 1;
                self.broadcast(Message::Propose { round: r, v }, ctx);
            }
            let got = |v| usize::from(self.proposals.get(&(r, v)).copied().unwrap_or(0));
            if got(None) + got(Some(0)) + got(Some(1)) < n - f {
                return;
            }
            let count = |v| got(Some(v));
            if let Some(v) = [0, 1].into_iter().find(|&v| count(v) > f) {
                if self.decided.is_none() {
                    self.decided_round = Some(r);
                    self.halt = Some(r + 1);
                }
                self.decide(v, ctx);
                self.x = v;
            } else if let Some(v) = [0, 1].into_iter().find(|&v| count(v) > 0) {
                self.x = v;
            } else if self.protocol == Protocol::BenOr {
                let local = ctx.coin();
                self.x = match self.coin {
                    Coin::Local => Bit::from(local),
                    Coin::Rule(rule, shared) => rule(r, shared, local),
                };
            } else {
                self.x = 0; // where Ben-Or tosses a coin
            }
            if r == self.rounds || self.halt == Some(r) {
                self.round = r + 1;
                return;
            }
            self.begin(r + 1, ctx);
        }
    }
    // ANCHOR_END: rounds
}

impl Process for Voter {
    type Message = Message;
    type Timer = ();
    type Request = ();
    type Response = ();
    type Output = Bit;
    type Storage = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        let me = ctx.id();
        match self.protocol {
            Protocol::MajorityOfRest | Protocol::WaitForAll | Protocol::Exercise(_) => {
                self.votes.insert(me, self.input);
                self.broadcast(Message::Vote(self.input), ctx);
            }
            Protocol::Coordinator if me == 0 => {
                self.decide(self.input, ctx);
                self.broadcast(Message::Decide(self.input), ctx);
            }
            Protocol::Coordinator => {}
            Protocol::Rounds | Protocol::BenOr => self.begin(1, ctx),
        }
    }

    fn on_message(
        &mut self,
        from: ProcessId,
        message: Message,
        ctx: &mut Context<'_, Self>,
    ) {
        if self.ignores(&(), from, &message) {
            return;
        }
        match message {
            Message::Vote(v) => {
                self.votes.insert(from, v);
                self.counted(ctx);
            }
            Message::Decide(v) => self.decide(v, ctx),
            Message::Report { round, x } => {
                *self.reports.entry((round, x)).or_default() += 1;
                self.advance(ctx);
            }
            Message::Propose { round, v } => {
                *self.proposals.entry((round, v)).or_default() += 1;
                self.advance(ctx);
            }
        }
    }

    // ANCHOR: ignores
    /// The rounds' messages a process will never read: those of a round it has left, a
    /// report of its round once it has proposed in it, and all once it has stopped. Its
    /// round only grows, and in FLP's model a crashed process never restarts (no system of
    /// this crate lets one), so each stays unread.
    fn ignores(&self, _: &(), _: ProcessId, message: &Message) -> bool {
        match *message {
            Message::Report { round, .. } => {
                self.stopped()
                    || round < self.round
                    || (round == self.round && self.proposed)
            }
            Message::Propose { round, .. } => self.stopped() || round < self.round,
            Message::Vote(_) | Message::Decide(_) => false,
        }
    }
    // ANCHOR_END: ignores
}

impl Message {
    /// The round a message belongs to, if any.
    pub fn round(&self) -> Option<u32> {
        match self {
            Message::Report { round, .. } | Message::Propose { round, .. } => {
                Some(*round)
            }
            Message::Vote(_) | Message::Decide(_) => None,
        }
    }

    /// Where it comes in a process's sending order: by round, a report before a
    /// proposal.
    pub fn order(&self) -> (u32, u8) {
        (
            self.round().unwrap_or(0),
            u8::from(matches!(self, Message::Propose { .. })),
        )
    }

    /// The message with its round lowered by `by`.
    pub fn lowered(&self, by: u32) -> Message {
        let mut m = self.clone();
        if let Message::Report { round, .. } | Message::Propose { round, .. } = &mut m {
            *round -= by;
        }
        m
    }
}

impl Voter {
    /// Calls `f` with every round the process holds.
    pub fn rounds_each(&self, f: &mut impl FnMut(u32)) {
        if self.round > 0 {
            f(self.round);
        }
        self.reports.keys().for_each(|&(r, _)| f(r));
        self.proposals.keys().for_each(|&(r, _)| f(r));
    }

    /// Lowers every round the process holds by `by`: with no bound on rounds, an exact
    /// symmetry, since rounds are only compared and incremented.
    pub fn lower(&mut self, by: u32) {
        if self.round > 0 {
            self.round -= by;
        }
        self.reports = self
            .reports
            .iter()
            .map(|(&(r, x), &c)| ((r - by, x), c))
            .collect();
        self.proposals = self
            .proposals
            .iter()
            .map(|(&(r, v), &c)| ((r - by, v), c))
            .collect();
    }
}
