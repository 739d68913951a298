//! `cargo run --release -p flp --example coordinator_check -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::coordinator_check)
}
