//! The chapter's programs: `cargo run --release -p cap -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(cap::programs::run)
}
