//! The parsers never panic, whatever they are given: they return a history or an error
//! with a line number.

use linearizability::parse::{self, ParseError};
use proptest::prelude::*;

/// Text that looks like the formats, with random damage: Porcupine's lines, Jepsen's
/// maps (registers, key-value, transactions, locks, the nemesis), comments, maps spread
/// over lines, the whole wrapped in a list or a vector, and cut short.
fn almost_a_history() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "INFO  jepsen.util - [0-9]{1,3}\t:(invoke|ok|fail|info)\t:(read|write|cas)\t(nil|[0-9]{1,3}|\\[[0-9] [0-9]\\]|:timed-out)",
        "INFO  jepsen.util - :nemesis\t:info\t:(start|stop)\t(nil|\\[:isolated \\{\"n1\" #\\{\"n2\"\\}\\}\\])",
        "\\{:process [0-9], :type :(invoke|ok|fail|info), :f :(get|put|append|read|cas), :key \"[0-9]\", :value (nil|\"[a-z ]{0,6}\"|[0-9]|\\[1 2\\])\\}",
        "\\{:process :nemesis, :type :info, :f :(start|stop), :value (nil|:[a-z-]{1,8}|\\[:isolated \\{\"n1\" #\\{\"n2\"\\}\\}\\])\\}",
        "\\{:process [0-9], :type :(invoke|ok|fail|info), :f :txn, :value \\[(\\[:(read|write) (:[xy]|\"[xy]\"|[0-9]) (nil|[0-9])\\] ?){0,3}\\]\\}",
        "\\{:process [0-9], :type :(invoke|ok|fail|info), :f :(acquire|release)(, :value nil)?\\}",
        "; .{0,20}",
        ".{0,40}",
    ];
    let wrap = prop_oneof![Just(("", "")), Just(("(\n", "\n)")), Just(("[", "]"))];
    let cut = prop_oneof![3 => Just(100usize), 1 => 0..100usize];
    (prop::collection::vec(line, 0..30), wrap, any::<bool>(), cut).prop_map(
        |(lines, (open, close), spread, cut)| {
            let mut text = format!("{open}{}{close}", lines.join("\n"));
            if spread {
                text = text.replace(", :value", ",\n :value");
            }
            let keep = text.chars().count() * cut / 100;
            text.chars().take(keep).collect()
        },
    )
}

/// Every parser's error, if it gives one.
fn errors(text: &str) -> Vec<ParseError> {
    [
        parse::porcupine_etcd(text).err(),
        parse::kv_edn(text).err(),
        parse::jepsen_edn_register(text).err(),
        parse::jepsen_edn_txn(text).err(),
        parse::jepsen_edn_mutex(text).err(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(1),
        ..ProptestConfig::default()
    })]

    #[test]
    fn errors_name_a_line_of_damaged_histories(text in almost_a_history()) {
        for e in errors(&text) {
            prop_assert!(e.line >= 1 && e.line <= text.lines().count() + 1, "{e}");
        }
    }

    #[test]
    fn errors_name_a_line_of_arbitrary_text(text in any::<String>()) {
        for e in errors(&text) {
            prop_assert!(e.line >= 1 && e.line <= text.lines().count() + 1, "{e}");
        }
    }
}

/// The damaged histories are read as often as refused, so that both paths are exercised.
#[test]
fn damaged_histories_are_sometimes_readable() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = almost_a_history();
    let mut readable = [0; 5];
    for _ in 0..2000 {
        let text = strategy.new_tree(&mut runner).expect("a text").current();
        let read = [
            parse::porcupine_etcd(&text).is_ok(),
            parse::kv_edn(&text).is_ok(),
            parse::jepsen_edn_register(&text).is_ok(),
            parse::jepsen_edn_txn(&text).is_ok(),
            parse::jepsen_edn_mutex(&text).is_ok(),
        ];
        for (count, ok) in readable.iter_mut().zip(read) {
            *count += usize::from(ok);
        }
    }
    assert!(readable.iter().all(|&n| n >= 20), "{readable:?} of 2000");
}
