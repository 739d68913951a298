//! `cargo run --release -p cap --example partition -- --register abd|available --seed N`.

fn main() -> std::process::ExitCode {
    notebook::main(cap::programs::partition)
}
