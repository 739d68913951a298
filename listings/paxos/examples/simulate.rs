//! `cargo run --release -p paxos --example simulate -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(paxos::programs::simulate)
}
