//! Two-phase commit as message-passing processes, checked exhaustively:
//! `cargo run --release -p modelcheck --example commit -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(modelcheck::programs::commit)
}
