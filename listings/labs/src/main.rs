//! The labs' programs: `cargo run -p labs -- list`, and `judge NAME`, which
//! `cargo xtask lab NAME` runs with the student's file compiled in.

use labs::judge::{Options, Report};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("judge") {
        return notebook::main(labs::programs::run);
    }
    let judged = labs::programs::judge_args(&args)
        .and_then(|a| labs::programs::judge(&a, student));
    match judged {
        Ok(judged) => {
            print!("{}", judged.text);
            if judged.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(notebook::Error::Help(text)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(notebook::Error::Usage(text)) => {
            eprint!("{text}");
            ExitCode::from(2)
        }
        Err(notebook::Error::Failed(text)) => {
            eprintln!("error: {text}");
            ExitCode::from(1)
        }
    }
}

macro_rules! judge_student {
    ($($name:tt $module:ident $feature:tt,)*) => {
        /// Judges the student's file `name`, if this build compiled it (`--features
        /// labs/student-NAME`).
        #[allow(unused_variables)]
        fn student(name: &str, options: &Options) -> Option<Report> {
            match name {
                $(
                    #[cfg(feature = $feature)]
                    $name => Some(labs::judge!($name, labs::student::$module, options)),
                )*
                _ => None,
            }
        }
    };
}

labs::for_each_entry!(judge_student);
