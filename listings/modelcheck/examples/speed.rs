//! The chapter's comparison with Stateright, from the measurements file:
//! `cargo run --release -p modelcheck --example speed -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(modelcheck::programs::speed)
}
