//! The checker's verdicts equal Porcupine's on every history of its test data
//! (`data/porcupine/expected.csv`), and a deliberately wrong checker does not.

use linearizability::models::{CasRegister, Kv};
use linearizability::{Options, Verdict, check_with, parse};
use std::path::PathBuf;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/porcupine")
}

/// (file, model, expected verdict) for every history with a verdict.
fn expected() -> Vec<(String, String, bool)> {
    let csv = std::fs::read_to_string(data().join("expected.csv")).expect("expected.csv");
    csv.lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (
                fields[0].to_owned(),
                fields[1].to_owned(),
                fields[2] == "true",
            )
        })
        .collect()
}

fn verdict(file: &str, model: &str, options: Options) -> Verdict {
    let text = std::fs::read_to_string(data().join(file)).expect("a history");
    match model {
        "etcd_register" => check_with(
            &CasRegister,
            &parse::porcupine_etcd(&text).expect(file).history,
            options,
        ),
        "kv_partitioned_by_key" => {
            check_with(&Kv, &parse::kv_edn(&text).expect(file).history, options)
        }
        other => panic!("unknown model {other}"),
    }
}

#[test]
fn every_verdict_equals_porcupines() {
    let cases = expected();
    assert_eq!(
        cases.len(),
        108,
        "102 etcd histories with a verdict and 6 kv histories"
    );
    for (file, model, linearizable) in cases {
        let got = verdict(&file, &model, Options::default());
        assert_eq!(got.is_linearizable(), linearizable, "{file}");
    }
}

#[test]
fn the_empty_history_is_linearizable() {
    let text = std::fs::read_to_string(data().join("jepsen/etcd_095.log")).unwrap();
    assert!(text.trim().is_empty());
    assert!(
        check_with(
            &CasRegister,
            &parse::porcupine_etcd(&text).unwrap().history,
            Options::default()
        )
        .is_linearizable()
    );
}

#[test]
fn verdicts_do_not_depend_on_threads_or_on_placing_reads_early() {
    for (file, model, linearizable) in expected()
        .into_iter()
        .filter(|(f, ..)| f.starts_with("kv/c1") || f.starts_with("kv/c0"))
    {
        for (threads, eager_reads) in [(1, true), (2, true), (1, false)] {
            let options = Options {
                threads,
                eager_reads,
                ..Options::default()
            };
            assert_eq!(
                verdict(&file, &model, options).is_linearizable(),
                linearizable,
                "{file} {threads} {eager_reads}"
            );
        }
    }
}

#[test]
fn a_checker_that_ignores_real_time_is_caught_by_these_verdicts() {
    // Ignoring real time lets stale reads through: the wrong checker calls
    // non-linearizable histories linearizable, so the verdict test would fail on it.
    // (Without real-time order every operation is concurrent with every other and the
    // search space is factorial, so this runs on a small history only.)
    let wrong = Options {
        ignore_real_time: true,
        ..Options::default()
    };
    let file = "kv/c01-bad.txt";
    assert!(
        !verdict(file, "kv_partitioned_by_key", Options::default()).is_linearizable()
    );
    assert!(verdict(file, "kv_partitioned_by_key", wrong).is_linearizable());
}

#[test]
fn a_checker_that_forgets_states_when_memoizing_is_caught_by_these_verdicts() {
    // Remembering only which operations were placed, and not the state they led to,
    // prunes orders that end in other states: the wrong checker calls linearizable
    // histories not linearizable.
    let wrong = Options {
        forget_states: true,
        ..Options::default()
    };
    let mut caught = Vec::new();
    for (file, model, linearizable) in expected() {
        if linearizable && !verdict(&file, &model, wrong).is_linearizable() {
            caught.push(file);
        }
    }
    assert!(!caught.is_empty());
}

/// A check that runs out of its budget says so instead of guessing: with no time at all,
/// the longest search of the test data (etcd_002, whose search looks at the clock at
/// least once) answers `Unknown`, and with time it answers as Porcupine does.
#[test]
fn a_check_out_of_time_answers_unknown() {
    use std::time::Duration;
    let hurried = Options {
        budget: Some(Duration::ZERO),
        ..Options::default()
    };
    let file = "jepsen/etcd_002.log";
    assert_eq!(
        verdict(file, "etcd_register", hurried),
        Verdict::Unknown(Duration::ZERO)
    );
    assert!(verdict(file, "etcd_register", Options::default()).is_linearizable());
}
