//! `cargo run --release -p abd --example check -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(abd::programs::check)
}
