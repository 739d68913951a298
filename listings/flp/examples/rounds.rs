//! `cargo run --release -p flp --example rounds -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::rounds)
}
