//! The chapter's programs: `cargo run --release -p replication -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(replication::programs::run)
}
