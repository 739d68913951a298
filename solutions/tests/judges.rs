//! Every judge passes its reference solution, judged exactly as a student's file is.

use labs::judge::Options;

macro_rules! solution_passes {
    ($($test:ident: $name:tt, $module:ident;)*) => {$(
        #[test]
        fn $test() {
            let options = Options {
                diagrams: std::env::temp_dir().join("solutions-tests").join($name),
                ..Options::new($name, 1000, 5)
            };
            let report = labs::judge!($name, solutions::$module, &options);
            assert!(report.passed(), "{report}");
        }
    )*};
}

solution_passes! {
    primary_backup: "primary-backup", primary_backup;
    numbered_entries: "numbered-entries", numbered_entries;
    siblings: "siblings", siblings;
    queue: "queue", queue;
    votes_counted: "votes-counted", votes_counted;
    safe_rule: "safe-rule", safe_rule;
    common_coin: "common-coin", common_coin;
    abd: "abd", abd;
    quorum_sizes: "quorum-sizes", quorum_sizes;
    partition_proof: "partition-proof", partition_proof;
    paxos: "paxos", paxos;
    recovery: "recovery", recovery;
    multipaxos: "multipaxos", multipaxos;
}

/// Exercise 11.1's solution on the sizes the model checker refutes quickly, and on
/// (2, 2), the majorities, which it proves in 155,463 states.
#[test]
fn paxos_quorums() {
    let quick = [(1, 1), (1, 2), (2, 1), (2, 2)];
    let wrong =
        paxos::exercises::judge_sizes(solutions::paxos_quorums::safe_with, &quick);
    assert_eq!(wrong, Vec::<String>::new());
}

/// The whole judge of exercise 11.1, about a minute in a debug build:
/// `cargo test -p solutions -- --ignored`.
#[test]
#[ignore = "slow: nine model checks"]
fn paxos_quorums_everywhere() {
    let options = Options::new("paxos-quorums", 1000, 1);
    let report = labs::judge!("paxos-quorums", solutions::paxos_quorums, &options);
    assert!(report.passed(), "{report}");
}

#[test]
fn every_entry_has_a_solution() {
    let lib = include_str!("../src/lib.rs");
    for entry in labs::registry::ENTRIES {
        let module = entry.name.replace('-', "_");
        assert!(
            lib.contains(&format!("pub mod {module} {{")),
            "{}",
            entry.name
        );
    }
}
