//! The parsers never panic, whatever they are given: they return a history or an error
//! with a line number.

use linearizability::parse;
use proptest::prelude::*;

/// Text that looks like the formats, with random damage.
fn almost_a_history() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "INFO  jepsen.util - [0-9]{1,3}\t:(invoke|ok|fail|info)\t:(read|write|cas)\t(nil|[0-9]{1,3}|\\[[0-9] [0-9]\\]|:timed-out)",
        "\\{:process [0-9], :type :(invoke|ok|fail|info), :f :(get|put|append|read|cas), :key \"[0-9]\", :value (nil|\"[a-z ]{0,6}\"|[0-9]|\\[1 2\\])\\}",
        ".{0,40}",
    ];
    prop::collection::vec(line, 0..30).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(1),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parsers_never_panic_on_damaged_histories(text in almost_a_history()) {
        let _ = parse::porcupine_etcd(&text);
        let _ = parse::kv_edn(&text);
        let _ = parse::jepsen_edn_register(&text);
        let vector = format!("[{text}]");
        let _ = parse::jepsen_edn_register(&vector);
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(text in any::<String>()) {
        let _ = parse::porcupine_etcd(&text);
        let _ = parse::kv_edn(&text);
        let _ = parse::jepsen_edn_register(&text);
    }

    #[test]
    fn errors_name_a_line_of_the_input(text in almost_a_history()) {
        if let Err(e) = parse::porcupine_etcd(&text) {
            prop_assert!(e.line >= 1 && e.line <= text.lines().count() + 1);
        }
        if let Err(e) = parse::kv_edn(&text) {
            prop_assert!(e.line >= 1 && e.line <= text.lines().count() + 1);
        }
    }
}
