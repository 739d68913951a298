//! The census's programs: `cargo run --release -p census -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(census::programs::run)
}
