//! `cargo run --release -p flp --example lasso -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::lasso)
}
