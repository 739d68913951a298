//! `cargo run --release -p flp --example timing -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::timing)
}
