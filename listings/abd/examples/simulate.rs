//! `cargo run --release -p abd --example simulate -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(abd::programs::simulate)
}
