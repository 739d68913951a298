// A reference solution to exercise 7.1.

use flp::protocols::Bit;

/// Decide only on unanimous votes: two processes can then never decide differently, since
/// n − 1 zeros and n − 1 ones need more than n inputs when n ≥ 3. The price: one crash can
/// leave every survivor with a split vote, waiting for ever.
pub fn rule(votes: &[Bit], _n: usize) -> Option<Bit> {
    let first = *votes.first()?;
    votes.iter().all(|&v| v == first).then_some(first)
}
