//! `cargo run --release -p flp --example coordinator -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::coordinator)
}
