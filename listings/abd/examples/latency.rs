//! `cargo run --release -p abd --example latency -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(abd::programs::latency)
}
