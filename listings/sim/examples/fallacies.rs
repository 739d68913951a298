//! The naive and repaired primary-backup protocols under each fallacy of distributed
//! computing:
//! `cargo run --release -p sim --example fallacies -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(replication::fallacies::run)
}
