//! `cargo run --release -p flp --example mixes -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::mixes)
}
