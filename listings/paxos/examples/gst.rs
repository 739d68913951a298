//! `cargo run --release -p paxos --example gst -- --help`.

fn main() -> std::process::ExitCode {
    notebook::main(paxos::programs::gst)
}
