//! `cargo run --release -p paxos --example duel -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(paxos::programs::duel)
}
