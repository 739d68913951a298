//! Hybrid logical clocks (Kulkarni, Demirbas, Madappa, Avva & Leone, "Logical physical
//! clocks", OPODIS 2014): a logical clock that stays within the clock skew of physical
//! time, in constant space.

use serde::{Deserialize, Serialize};

// ANCHOR: hlc
/// A hybrid logical clock: `l` is the largest physical time the owner has heard of, `c`
/// counts events since `l` last changed. Ordered by `(l, c)`.
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
pub struct Hlc {
    /// The logical part: a physical time.
    pub l: u64,
    /// The counter.
    pub c: u64,
}

impl Hlc {
    /// A send or local event at physical time `pt`.
    pub fn tick(&mut self, pt: u64) -> Hlc {
        let l = self.l.max(pt);
        self.c = if l == self.l { self.c + 1 } else { 0 };
        self.l = l;
        *self
    }

    /// A receive event at physical time `pt` of a message stamped `m`.
    pub fn receive(&mut self, pt: u64, m: Hlc) -> Hlc {
        let l = self.l.max(m.l).max(pt);
        self.c = if l == self.l && l == m.l {
            self.c.max(m.c) + 1
        } else if l == self.l {
            self.c + 1
        } else if l == m.l {
            m.c + 1
        } else {
            0
        };
        self.l = l;
        *self
    }
}
// ANCHOR_END: hlc

// ANCHOR: sticky
/// The planted bug: a hybrid clock whose counter never goes back to 0 when `l` moves on.
/// It still orders causality (its stamps only grow faster), but its counter no longer
/// counts what it should: the events before it that share its `l`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StickyHlc(pub Hlc);

impl StickyHlc {
    /// A send or local event, done wrong.
    pub fn tick(&mut self, pt: u64) -> Hlc {
        self.0 = Hlc {
            l: self.0.l.max(pt),
            c: self.0.c + 1,
        };
        self.0
    }

    /// A receive event, done wrong.
    pub fn receive(&mut self, pt: u64, m: Hlc) -> Hlc {
        self.0 = Hlc {
            l: self.0.l.max(m.l).max(pt),
            c: self.0.c.max(m.c) + 1,
        };
        self.0
    }
}
// ANCHOR_END: sticky
