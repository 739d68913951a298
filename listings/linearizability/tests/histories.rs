//! Small histories in the shapes Jepsen's tools write (`tests/histories/*.edn`), each
//! with the verdict derived by hand in its comments, checked through the program the CLI
//! runs and through the library. Before these were handled, the checker rejected the
//! nemesis's operations and histories saved as one list, had no multi-register or mutex,
//! judged a failed write as one that could not be placed, and answered "not linearizable"
//! for a compare-and-set given to a read/write register.

use linearizability::models::{CasRegister, MultiRegister, Mutex, Register, RegisterOp};
use linearizability::{check, cli, parse, undefined};
use notebook::Error;
use std::path::PathBuf;

fn path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/histories")
        .join(file)
}

/// (file, --model, linearizable), each verdict derived by hand.
const VERDICTS: &[(&str, &str, bool)] = &[
    ("register-nemesis.edn", "cas-register", true),
    ("register-list.edn", "cas-register", false),
    ("register-failed-write.edn", "cas-register", true),
    ("register-cas.edn", "cas-register", true),
    ("txn-ok.edn", "multi-register", true),
    ("txn-bad.edn", "multi-register", false),
    ("mutex-ok.edn", "mutex", true),
    ("mutex-bad.edn", "mutex", false),
];

fn run(model: &str, file: &str) -> Result<String, Error> {
    let args = ["check", "--format", "jepsen-edn", "--model", model];
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.push(path(file).display().to_string());
    cli::run(&args).map(|output| output.stdout)
}

#[test]
fn the_cli_gives_each_history_its_verdict() {
    for &(file, model, linearizable) in VERDICTS {
        let verdict = if linearizable {
            "linearizable"
        } else {
            "not linearizable"
        };
        let expected = format!("{}: {verdict}\n", path(file).display());
        assert_eq!(run(model, file), Ok(expected), "{file}");
    }
}

#[test]
fn the_library_gives_each_history_its_verdict() {
    for &(file, model, linearizable) in VERDICTS {
        let text = std::fs::read_to_string(path(file)).expect("a fixture");
        let verdict = match model {
            "cas-register" => {
                let parsed = parse::jepsen_edn_register(&text).expect(file);
                check(&CasRegister, &parsed.history)
            }
            "multi-register" => {
                let parsed = parse::jepsen_edn_txn(&text).expect(file);
                check(&MultiRegister, &parsed.history)
            }
            "mutex" => {
                check(&Mutex, &parse::jepsen_edn_mutex(&text).expect(file).history)
            }
            other => panic!("no model {other}"),
        };
        assert_eq!(verdict.is_linearizable(), linearizable, "{file}");
    }
}

#[test]
fn the_nemesis_is_not_a_client() {
    let text = std::fs::read_to_string(path("register-nemesis.edn")).expect("a fixture");
    let parsed = parse::jepsen_edn_register(&text).expect("readable");
    assert_eq!(parsed.history.operations.len(), 4);
    assert_eq!(parsed.lines, [9, 12, 13, 19]);
}

#[test]
fn an_operation_the_model_does_not_define_is_an_error_with_its_line() {
    let Err(Error::Usage(message)) = run("register", "register-cas.edn") else {
        panic!("--model register accepted a cas");
    };
    let expected = format!(
        "error: {}:9: cas(1, 2): an operation --model register does not define\n",
        path("register-cas.edn").display()
    );
    assert_eq!(message, expected);
    // The library finds the same operation; the search alone would not place it.
    let text = std::fs::read_to_string(path("register-cas.edn")).expect("a fixture");
    let parsed = parse::jepsen_edn_register(&text).expect("readable");
    let cas = undefined(&Register, &parsed.history).expect("an undefined operation");
    assert_eq!(
        parsed.history.operations[cas].request,
        RegisterOp::Cas(1, 2)
    );
    assert_eq!(parsed.lines[cas], 9);
    assert_eq!(undefined(&CasRegister, &parsed.history), None);
    assert!(!check(&Register, &parsed.history).is_linearizable());
}

#[test]
fn a_model_and_a_format_that_do_not_go_together_are_a_usage_error() {
    let file = path("register-list.edn").display().to_string();
    let args = [
        "check",
        "--format",
        "porcupine-etcd",
        "--model",
        "mutex",
        &file,
    ];
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    assert_eq!(
        cli::run(&args),
        Err(Error::Usage(
            "error: --model mutex does not read --format porcupine-etcd\n".into()
        ))
    );
    assert_eq!(
        run("mutex", "register-list.edn"),
        Err(Error::Usage(format!(
            "error: {file}:9: expected :f to be :acquire or :release, found :write\n"
        )))
    );
}

#[test]
fn explain_describes_transactions_and_locks() {
    let args = |model: &str, file: &str| -> Vec<String> {
        let args = [
            "check",
            "--format",
            "jepsen-edn",
            "--explain",
            "--model",
            model,
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(path(file).display().to_string());
        args
    };
    let txn = cli::run(&args("multi-register", "txn-bad.edn")).expect("a verdict");
    assert!(
        txn.stdout.contains("txn(read :x → 2, read :y → 1)"),
        "{}",
        txn.stdout
    );
    let lock = cli::run(&args("mutex", "mutex-bad.edn")).expect("a verdict");
    assert!(lock.stdout.contains("acquire()"), "{}", lock.stdout);
    assert!(
        lock.stdout.contains("state after it: Held"),
        "{}",
        lock.stdout
    );
}
