//! A protocol that is safe but not live, and the lasso that shows it:
//! `cargo run --release -p modelcheck --example preemption -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(modelcheck::programs::preemption)
}
