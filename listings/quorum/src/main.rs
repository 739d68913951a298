//! The chapter's programs: `cargo run --release -p quorum -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(quorum::programs::run)
}
