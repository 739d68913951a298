//! How fast the simulator runs, measured and reported:
//! `cargo run --release -p sim --example throughput -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(sim::throughput::run)
}
