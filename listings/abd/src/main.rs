//! The chapter's programs: `cargo run --release -p abd -- --help` lists them.
fn main() -> std::process::ExitCode {
    notebook::main(abd::programs::run)
}
