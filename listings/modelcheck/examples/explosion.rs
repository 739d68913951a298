//! TwoPhase's state space as the number of resource managers grows:
//! `cargo run --release -p modelcheck --example explosion -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(modelcheck::programs::explosion)
}
