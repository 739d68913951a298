//! `cargo run --release -p paxos --example decide -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(paxos::programs::decide)
}
