//! Sequential specifications: what an object does when operations run one at a time.

use std::fmt::Debug;
use std::hash::Hash;

// ANCHOR: model
/// A sequential specification (Herlihy & Wing's "sequential specification" of an object):
/// an initial state, and what each operation does to a state.
pub trait Model: Sync {
    /// The object's state.
    type State: Clone + Eq + Hash + Debug + Send;
    /// An operation's input: its name and arguments.
    type Input: Clone + Debug + Send + Sync;
    /// An operation's output.
    type Output: Clone + Debug + PartialEq + Send + Sync;

    /// The state before any operation.
    fn init(&self) -> Self::State;

    /// The state after an operation with `input` runs in `state` and returns `output`, or
    /// `None` if it could not have returned `output` there. `output` is `None` for an
    /// operation that never returned: it may have taken effect, with any output.
    fn step(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> Option<Self::State>;

    /// Whether an operation never changes the state, in any state where it could have
    /// returned `output` (a read, a failed compare-and-set). The search places such an
    /// operation as soon as it can go next, which is sound: in any linearization it could
    /// be moved there.
    fn read_only(&self, input: &Self::Input, output: Option<&Self::Output>) -> bool {
        let _ = (input, output);
        false
    }

    /// For a [read-only](Model::read_only) operation: whether it could have returned
    /// `output` in `state`. The default asks [`Model::step`]; a model whose states are
    /// costly to copy can answer without building the unchanged state.
    fn allows(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> bool {
        self.step(state, input, output).is_some()
    }

    /// Whether the model has an operation with `input` at all (a read/write register has
    /// no compare-and-set). A history with one it does not is a mistake of the caller,
    /// not a verdict: [`undefined`](crate::check::undefined) finds it before the search.
    fn defines(&self, input: &Self::Input) -> bool {
        let _ = input;
        true
    }

    /// Whether an operation constrains the history at all. Those that do not (a read that
    /// timed out, say) are left out before the search.
    fn relevant(&self, input: &Self::Input, output: Option<&Self::Output>) -> bool {
        let _ = (input, output);
        true
    }

    /// The object an operation acts on, for a model of many independent objects (the keys
    /// of a store). By Herlihy & Wing's locality theorem each object can be checked on
    /// its own.
    fn partition(&self, input: &Self::Input) -> Option<String> {
        let _ = input;
        None
    }
}
// ANCHOR_END: model
