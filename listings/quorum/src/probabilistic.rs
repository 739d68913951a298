//! Probabilistic quorums: two quorums of size `k` drawn uniformly at random from `n`
//! processes.
//!
//! Malkhi, Reiter, Wool & Wright ("Probabilistic Quorum Systems", Information and
//! Computation 170(2):184–206, 2001) give up the guarantee that every two quorums meet in
//! exchange for quorums of size `ℓ√n` instead of `n/2`: two such quorums miss each other
//! with probability at most `e^(−ℓ²)`.

use rand::RngExt;
use rand::seq::index;

// ANCHOR: exact
/// The probability that two independent, uniformly random `k`-subsets of `n` processes
/// are disjoint: the second must avoid the first's `k` members, `C(n−k, k) / C(n, k)`.
///
/// Computed as the product `∏_{i<k} (n−k−i)/(n−i)`, which never forms the huge binomials.
pub fn disjoint_probability(n: usize, k: usize) -> f64 {
    assert!(k <= n, "a quorum cannot be larger than the system");
    if 2 * k > n {
        return 0.0; // two sets of more than n/2 elements always meet
    }
    (0..k)
        .map(|i| (n - k - i) as f64 / (n - i) as f64)
        .product()
}

/// The bound `e^(−k²/n)` on [`disjoint_probability`], which is `e^(−ℓ²)` for `k = ℓ√n`:
/// each factor `(n−k−i)/(n−i)` is at most `1 − k/n ≤ e^(−k/n)`.
pub fn disjoint_bound(n: usize, k: usize) -> f64 {
    (-((k * k) as f64) / n as f64).exp()
}
// ANCHOR_END: exact

// ANCHOR: simulate
/// Draws `trials` pairs of uniformly random `k`-subsets of `n` processes and counts the
/// disjoint pairs. The random number generator is the caller's, so a seed fixes the
/// count.
pub fn count_disjoint<R: RngExt + ?Sized>(
    n: usize,
    k: usize,
    trials: u64,
    rng: &mut R,
) -> u64 {
    let mut first = vec![false; n];
    let mut disjoint = 0;
    for _ in 0..trials {
        let a = index::sample(rng, n, k);
        for p in a.iter() {
            first[p] = true;
        }
        if index::sample(rng, n, k).iter().all(|p| !first[p]) {
            disjoint += 1;
        }
        for p in a.iter() {
            first[p] = false;
        }
    }
    disjoint
}
// ANCHOR_END: simulate

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    /// C(n, k) as an exact integer, for small arguments.
    fn binomial(n: u128, k: u128) -> u128 {
        (0..k).fold(1, |c, i| c * (n - i) / (i + 1))
    }

    #[test]
    fn product_form_equals_the_ratio_of_binomials() {
        for n in 1..=40u128 {
            for k in 0..=n / 2 {
                let ratio = binomial(n - k, k) as f64 / binomial(n, k) as f64;
                let p = disjoint_probability(n as usize, k as usize);
                assert!(
                    (p - ratio).abs() < 1e-12,
                    "n = {n}, k = {k}: {p} vs {ratio}"
                );
            }
        }
    }

    #[test]
    fn the_bound_holds_everywhere() {
        for n in 1..=300 {
            for k in 0..=n {
                assert!(disjoint_probability(n, k) <= disjoint_bound(n, k) + 1e-15);
            }
        }
    }

    #[test]
    fn simulation_agrees_with_the_exact_value() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let (n, k, trials) = (50, 7, 200_000);
        let p = disjoint_probability(n, k);
        let observed = count_disjoint(n, k, trials, &mut rng) as f64 / trials as f64;
        // Five standard deviations of a binomial proportion: fails by chance about once
        // in 3 million.
        let sd = (p * (1.0 - p) / trials as f64).sqrt();
        assert!((observed - p).abs() < 5.0 * sd, "{observed} vs {p}");
    }

    #[test]
    fn majorities_are_never_disjoint_in_simulation() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        assert_eq!(count_disjoint(9, 5, 10_000, &mut rng), 0);
    }
}
