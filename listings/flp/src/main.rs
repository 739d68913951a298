//! The chapter's programs: `cargo run --release -p flp -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(flp::programs::run)
}
