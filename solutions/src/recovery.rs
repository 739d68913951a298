// A reference solution to exercise 12.1.

use multipaxos::replica::{Entry, Reported, Slot};

/// Every slot from `from` to the last one reported: the entry of the highest-numbered
/// proposal reported there (P2c, slot by slot), or a no-op where none was ("Paxos Made
/// Simple" §3), so that no slot below a new command stays empty.
pub fn recover(from: Slot, reported: &Reported) -> Vec<(Slot, Entry)> {
    let Some(&last) = reported.keys().next_back() else {
        return Vec::new();
    };
    (from..=last)
        .map(|slot| match reported.get(&slot) {
            Some((_, entry)) => (slot, entry.clone()),
            None => (slot, Entry::Noop),
        })
        .collect()
}
