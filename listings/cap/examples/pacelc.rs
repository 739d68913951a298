//! `cargo run --release -p cap --example pacelc -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(cap::programs::pacelc)
}
