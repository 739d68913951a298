//! Lamport's logical clocks (Lamport, "Time, clocks, and the ordering of events in a
//! distributed system", CACM 21(7), 1978).

use serde::{Deserialize, Serialize};

// ANCHOR: lamport
/// A Lamport clock: a counter that satisfies the Clock Condition, `a → b ⇒ C(a) < C(b)`.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
)]
pub struct Lamport(pub u64);

impl Lamport {
    /// IR1: a process increments its clock between any two of its events. Call before
    /// each local or send event; returns the event's timestamp.
    pub fn tick(&mut self) -> Lamport {
        self.0 += 1;
        *self
    }

    /// IR2: on receiving a message stamped `sent`, set the clock past both its own value
    /// and the message's; returns the receive event's timestamp.
    pub fn receive(&mut self, sent: Lamport) -> Lamport {
        self.0 = self.0.max(sent.0) + 1;
        *self
    }
}
// ANCHOR_END: lamport

/// Lamport's total order on events: by clock, then by process name to break ties.
pub fn total_order(a: (Lamport, usize), b: (Lamport, usize)) -> std::cmp::Ordering {
    a.cmp(&b)
}
