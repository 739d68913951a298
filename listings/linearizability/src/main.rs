//! `cargo run --release -p linearizability -- check --format F --model M FILE...`
fn main() -> std::process::ExitCode {
    notebook::main(linearizability::cli::run)
}
