// A reference solution to exercise 3.2.

use clocks::VectorClock;

/// Keeps each write whose clock is below no other write's.
pub fn siblings<'a>(writes: &'a [(VectorClock, &'a str)]) -> Vec<&'a str> {
    writes
        .iter()
        .filter(|(clock, _)| !writes.iter().any(|(other, _)| clock < other))
        .map(|(_, value)| *value)
        .collect()
}
