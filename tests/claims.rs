//! Patterns the chapters read off their outputs, asserted on the committed outputs and
//! values (which `no_drift` keeps equal to what the code generates). A sentence that makes
//! such a claim names its test here in a comment beside it; when a change to the code
//! changes the pattern, regenerating the outputs makes the test fail, and the sentence
//! must change too.

use std::collections::BTreeMap;
use std::path::Path;

/// The committed output of a cell (`src/outputs/NAME.txt`), without its command line.
fn output(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/outputs/{name}.txt"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split_once('\n').map_or(String::new(), |(_, rest)| rest.to_owned())
}

/// The committed values of a cell (`src/values/NAME.toml`).
#[allow(dead_code)]
fn values(name: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/values/{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: toml::Table = text.parse().expect("a values file is TOML");
    table
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// The rows of a table in an output: the lines after the one starting with `header`, up
/// to the first blank line, split on whitespace.
fn table(text: &str, header: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with(header))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

fn number(cell: &str) -> f64 {
    cell.trim_end_matches(['%', '×', ','])
        .parse()
        .unwrap_or_else(|_| panic!("`{cell}` is not a number"))
}

// Time, clocks, and the ordering of events.

#[test]
fn clocks_inversions_grow_with_drift_and_hybrid_clocks_invert_none() {
    let rows = table(&output("clocks-inversions"), "drift d");
    assert!(rows.len() >= 4);
    let fractions: Vec<f64> = rows.iter().map(|r| number(&r[3])).collect();
    assert_eq!(fractions[0], 0.0, "no drift, no inversion");
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert!(rows.iter().all(|r| r[4] == "0"), "an HLC inversion");
}
