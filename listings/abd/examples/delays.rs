//! `cargo run --release -p abd --example delays -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(abd::programs::delays)
}
