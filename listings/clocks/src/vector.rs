//! Vector clocks (Fidge 1988; Mattern 1989): they characterize causality exactly,
//! `V(a) < V(b) ⟺ a → b`.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

// ANCHOR: vector
/// A vector clock: entry `i` counts the events of process `i` that the owner knows of.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VectorClock(pub Vec<u64>);

impl VectorClock {
    /// A clock for `n` processes, all zero.
    pub fn new(n: usize) -> Self {
        VectorClock(vec![0; n])
    }

    /// A local or send event of process `me`: count it.
    pub fn tick(&mut self, me: usize) -> VectorClock {
        self.0[me] += 1;
        self.clone()
    }

    /// A receive event of process `me` for a message stamped `sent`: learn what the
    /// sender knew (the element-wise maximum), then count the event.
    pub fn receive(&mut self, me: usize, sent: &VectorClock) -> VectorClock {
        for (mine, theirs) in self.0.iter_mut().zip(&sent.0) {
            *mine = (*mine).max(*theirs);
        }
        self.tick(me)
    }
}

impl PartialOrd for VectorClock {
    /// `V ≤ W` iff every entry of `V` is at most `W`'s; two clocks neither of which is
    /// below the other are concurrent (`None`).
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let below = self.0.iter().zip(&other.0).all(|(a, b)| a <= b);
        let above = self.0.iter().zip(&other.0).all(|(a, b)| a >= b);
        match (below, above) {
            (true, true) => Some(Ordering::Equal),
            (true, false) => Some(Ordering::Less),
            (false, true) => Some(Ordering::Greater),
            (false, false) => None,
        }
    }
}
// ANCHOR_END: vector

// ANCHOR: forgetful
/// The planted bug: a vector clock that, on receive, only counts the event and forgets to
/// take the element-wise maximum. It loses what the sender knew.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForgetfulVectorClock(pub VectorClock);

impl ForgetfulVectorClock {
    /// A receive event, done wrong.
    pub fn receive(&mut self, me: usize, _sent: &VectorClock) -> VectorClock {
        self.0.tick(me)
    }
}
// ANCHOR_END: forgetful

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_partial() {
        let (a, b, c) = (
            VectorClock(vec![1, 0]),
            VectorClock(vec![1, 1]),
            VectorClock(vec![0, 1]),
        );
        assert!(a < b && c < b);
        assert_eq!(a.partial_cmp(&c), None);
        assert_eq!(a.partial_cmp(&a.clone()), Some(Ordering::Equal));
    }
}
