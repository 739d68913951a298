// A reference solution to exercise 9.1.

/// Linearizable exactly when every query quorum meets every update quorum: the pigeonhole
/// bound of the Introduction, `query + update > n`.
pub fn linearizable_with(n: usize, query: usize, update: usize) -> bool {
    query + update > n
}
