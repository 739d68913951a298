//! Every judge fails its frozen starting point, passes the chapter's own protocol where the
//! chapter builds one, and catches the chapter's planted bugs. (That each passes a
//! reference solution is tested on the teacher's side, in the `solutions` crate.)

use labs::judge::{Options, Report};
use labs::registry::ENTRIES;

/// Few seeds, diagrams out of the way.
fn options(name: &str, first: u64, seeds: u64) -> Options {
    Options {
        diagrams: std::env::temp_dir().join("labs-tests").join(name),
        ..Options::new(name, first, seeds)
    }
}

/// The names of the checks of `report` that failed.
fn failed(report: &Report) -> Vec<&str> {
    let failed = report.checks.iter().filter(|c| !c.passed());
    failed.map(|c| c.name.as_str()).collect()
}

macro_rules! start_fails {
    ($($test:ident: $name:tt, $module:ident;)*) => {$(
        #[test]
        fn $test() {
            let options = options($name, 1000, 5);
            let report = labs::judge!($name, labs::start::$module, &options);
            assert!(!report.passed(), "{report}");
            // A failure says what broke.
            for check in report.checks.iter().filter(|c| !c.passed()) {
                let labs::judge::Outcome::Fail { why, .. } = &check.outcome else {
                    unreachable!()
                };
                assert!(!why.is_empty(), "{}", check.name);
            }
        }
    )*};
}

start_fails! {
    the_primary_backup_start_fails: "primary-backup", primary_backup;
    the_numbered_entries_start_fails: "numbered-entries", numbered_entries;
    the_siblings_start_fails: "siblings", siblings;
    the_queue_start_fails: "queue", queue;
    the_votes_counted_start_fails: "votes-counted", votes_counted;
    the_safe_rule_start_fails: "safe-rule", safe_rule;
    the_common_coin_start_fails: "common-coin", common_coin;
    the_abd_start_fails: "abd", abd;
    the_quorum_sizes_start_fails: "quorum-sizes", quorum_sizes;
    the_partition_proof_start_fails: "partition-proof", partition_proof;
    the_paxos_start_fails: "paxos", paxos;
    the_recovery_start_fails: "recovery", recovery;
    the_multipaxos_start_fails: "multipaxos", multipaxos;
}

/// Exercise 11.1's start on the sizes the model checker refutes quickly (its judge checks
/// all nine, (2, 2) alone being 155,463 states: `the_paxos_quorums_start_fails_everywhere`).
#[test]
fn the_paxos_quorums_start_fails() {
    let quick = [(1, 1), (1, 2), (2, 1), (2, 2)];
    let wrong =
        paxos::exercises::judge_sizes(labs::start::paxos_quorums::safe_with, &quick);
    assert!(!wrong.is_empty());
}

/// The whole judge of exercise 11.1, about a minute in a debug build:
/// `cargo test -p labs --test judges -- --ignored`.
#[test]
#[ignore = "slow: nine model checks"]
fn the_paxos_quorums_start_fails_everywhere() {
    let options = options("paxos-quorums", 1000, 1);
    let report = labs::judge!("paxos-quorums", labs::start::paxos_quorums, &options);
    assert!(!report.passed(), "{report}");
}

#[test]
fn every_entry_has_a_start_a_feature_a_student_module_and_a_judge() {
    let manifest = include_str!("../Cargo.toml");
    let macros = include_str!("../src/registry.rs");
    let mut names: Vec<&str> = ENTRIES.iter().map(|e| e.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ENTRIES.len(), "two entries share a name");
    for e in ENTRIES {
        let module = e.name.replace('-', "_");
        assert!(
            manifest.contains(&format!("\n{} = []", e.feature())),
            "{}",
            e.name
        );
        assert!(
            macros.contains(&format!("(\"{}\", $($m:ident)", e.name)),
            "{}",
            e.name
        );
        assert_eq!(e.file(), format!("labs/{module}.rs"));
        assert!(
            e.start.contains(&format!("cargo xtask lab {}`", e.name)),
            "{}",
            e.name
        );
    }
    assert_eq!(manifest.matches("\nstudent-").count(), ENTRIES.len());
    // The list the starting points' and students' modules and both dispatches are
    // generated from names every entry, in order, with its file's module and its feature.
    macro_rules! listed {
        ($($name:tt $module:ident $feature:tt,)*) => {
            vec![$(($name.to_owned(), stringify!($module).to_owned(), $feature.to_owned())),*]
        };
    }
    let listed: Vec<(String, String, String)> = labs::for_each_entry!(listed);
    let expected: Vec<(String, String, String)> = ENTRIES
        .iter()
        .map(|e| (e.name.to_owned(), e.name.replace('-', "_"), e.feature()))
        .collect();
    assert_eq!(listed, expected);
}

/// Lab 1 asks more than the chapter built: its repaired protocol keeps every write safe
/// under every knob, but with the lab's longer workload its fixed retransmission timeout
/// congests the slow link (exercise 2.2's question), and writes go unacknowledged.
#[test]
fn the_judge_of_lab_1_fails_the_naive_protocol_and_the_chapters_repaired_one_on_congestion()
 {
    use replication::fallacies::RETRANSMIT;
    use replication::naive::Naive;
    use replication::repaired::Repaired;
    let options = options("primary-backup", 1000, 5);
    let repaired = labs::primary_backup::judge(
        |p, n| Repaired::new(p, n, RETRANSMIT),
        |r: &Repaired| &r.log,
        &options,
    );
    let failed_checks = failed(&repaired);
    assert_eq!(failed_checks.len(), 1, "{repaired}");
    assert!(
        failed_checks[0].contains("every write acknowledged"),
        "{repaired}"
    );
    let labs::judge::Outcome::Fail { why, .. } = &repaired.checks.last().unwrap().outcome
    else {
        panic!("{repaired}");
    };
    assert!(why.starts_with("bandwidth knob"), "{repaired}");
    let naive = labs::primary_backup::judge(Naive::new, |r: &Naive| &r.log, &options);
    assert!(!naive.passed(), "{naive}");
}

#[test]
fn the_judge_of_lab_2_passes_abd_and_catches_both_planted_bugs() {
    use abd::register::{Abd, Variant};
    let options = options("abd", 1000, 5);
    let judge = |variant| {
        labs::register::judge(
            |_, n, retransmit| Abd::new(n, variant, retransmit),
            &options,
        )
    };
    let abd = judge(Variant::Abd);
    assert!(abd.passed(), "{abd}");
    let no_write_back = judge(Variant::NoWriteBack);
    assert!(
        failed(&no_write_back)
            .iter()
            .any(|c| c.contains("a write then two reads")),
        "{no_write_back}"
    );
    let forgetful = judge(Variant::Forgetful);
    assert!(
        failed(&forgetful)
            .iter()
            .any(|c| c.contains("crash and restart")),
        "{forgetful}"
    );
}

/// The judge of lab 3 on the chapter's Paxos, with `bug` planted.
fn chapter_paxos(bug: Option<paxos::paxos::Bug>, first: u64, seeds: u64) -> Report {
    let options = options("paxos", first, seeds);
    let make = |id: usize, s: &labs::consensus::Setup| -> paxos::paxos::Paxos {
        let setup = paxos::paxos::Setup {
            bug,
            start: s.start,
            ..paxos::paxos::Setup::new(s.acceptors, s.inputs.len(), s.retry)
        };
        setup.processes(&s.inputs)[id].clone()
    };
    labs::consensus::judge(make, &options)
}

#[test]
fn the_judge_of_lab_3_passes_the_chapters_paxos() {
    let report = chapter_paxos(None, 1000, 5);
    assert!(report.passed(), "{report}");
}

/// About a minute in a debug build: `cargo test -p labs --test judges -- --ignored`.
#[test]
#[ignore = "slow: eight model checks of the chapter's Paxos with a bug planted"]
fn the_judge_of_lab_3_catches_every_planted_bug() {
    use paxos::paxos::Bug;
    // The model checker catches three; the fourth (a proposer that adopts the lowest
    // accepted proposal) needs two ballots of one proposer, beyond the checked
    // configuration, and is caught by the simulator's loss mix on these seeds.
    for bug in [Bug::ForgetsPromise, Bug::IgnoresAccepted, Bug::HastyLearner] {
        let report = chapter_paxos(Some(bug), 1000, 1);
        assert!(
            failed(&report)
                .iter()
                .any(|c| c.starts_with("model checker")),
            "{bug:?}: {report}"
        );
    }
    let report = chapter_paxos(Some(Bug::LowestAccepted), 1000, 30);
    assert!(!report.passed(), "{report}");
}

/// The exercises' judges reject the answers that come close: each near miss is a mistake a
/// student makes.
#[test]
fn the_exercise_judges_reject_near_misses() {
    use modelcheck::two_phase::{Rm, Tm};
    // 5.1: no RM has aborted when the TM commits catches the bug sooner than TCConsistent,
    // but not as the TM commits.
    let no_abort = |system: &modelcheck::two_phase::TwoPhase,
                    s: &modelcheck::two_phase::State| {
        s.tm() != Tm::Committed || (0..system.rms).all(|i| s.rm(i) != Rm::Aborted)
    };
    assert!(!modelcheck::exercises::judge(no_abort).is_empty());
    // 7.1: never deciding on n − 1 votes, or deciding only on n, is waiting for all n.
    assert!(flp::exercises::judge(|_, _| None).is_err());
    assert!(
        flp::exercises::judge(|votes, n| (votes.len() == n).then_some(votes[0])).is_err()
    );
    // 7.2: coins fixed in advance are fast in random runs, and no coins at all.
    assert!(flp::exercises::judge_coin(|_, _, _| 0).is_err());
    assert!(flp::exercises::judge_coin(|round, _, _| (round % 2) as u8).is_err());
    assert!(
        flp::exercises::judge_coin(|_, shared, _| u8::from(shared % 16 == 3)).is_err()
    );
    // 9.1: quorums that may only touch.
    assert!(!abd::exercises::judge(|n, q, u| q + u >= n).is_empty());
}

/// `--draw` draws the runs that pass too, so that a student can look at a protocol at work.
#[test]
fn asked_to_the_judge_draws_the_runs_that_pass() {
    use replication::fallacies::RETRANSMIT;
    use replication::repaired::Repaired;
    let mut options = options("primary-backup-drawn", 7, 1);
    options.draw_every_run = true;
    let _ = std::fs::remove_dir_all(&options.diagrams);
    let report = labs::primary_backup::judge(
        |p, n| Repaired::new(p, n, RETRANSMIT),
        |r: &Repaired| &r.log,
        &options,
    );
    assert!(report.checks[0].passed(), "{report}");
    let drawn = options.diagrams.join("loss-seed-7.svg");
    let svg = std::fs::read_to_string(&drawn).expect("the passing run is drawn");
    assert!(svg.starts_with("<svg"), "{}", drawn.display());
}

/// Lab 4's judge passes the chapter's own replica and catches the chapter's two planted
/// bugs of the leader's side. About a minute in a debug build:
/// `cargo test -p labs --test judges -- --ignored`.
#[test]
#[ignore = "slow: the chapter's replica through every check, three times"]
fn the_judge_of_lab_4_passes_the_chapter_and_catches_its_bugs() {
    use multipaxos::replica::{Bug, Replica, Setup};
    for bug in [None, Some(Bug::SkipsRecovery), Some(Bug::AppliesAccepted)] {
        let options = options("multipaxos-chapter", 1000, 5);
        let make = move |id, setup: &Setup| Replica::new(id, Setup { bug, ..*setup });
        let report = labs::log::judge(make, &options);
        assert_eq!(report.passed(), bug.is_none(), "{bug:?}: {report}");
    }
}
