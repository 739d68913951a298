//! The merged logs of a cluster run, as text and as a space-time diagram: the program
//! behind `cargo run --release -p replication -- replay`.

use notebook::{Error, Output};
use std::fmt::Write;
use std::path::PathBuf;

/// Merges the logs of a cluster run and draws them.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The directory holding the nodes' logs (`node-0.log`, `node-1.log`, ...).
    #[arg(long, default_value = "target/cluster")]
    logs: PathBuf,
    /// Draw the run into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// Runs the program on its arguments (without the program name).
pub fn run(args: Args) -> Result<Output, Error> {
    let paths: Vec<PathBuf> = (0..)
        .map(|i| args.logs.join(format!("node-{i}.log")))
        .take_while(|p| p.is_file())
        .collect();
    if paths.is_empty() {
        return Err(Error::Usage(format!(
            "error: no node-0.log in {}\n",
            args.logs.display()
        )));
    }
    let entries =
        crate::log::read(&paths.iter().map(|p| p.as_path()).collect::<Vec<_>>())
            .map_err(|e| Error::Failed(format!("{}: {e}", args.logs.display())))?;
    let start = entries.first().map_or(0, |e| e.t_us);
    let mut output = Output::default();
    for e in &entries {
        let peer = e.peer.map_or(String::new(), |p| {
            let direction = if e.event == "receive" { "from" } else { "to" };
            format!(" {direction} p{p}")
        });
        let id = e.id.map_or(String::new(), |i| format!(" #{i}"));
        let line = format!(
            "{:>10.3} ms  p{}  {}{peer}{id}  {}",
            (e.t_us - start) as f64 / 1000.0,
            e.node,
            e.event,
            e.detail
        );
        let _ = writeln!(output.stdout, "{}", line.trim_end());
    }
    if let Some(path) = args.svg {
        let diagram =
            crate::log::diagram("A cluster's merged logs", paths.len(), &entries);
        output.figure("\ndiagram", path, diagram.to_svg());
    }
    Ok(output)
}
