//! `cargo run --release -p paxos --example lasso -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(paxos::programs::lasso)
}
