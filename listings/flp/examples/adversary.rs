//! `cargo run --release -p flp --example adversary -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::adversary)
}
