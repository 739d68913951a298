// A reference solution to exercise 11.1.

/// Safe exactly when every phase 1 quorum meets every phase 2 quorum (Howard, Malkhi and
/// Spiegelman, "Flexible Paxos", 2016): phase 2 quorums need not meet each other.
pub fn safe_with(n: usize, phase1: usize, phase2: usize) -> bool {
    phase1 + phase2 > n
}
