//! The chapter's programs: `cargo run --release -p sim -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(sim::programs::run)
}
