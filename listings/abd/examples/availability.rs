//! `cargo run --release -p abd --example availability -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(abd::programs::availability)
}
