//! The merged logs of a cluster run, as text and a diagram:
//! `cargo run --release -p net --example replay -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(net::replay::run)
}
