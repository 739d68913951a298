//! The chapter's programs: `cargo run --release -p multipaxos -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(multipaxos::programs::run)
}
