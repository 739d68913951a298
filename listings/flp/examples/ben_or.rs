//! `cargo run --release -p flp --example ben_or -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::ben_or)
}
