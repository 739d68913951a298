//! Lamport's TwoPhase commit, checked exhaustively:
//! `cargo run --release -p modelcheck --example two_phase -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(modelcheck::programs::two_phase)
}
