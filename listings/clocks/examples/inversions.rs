//! `cargo run --release -p clocks --example inversions -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(clocks::programs::inversions)
}
