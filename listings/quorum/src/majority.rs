//! Majority quorums: any two sets of more than `n/2` processes share a process.

use itertools::Itertools;

/// The size of a majority of `n` processes: the smallest `k` with `2k > n`.
pub fn majority(n: usize) -> usize {
    n / 2 + 1
}

// ANCHOR: pigeonhole
/// The fewest processes two quorums of sizes `a` and `b` out of `n` can share.
///
/// By counting: `|A ∪ B| ≤ n`, so `|A ∩ B| = |A| + |B| − |A ∪ B| ≥ a + b − n`, and two
/// quorums placed as far apart as possible meet in exactly that many. When `a + b > n`
/// the bound is positive: the quorums intersect. For two majorities, `2k > n` gives at
/// least one.
pub fn guaranteed_overlap(n: usize, a: usize, b: usize) -> usize {
    (a + b).saturating_sub(n)
}
// ANCHOR_END: pigeonhole

// ANCHOR: exhaustive
/// The smallest intersection over every pair of `k`-subsets of `n` processes, by
/// enumeration: a check of [`guaranteed_overlap`] that does not trust the algebra.
/// Processes are bits of a
/// `u64`, so `n` is at most 64 (and small in practice: there are C(n, k)² pairs).
pub fn smallest_overlap_by_enumeration(n: usize, k: usize) -> usize {
    assert!(n <= 64 && k <= n, "n must be at most 64 and k at most n");
    let quorums: Vec<u64> = (0..n)
        .combinations(k)
        .map(|members| members.iter().fold(0u64, |set, &p| set | 1 << p))
        .collect();
    quorums
        .iter()
        .cartesian_product(&quorums)
        .map(|(a, b)| (a & b).count_ones() as usize)
        .min()
        .unwrap_or(0)
}
// ANCHOR_END: exhaustive

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumeration_agrees_with_the_counting_argument() {
        for n in 1..=8 {
            for k in 1..=n {
                assert_eq!(
                    smallest_overlap_by_enumeration(n, k),
                    guaranteed_overlap(n, k, k),
                    "n = {n}, k = {k}"
                );
            }
        }
    }

    #[test]
    fn majorities_intersect_and_smaller_sets_need_not() {
        for n in 1..=12 {
            let m = majority(n);
            assert!(2 * m > n);
            assert!(guaranteed_overlap(n, m, m) >= 1);
            assert_eq!(guaranteed_overlap(n, m - 1, m - 1), 0, "n = {n}");
        }
    }
}
