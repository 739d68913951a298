//! The programs of the labs crate: `cargo run -p labs -- PROGRAM`. `list` is what
//! `cargo xtask lab` prints; `judge` is what `cargo xtask lab NAME` runs.

use crate::judge::Options;
use crate::registry::{ENTRIES, Kind};
use notebook::{Error, Output};
use std::fmt::Write;
use std::path::PathBuf;

/// The programs of the labs crate.
#[derive(clap::Parser, Debug)]
#[command(name = "labs")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// Every lab and judged exercise: chapter, number, name, kind, difficulty, time.
    List {
        /// Also write the list as an HTML table to this file (the course guide's index).
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// The chapters and what each needs first, from listings/labs/chapters.toml.
    Chapters {
        /// Also draw the dependency graph as an SVG figure in this file.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// Judge the frozen starting point of a lab or exercise, as a student's untouched
    /// file is judged (what a first `cargo xtask lab NAME` prints).
    Start(JudgeArgs),
    /// Judge the student's file labs/NAME.rs (compiled only with the feature
    /// student-NAME: run it as `cargo xtask lab NAME`).
    Judge(JudgeArgs),
}

/// The arguments of `judge`.
#[derive(clap::Args, Debug)]
pub struct JudgeArgs {
    /// The lab or exercise (`cargo xtask lab` lists them).
    pub name: String,
    /// Replay this seed alone (a failure prints the command with its seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// How many seeds each simulated check of a lab runs, from a fresh first seed (each
    /// lab has its own default, which `cargo xtask lab` lists).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub seeds: Option<u64>,
    /// Draw every simulated run of a lab, passing or not, under target/labs/NAME/ (best
    /// with --seed N: one drawing per check).
    #[arg(long)]
    pub draw: bool,
}

/// What `judge` found: the text to print, and whether every check passed.
pub struct Judged {
    /// The header, the report and the score.
    pub text: String,
    /// Whether the student's file passed.
    pub passed: bool,
}

/// Runs the program `args` names. `judge` runs through [`judge`], which needs the binary's
/// table of student files; `student` is that table.
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("labs", args)?;
    match cli.program {
        Program::List { html } => {
            let mut out = Output::text(list());
            if let Some(path) = html {
                out.figure("the index, as HTML", path, index());
            }
            Ok(out)
        }
        Program::Chapters { svg } => {
            let chapters = crate::course::chapters().map_err(Error::Failed)?;
            let mut out = Output::text(crate::course::text(&chapters));
            if let Some(path) = svg {
                out.figure("the graph", path, crate::course::svg(&chapters));
            }
            Ok(out)
        }
        Program::Start(args) => {
            let judged = judge(&args, |name, options| Some(start(name, options)))?;
            Ok(Output::text(judged.text))
        }
        Program::Judge(_) => Err(Error::Failed(
            "judge runs a student's file, which only `cargo xtask lab NAME` compiles"
                .into(),
        )),
    }
}

/// Parses the arguments of `judge` (after the word `judge`).
pub fn judge_args(args: &[String]) -> Result<JudgeArgs, Error> {
    let cli: Cli = notebook::parse("labs", args)?;
    match cli.program {
        Program::Judge(args) => Ok(args),
        _ => Err(Error::Usage("not a judge command".into())),
    }
}

/// Judges the student's file for `args.name` with `student`, which judges the compiled
/// file of a name with the options given, or says it is not compiled (`None`).
pub fn judge(
    args: &JudgeArgs,
    student: impl FnOnce(&str, &Options) -> Option<crate::judge::Report>,
) -> Result<Judged, Error> {
    let Some(entry) = crate::registry::find(&args.name) else {
        let names: Vec<&str> = ENTRIES.iter().map(|e| e.name).collect();
        return Err(Error::Usage(format!(
            "error: no lab or exercise is called {:?}; the names are: {}\n",
            args.name,
            names.join(", ")
        )));
    };
    let (first, seeds) = match args.seed {
        Some(seed) => (seed, 1),
        None => (fresh_seed(), args.seeds.unwrap_or(entry.seeds)),
    };
    let options = Options {
        draw_every_run: args.draw,
        ..Options::new(entry.name, first, seeds)
    };
    let mut text = match entry.kind {
        Kind::Lab => format!("{}: {}, {}\n", entry.number, entry.title, entry.file()),
        Kind::Exercise => format!(
            "Exercise {}: {}, {}\n",
            entry.number,
            entry.title,
            entry.file()
        ),
    };
    if entry.kind == Kind::Lab {
        let last = first.wrapping_add(seeds - 1);
        if seeds == 1 {
            writeln!(text, "seed {first}").unwrap();
        } else {
            writeln!(text, "seeds {first} to {last} (fresh on every run)").unwrap();
        }
    }
    let Some(report) = student(entry.name, &options) else {
        return Err(Error::Failed(format!(
            "{} is not compiled into this program: judge it with `cargo xtask lab {}`",
            entry.file(),
            entry.name
        )));
    };
    text.push_str(&report.to_string());
    Ok(Judged {
        text,
        passed: report.passed(),
    })
}

macro_rules! judge_start {
    ($($name:tt $module:ident $feature:tt,)*) => {
        /// The report of the judge of `name` on its frozen starting point.
        fn start(name: &str, options: &Options) -> crate::judge::Report {
            match name {
                $($name => crate::judge!($name, crate::start::$module, options),)*
                _ => unreachable!("judge() refuses a name no entry has"),
            }
        }
    };
}

crate::for_each_entry!(judge_start);

/// A first seed no earlier run is likely to have used: from the clock.
fn fresh_seed() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    // Small enough to type back: a number below a million.
    (u64::from(now.subsec_micros()) ^ now.as_secs()) % 1_000_000
}

/// The table `cargo xtask lab` prints.
pub fn list() -> String {
    let mut text = String::new();
    writeln!(
        text,
        "{:<7}  {:<6}  {:<17}  {:<8}  {:<6}  {:>7}  {:>5}  title",
        "chapter", "number", "name", "kind", "level", "minutes", "seeds"
    )
    .unwrap();
    for e in ENTRIES {
        let seeds = match e.kind {
            Kind::Lab => e.seeds.to_string(),
            Kind::Exercise => "-".to_owned(),
        };
        writeln!(
            text,
            "{:<7}  {:<6}  {:<17}  {:<8}  {:<6}  {:>7}  {:>5}  {}",
            e.chapter, e.number, e.name, e.kind, e.difficulty, e.minutes, seeds, e.title
        )
        .unwrap();
    }
    writeln!(
        text,
        "\n`cargo xtask lab NAME` copies the starting point to labs/NAME.rs if that file does not \
         exist yet, and judges it.\nA lab's simulated checks run its number of seeds, fresh on \
         every run (`--seeds K` for more, `--seed N` to replay one)."
    )
    .unwrap();
    text
}

/// The course guide's index, as an HTML table (a chapter includes it as it is): one row
/// per entry, with the result it rests on.
fn index() -> String {
    let mut html = String::from(
        "<table>\n<thead><tr><th>Chapter</th><th>Number</th><th>Title</th><th>Kind</th>\
         <th>Difficulty</th><th>Minutes</th><th>Rests on</th><th>Judge it</th></tr></thead>\n\
         <tbody>\n",
    );
    for e in ENTRIES {
        writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td><code>cargo xtask lab {}</code></td></tr>",
            e.chapter, e.number, e.title, e.kind, e.difficulty, e.minutes, e.rests_on, e.name
        )
        .unwrap();
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// The cells of the book that run these programs.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p labs -- list --html src/outputs/labs-index.html",
            "src/outputs/labs-list.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p labs -- start primary-backup --seed 1",
            "src/outputs/labs-start-primary-backup.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p labs -- start abd --seed 1",
            "src/outputs/labs-start-abd.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p labs -- start paxos --seed 1",
            "src/outputs/labs-start-paxos.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p labs -- start multipaxos --seed 4",
            "src/outputs/labs-start-multipaxos.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p labs -- chapters --svg src/figures/course-chapters.svg",
            "src/outputs/course-chapters.txt",
            crate::programs::run
        ),
    ]
}
