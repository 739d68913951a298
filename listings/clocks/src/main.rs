//! The chapter's programs: `cargo run --release -p clocks -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(clocks::programs::run)
}
