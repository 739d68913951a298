//! What the Introduction reads off the quorum experiment, asserted on the run it shows
//! (`--n 100 --trials 100000 --seed 1`).

use quorum::intersection::{experiment, shown};

#[test]
fn every_shown_estimate_is_within_three_deviations_and_the_bound_is_above() {
    let rows = experiment(100, 100_000, 1);
    let (majority, sizes) = rows.split_last().unwrap();
    for k in shown(100) {
        let row = &sizes[k - 1];
        assert_eq!(row.k, k);
        if let Some(d) = row.deviation {
            assert!(d.abs() < 3.0, "k = {k}: {d:.2} standard deviations");
        }
        assert!(row.bound >= row.exact, "k = {k}: the bound is below");
    }
    // Majorities: never disjoint, by the theorem and in the sample.
    assert_eq!((majority.k, majority.count, majority.exact), (51, 0, 0.0));
}

#[test]
fn most_dots_at_the_far_right_sit_above_the_exact_curve() {
    // The sizes from 2.5 √n up, where the sample finds few disjoint pairs or none: a size
    // with none has no dot, so the dots that remain are the lucky draws.
    let rows = experiment(100, 100_000, 1);
    let dots: Vec<bool> = rows[..rows.len() - 1]
        .iter()
        .filter(|r| r.k >= 25 && r.count > 0)
        .map(|r| r.count as f64 / 100_000.0 > r.exact)
        .collect();
    let above = dots.iter().filter(|&&a| a).count();
    assert!(
        dots.len() >= 3 && 2 * above > dots.len(),
        "{above} of {} above",
        dots.len()
    );
}
