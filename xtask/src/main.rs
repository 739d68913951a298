//! `cargo xtask`: build, serve, check and bless the book. Run `cargo xtask --help`.

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use xtask::{book, cells, checks, lab, repository_root, serve};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "The book machine of The Space Between")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book into book/ (open book/index.html).
    Book,
    /// Build the book and serve it at http://localhost:PORT, rebuilding on changes.
    Serve {
        /// The port to listen on (loopback only).
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Regenerate every output and figure the book includes (then review `git diff`).
    Bless {
        /// Only the cells whose command or output file contains this text.
        only: Option<String>,
    },
    /// Run every no-drift check, as the book-level tests do, and list what is wrong.
    Check,
    /// List the labs and judged exercises; with a NAME, judge the student's file
    /// labs/NAME.rs (created from the starting point if it does not exist).
    Lab {
        /// The lab or exercise to judge (omit it to list them all).
        name: Option<String>,
        /// Replay this seed alone (a failure prints the command with its seed).
        #[arg(long)]
        seed: Option<u64>,
        /// How many seeds each simulated check of a lab runs (each lab has its default).
        #[arg(long)]
        seeds: Option<u64>,
        /// Draw every simulated run, passing or not (best with --seed N).
        #[arg(long)]
        draw: bool,
        /// Put the starting point back in labs/NAME.rs (the old file is kept as .rs.bak).
        #[arg(long)]
        reset: bool,
    },
    /// Write the student edition into DIR: the repository without the solutions crate.
    Handout {
        /// Where to write it (a new or empty directory).
        dir: std::path::PathBuf,
    },
    /// Run the cell named by BOOK_CELL into BOOK_CELL_DIR: the child process in which
    /// `bless` and `check` run each cell.
    #[command(hide = true)]
    RunCell,
}

fn main() -> ExitCode {
    xtask::logs::init(tracing::Level::INFO);
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    let root = repository_root();
    let invoked_in = std::env::current_dir()?;
    // Cells name files relative to the repository root, as a reader running them there
    // does.
    std::env::set_current_dir(&root)?;
    let dir = root.join("book");
    match command {
        Command::Book => {
            let build = book::build(&root, &dir)?;
            report_warnings(&build.warnings);
            println!("The book is in {}", dir.join("index.html").display());
        }
        Command::Serve { port } => {
            let build = book::build(&root, &dir)?;
            report_warnings(&build.warnings);
            let watched = ["src", "listings", "theme", "book.toml"]
                .map(|p| root.join(p))
                .to_vec();
            let (from, to) = (root.clone(), dir.clone());
            serve::serve(&dir, port, watched, move || match book::build(&from, &to) {
                Ok(build) => {
                    report_warnings(&build.warnings);
                    println!("Rebuilt the book");
                }
                Err(e) => eprintln!("error: {e:#}"),
            })?;
        }
        Command::Bless { only } => {
            let chosen: Vec<cells::Cell> = cells::all()
                .into_iter()
                .filter(|c| {
                    only.as_deref()
                        .is_none_or(|o| c.command.contains(o) || c.output.contains(o))
                })
                .collect();
            if chosen.is_empty() {
                bail!("no cell's command or output contains {only:?}");
            }
            let isolation = isolation()?;
            for path in cells::bless(&root, &chosen, |c| isolation.generate(c))? {
                println!("wrote {}", path.display());
            }
        }
        Command::Check => {
            let found = all_checks(&root)?;
            for finding in &found {
                println!("{finding}");
            }
            if !found.is_empty() {
                bail!("{} problems", found.len());
            }
            println!("The book is consistent.");
        }
        Command::Lab { name: None, .. } => lab::list(),
        Command::Lab {
            name: Some(name),
            seed,
            seeds,
            draw,
            reset,
        } => {
            let status = lab::judge(&root, &name, seed, seeds, draw, reset)?;
            if !status.success() {
                std::process::exit(status.code().unwrap_or(1));
            }
        }
        Command::Handout { dir } => {
            let dir = invoked_in.join(dir);
            let written = xtask::handout::write(&root, &dir)?;
            println!(
                "The student edition is in {} ({written} files, without solutions/)",
                dir.display()
            );
        }
        Command::RunCell => cells::child(&cells::all())?,
    }
    Ok(())
}

fn all_checks(root: &std::path::Path) -> Result<Vec<checks::Finding>> {
    let mut found = checks::code_blocks(root);
    found.extend(checks::includes(root));
    found.extend(checks::listing_crates(root));
    found.extend(checks::summary(root));
    found.extend(checks::course(root));
    found.extend(checks::typed_numbers(root));
    found.extend(checks::values(root));
    found.extend(checks::claims(root));
    let packages = xtask::architecture::packages(&xtask::architecture::metadata(root)?);
    found.extend(
        xtask::architecture::broken_rules(&packages)
            .into_iter()
            .map(|message| checks::Finding {
                file: "Cargo.toml".into(),
                line: None,
                message,
            }),
    );
    let isolation = isolation()?;
    found.extend(checks::cells(root, &cells::all(), true, |c| {
        isolation.generate(c)
    }));
    let build = book::build(root, &xtask::target_dir().join("book-check"))?;
    found.extend(checks::rendered(&build));
    Ok(found)
}

/// Each cell runs in a child of this program (`cargo xtask run-cell`), with a time limit.
fn isolation() -> Result<cells::Isolation> {
    Ok(cells::Isolation::new(
        std::env::current_exe()?,
        &["run-cell"],
    ))
}

fn report_warnings(warnings: &[String]) {
    if !warnings.is_empty() {
        eprintln!(
            "{} warnings: the book-level tests will fail until they are fixed",
            warnings.len()
        );
    }
}
