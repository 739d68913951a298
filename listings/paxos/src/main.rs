//! The chapter's programs: `cargo run --release -p paxos -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(paxos::programs::run)
}
