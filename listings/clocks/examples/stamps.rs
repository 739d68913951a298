//! `cargo run --release -p clocks --example stamps -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(clocks::programs::stamps)
}
