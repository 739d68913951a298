//! Times the checker on Porcupine's histories beside Porcupine's own benchmark output:
//! `cargo run --release -p linearizability --example measure -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(linearizability::speed::measure)
}
