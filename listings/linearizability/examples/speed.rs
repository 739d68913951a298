//! The chapter's speed table and figure, from the measurements file:
//! `cargo run --release -p linearizability --example speed -- --help`.
fn main() -> std::process::ExitCode {
    notebook::main(linearizability::speed::report)
}
