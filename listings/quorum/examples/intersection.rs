//! How often two random quorums miss each other: `cargo run --release -p quorum --example
//! intersection -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(quorum::intersection::run)
}
