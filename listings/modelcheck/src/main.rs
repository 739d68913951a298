//! The chapter's programs: `cargo run --release -p modelcheck -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(modelcheck::programs::run)
}
