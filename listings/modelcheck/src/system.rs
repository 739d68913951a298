//! Transition systems.

use std::fmt::Debug;
use std::hash::Hash;

// ANCHOR: system
/// A transition system: where it starts, and where each state can go. (`Sync` and
/// `Send`, so that several threads can explore it at once.)
pub trait System: Sync {
    /// A global state. Comparable and hashable, so that a state seen before is
    /// recognised.
    type State: Clone + Eq + Hash + Debug + Send + Sync;
    /// What takes one state to the next, for traces.
    type Action: Clone + Debug + Send;

    /// The initial states.
    fn initial(&self) -> Vec<Self::State>;

    /// Every successor of `state`, with the action that leads to it.
    fn successors(&self, state: &Self::State, out: &mut Vec<(Self::Action, Self::State)>);

    /// A representative of `state`'s symmetry class: two states that differ only by a
    /// permutation of interchangeable components must have the same representative. The
    /// default is the state itself (no symmetry).
    fn canonical(&self, state: &Self::State) -> Self::State {
        state.clone()
    }

    /// The weak-fairness class of an action, if it has one: a lasso is a counterexample
    /// to liveness only if every class continuously enabled on its cycle is also taken
    /// there.
    fn fairness(&self, action: &Self::Action) -> Option<u64> {
        let _ = action;
        None
    }
}
// ANCHOR_END: system
