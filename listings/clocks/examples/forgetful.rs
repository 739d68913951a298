//! `cargo run --release -p clocks --example forgetful -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(clocks::programs::forgetful)
}
