//! Valence, computed: which decisions are reachable from a configuration [FLP85, §2].
//!
//! A configuration is *0-valent* if 0 is the only decision value reachable from it,
//! *1-valent* if 1 is, and *bivalent* if both are. The model checker answers "is a
//! configuration deciding v reachable?" as the negation of the invariant "no process
//! decides v", with the shortest run that reaches it as the witness.

use crate::protocols::{Bit, Protocol, Voter};
use modelcheck::processes::{Faults, Global, Processes, Step};
use modelcheck::{Checker, System};

/// A run: each step and the configuration it leads to, from a first configuration.
pub type Run = Vec<(Option<Step<Voter>>, Global<Voter>)>;

/// The system of `protocol` on `inputs`, with up to `crashes` crashes (FLP's faulty
/// process simply stops taking steps). Every message stays in flight until received,
/// even one its receiver ignores: in FLP's model a message leaves the buffer only by
/// being received [FLP85, §2], and the adversary's schedules deliver each.
pub fn system(
    protocol: Protocol,
    inputs: &[Bit],
    rounds: u32,
    crashes: usize,
) -> Processes<Voter> {
    Processes::new(
        protocol.processes(inputs, (inputs.len() - 1) / 2, rounds),
        Faults {
            crashes,
            ..Faults::default()
        },
    )
    .keeping_dead(true)
}

/// A system explored from a given configuration rather than from its initial ones.
pub struct Rooted<'a> {
    /// The steps.
    pub system: &'a Processes<Voter>,
    /// The configuration to start from.
    pub root: Global<Voter>,
}

impl System for Rooted<'_> {
    type State = Global<Voter>;
    type Action = Step<Voter>;

    fn initial(&self) -> Vec<Global<Voter>> {
        vec![self.root.clone()]
    }

    fn successors(
        &self,
        state: &Global<Voter>,
        out: &mut Vec<(Step<Voter>, Global<Voter>)>,
    ) {
        self.system.successors(state, out);
    }
}

/// Whether some process has decided `v` in `state`.
pub fn decided(state: &Global<Voter>, v: Bit) -> bool {
    state.all_outputs().flatten().any(|&d| d == v)
}

/// Whether a decision value is reachable.
#[derive(Clone, Debug)]
pub enum Reach {
    /// Yes: the shortest run that reaches it.
    Yes(Run),
    /// No: every reachable configuration was explored.
    No,
    /// Not within the bound on states explored.
    Unknown,
}

impl Reach {
    /// Whether the value is known to be reachable.
    pub fn yes(&self) -> bool {
        matches!(self, Reach::Yes(_))
    }
}

// ANCHOR: reach
/// Whether a configuration deciding `v` is reachable from `root`, exploring at most
/// `bound` configurations.
pub fn reach(
    system: &Processes<Voter>,
    root: &Global<Voter>,
    v: Bit,
    bound: usize,
) -> Reach {
    let from = Rooted {
        system,
        root: root.clone(),
    };
    let report = Checker::new(&from)
        .invariant("undecided", move |s| !decided(s, v))
        .max_states(bound)
        .run();
    match report.violation {
        Some(violation) => Reach::Yes(violation.trace),
        None if report.complete => Reach::No,
        None => Reach::Unknown,
    }
}
// ANCHOR_END: reach

/// The valence of a configuration: whether each decision value is reachable.
#[derive(Clone, Debug)]
pub struct Valence {
    /// Whether 0 is reachable.
    pub zero: Reach,
    /// Whether 1 is reachable.
    pub one: Reach,
}

impl Valence {
    /// Computes the valence of `root`, exploring at most `bound` configurations for each
    /// decision value.
    pub fn of(system: &Processes<Voter>, root: &Global<Voter>, bound: usize) -> Valence {
        Valence {
            zero: reach(system, root, 0, bound),
            one: reach(system, root, 1, bound),
        }
    }

    /// Both decisions are reachable.
    pub fn bivalent(&self) -> bool {
        self.zero.yes() && self.one.yes()
    }

    /// `Some(v)` if `v` is the only decision reachable (known for certain).
    pub fn univalent(&self) -> Option<Bit> {
        match (&self.zero, &self.one) {
            (Reach::Yes(_), Reach::No) => Some(0),
            (Reach::No, Reach::Yes(_)) => Some(1),
            _ => None,
        }
    }

    /// "bivalent", "0-valent", "1-valent", "no decision", or what is known.
    pub fn name(&self) -> &'static str {
        match (&self.zero, &self.one) {
            (Reach::Yes(_), Reach::Yes(_)) => "bivalent",
            (Reach::Yes(_), Reach::No) => "0-valent",
            (Reach::No, Reach::Yes(_)) => "1-valent",
            (Reach::No, Reach::No) => "no decision reachable",
            (Reach::Yes(_), Reach::Unknown) => "0 reachable, 1 unknown",
            (Reach::Unknown, Reach::Yes(_)) => "1 reachable, 0 unknown",
            _ => "unknown",
        }
    }
}

/// Every vector of `n` input bits, process 0's bit most significant.
pub fn all_inputs(n: usize) -> Vec<Vec<Bit>> {
    (0..1u32 << n)
        .map(|bits| (0..n).map(|p| ((bits >> (n - 1 - p)) & 1) as Bit).collect())
        .collect()
}

/// The initial configuration of `protocol` on `inputs`: every process has started.
pub fn initial(system: &Processes<Voter>) -> Global<Voter> {
    system.initial().remove(0)
}
