//! The labs' programs: `cargo run -p labs -- list`, and `judge NAME`, which
//! `cargo xtask lab NAME` runs with the student's file compiled in.

use labs::judge::{Options, Report};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("judge") {
        return notebook::main(labs::programs::run);
    }
    let judged = labs::programs::judge_args(&args)
        .and_then(|a| labs::programs::judge(&a, student));
    match judged {
        Ok(judged) => {
            print!("{}", judged.text);
            if judged.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(notebook::Error::Help(text)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(notebook::Error::Usage(text)) => {
            eprint!("{text}");
            ExitCode::from(2)
        }
        Err(notebook::Error::Failed(text)) => {
            eprintln!("error: {text}");
            ExitCode::from(1)
        }
    }
}

/// Judges the student's file `name`, if this build compiled it (`--features
/// labs/student-NAME`).
#[allow(unused_variables)]
fn student(name: &str, options: &Options) -> Option<Report> {
    match name {
        #[cfg(feature = "student-primary-backup")]
        "primary-backup" => Some(labs::judge!(
            "primary-backup",
            labs::student::primary_backup,
            options
        )),
        #[cfg(feature = "student-numbered-entries")]
        "numbered-entries" => Some(labs::judge!(
            "numbered-entries",
            labs::student::numbered_entries,
            options
        )),
        #[cfg(feature = "student-siblings")]
        "siblings" => Some(labs::judge!("siblings", labs::student::siblings, options)),
        #[cfg(feature = "student-queue")]
        "queue" => Some(labs::judge!("queue", labs::student::queue, options)),
        #[cfg(feature = "student-votes-counted")]
        "votes-counted" => Some(labs::judge!(
            "votes-counted",
            labs::student::votes_counted,
            options
        )),
        #[cfg(feature = "student-safe-rule")]
        "safe-rule" => Some(labs::judge!("safe-rule", labs::student::safe_rule, options)),
        #[cfg(feature = "student-common-coin")]
        "common-coin" => Some(labs::judge!(
            "common-coin",
            labs::student::common_coin,
            options
        )),
        #[cfg(feature = "student-abd")]
        "abd" => Some(labs::judge!("abd", labs::student::abd, options)),
        #[cfg(feature = "student-quorum-sizes")]
        "quorum-sizes" => Some(labs::judge!(
            "quorum-sizes",
            labs::student::quorum_sizes,
            options
        )),
        #[cfg(feature = "student-partition-proof")]
        "partition-proof" => Some(labs::judge!(
            "partition-proof",
            labs::student::partition_proof,
            options
        )),
        #[cfg(feature = "student-paxos")]
        "paxos" => Some(labs::judge!("paxos", labs::student::paxos, options)),
        #[cfg(feature = "student-paxos-quorums")]
        "paxos-quorums" => Some(labs::judge!(
            "paxos-quorums",
            labs::student::paxos_quorums,
            options
        )),
        _ => None,
    }
}
