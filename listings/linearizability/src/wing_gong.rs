//! The search as Wing & Gong first wrote it: plain recursion over the operations that may
//! go next, without the refinements of [`check`](fn@crate::check) (no memoization, no
//! eager reads, no bitsets, no threads). It is exponential, and kept to teach the idea
//! and to test the fast search against: the two must agree.

use crate::model::Model;
use process::History;

// ANCHOR: plain
/// Whether `history`, the operations on one object, is linearizable with respect to
/// `model`: Wing & Gong's search (J. M. Wing, C. Gong, "Testing and verifying concurrent
/// objects", JPDC 17(1–2):164–182, 1993). Place any operation invoked before the first
/// pending response, if the model allows it; recurse; undo and try the next. `None` if
/// it took more than `budget` steps of the model.
pub fn linearizable<M: Model>(
    model: &M,
    history: &History<M::Input, M::Output>,
    mut budget: u64,
) -> Option<bool> {
    // Operations that constrain nothing are as good as placed.
    let mut placed: Vec<bool> = history
        .operations
        .iter()
        .map(|op| !model.relevant(&op.request, op.returned.as_ref().map(|(o, _)| o)))
        .collect();
    search(model, history, &model.init(), &mut placed, &mut budget)
}

fn search<M: Model>(
    model: &M,
    history: &History<M::Input, M::Output>,
    state: &M::State,
    placed: &mut [bool],
    budget: &mut u64,
) -> Option<bool> {
    let ops = &history.operations;
    // The first response still pending: no operation invoked after it can go next.
    let deadline = (ops.iter().zip(placed.iter()))
        .filter(|(_, placed)| !**placed)
        .filter_map(|(op, _)| op.returned.as_ref().map(|(_, at)| *at))
        .min();
    let Some(deadline) = deadline else {
        return Some(true); // every operation that returned is placed
    };
    for (k, op) in ops.iter().enumerate() {
        if placed[k] || op.invoked > deadline {
            continue;
        }
        *budget = budget.checked_sub(1)?;
        let output = op.returned.as_ref().map(|(o, _)| o);
        if let Some(next) = model.step(state, &op.request, output) {
            placed[k] = true;
            let found = search(model, history, &next, placed, budget)?;
            placed[k] = false;
            if found {
                return Some(true);
            }
        }
    }
    Some(false)
}
// ANCHOR_END: plain
