//! Happened-before, computed from a trace with no clock at all: the transitive closure of
//! process order and of the send-to-receive order of each message (Lamport 1978, §2).

use crate::gossip::{Gossip, Stamped};
use process::ProcessId;
use sim::{Event, Trace};
use std::collections::BTreeMap;

/// The events of a run, in the order they happened, and which happened before which.
pub struct Causality {
    /// Each event: its process and its timestamps.
    pub events: Vec<(ProcessId, Stamped)>,
    /// `before[b]` has bit `a` set iff event `a` happened before event `b`.
    before: Vec<Vec<u64>>,
}

// ANCHOR: happened_before
impl Causality {
    /// Reads a trace of [`Gossip`] processes. Each event is an output; a message's send
    /// is the sender's last event before the send, its receive the receiver's next event
    /// after the delivery (a handler outputs its event, then sends).
    pub fn of(trace: &Trace<Gossip>, processes: usize) -> Self {
        let mut events = Vec::new();
        let mut last: Vec<Option<usize>> = vec![None; processes];
        // Each message's send; per process, the send of the message just delivered.
        let mut sent_by: BTreeMap<u64, usize> = BTreeMap::new();
        let mut arriving: Vec<Option<usize>> = vec![None; processes];
        let mut preds: Vec<Vec<usize>> = Vec::new();
        for (_, event) in &trace.events {
            match event {
                Event::Output { process, output } => {
                    let e = events.len();
                    events.push((*process, output.clone()));
                    let mut p: Vec<usize> = last[*process].into_iter().collect();
                    p.extend(arriving[*process].take());
                    preds.push(p);
                    last[*process] = Some(e);
                }
                Event::Send { from, id, .. } => {
                    if let Some(e) = last[*from] {
                        sent_by.insert(*id, e);
                    }
                }
                Event::Deliver { to, id, .. } => arriving[*to] = sent_by.get(id).copied(),
                _ => {}
            }
        }
        // Events are in trace order, which every edge respects: one pass closes the
        // relation.
        let words = events.len().div_ceil(64);
        let mut before: Vec<Vec<u64>> = Vec::with_capacity(events.len());
        for p in &preds {
            let mut set = vec![0u64; words];
            for &q in p {
                set[q / 64] |= 1 << (q % 64);
                for (w, x) in set.iter_mut().zip(&before[q]) {
                    *w |= x;
                }
            }
            before.push(set);
        }
        Causality { events, before }
    }

    /// Whether event `a` happened before event `b`.
    pub fn happened_before(&self, a: usize, b: usize) -> bool {
        self.before[b][a / 64] >> (a % 64) & 1 == 1
    }
}
// ANCHOR_END: happened_before
