//! `cargo run --release -p paxos --example check -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(paxos::programs::check)
}
