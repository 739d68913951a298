//! The programs of the chapter "Paxos Made Simple".

use crate::check::{safety, safety_of, symmetric, system};
use crate::paxos::{Bug, Message, Retry, Setup};
use crate::simulate::{self, HORIZON, Policy, mix_world, policy, run_mix, run_until};
use modelcheck::processes::{Faults, diagram};
use modelcheck::{Checker, System};
use notebook::{Error, Output};
use process::Span;
use sim::mixes::Mix;
use sim::quantile;
use sim::{Config, Latency};
use std::fmt::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A message, short, for diagrams.
pub fn label(m: &Message) -> String {
    let value = |a: &Option<(crate::paxos::Ballot, u32)>| match a {
        Some((b, v)) => format!(" {b:?}:{v}"),
        None => String::new(),
    };
    match m {
        Message::Prepare { ballot } => format!("prepare {ballot:?}"),
        Message::Promise { ballot, accepted } => {
            format!("promise {ballot:?}{}", value(accepted))
        }
        Message::Accept { ballot, value } => format!("accept {ballot:?}:{value}"),
        Message::Accepted { ballot, value } => format!("accepted {ballot:?}:{value}"),
        Message::Refuse {
            ballot, promised, ..
        } => {
            format!("refuse {ballot:?} < {promised:?}")
        }
        Message::Heartbeat => "heartbeat".into(),
    }
}

/// The planted bugs' names on the command line.
/// Checks every execution of single-decree Paxos for agreement and validity.
#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    /// Acceptors.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=5))]
    acceptors: u32,
    /// Proposers, each also a learner.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=3))]
    proposers: u32,
    /// Ballots each proposer may start (a timer that may fire at any time starts the
    /// next).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=3))]
    ballots: u32,
    /// The network may lose messages.
    #[arg(long)]
    loss: bool,
    /// The network may deliver a message more than once.
    #[arg(long)]
    duplication: bool,
    /// At most this many crashes.
    #[arg(long, default_value_t = 0)]
    crashes: usize,
    /// A crashed process may restart from its disk.
    #[arg(long)]
    restarts: bool,
    /// A planted bug.
    #[arg(long, value_enum)]
    bug: Option<Bug>,
    /// Do not print the time taken (for reproducible output).
    #[arg(long)]
    no_time: bool,
    /// Stop after this many distinct states (the answer is then incomplete).
    #[arg(long, value_name = "N", conflicts_with = "unbounded")]
    max_states: Option<usize>,
    /// Lift the checker's default bounds of states and time: run until every state is
    /// seen, however long it takes and whatever memory it needs.
    #[arg(long)]
    unbounded: bool,
    /// Draw the shortest violating run, if any, into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
    /// Explore one state of each class of states that differ only by a renaming of the
    /// acceptors.
    #[arg(long)]
    symmetry: bool,
    /// Threads of the search (its report is the same for any number).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
    /// Keep in flight the messages no process will ever act on, instead of dropping them
    /// (to measure what dropping them saves).
    #[arg(long)]
    keep_dead: bool,
}

/// `checker` on the threads and within the bounds `args` ask for.
fn bounded<'a, S: System>(checker: Checker<'a, S>, args: &CheckArgs) -> Checker<'a, S> {
    let checker = checker.threads(args.threads as usize);
    match args.max_states {
        Some(max) => checker.max_states(max),
        None if args.unbounded => checker.unbounded(),
        None => checker,
    }
}

/// `cargo run --release -p paxos -- check [--ballots K] [faults] [--bug B]`.
pub(crate) fn check(args: CheckArgs) -> Result<Output, Error> {
    let bug = args.bug;
    let faults = Faults {
        loss: args.loss,
        duplication: args.duplication,
        crashes: args.crashes,
        restarts: args.restarts,
        crash_below: Some(args.acceptors as usize), // acceptors crash; proposers do not
        fifo: false,
    };
    let (a, p) = (args.acceptors as usize, args.proposers as usize);
    let processes =
        || system(a, p, args.ballots, bug, faults).keeping_dead(args.keep_dead);
    let began = Instant::now();
    let report = if args.symmetry {
        let interchangeable = symmetric(processes());
        bounded(safety_of(&interchangeable, p).symmetry(true), &args)
            .run()
            .retyped()
    } else {
        bounded(safety(&processes()), &args).run()
    };
    let took = began.elapsed();
    let mut output = Output::default();
    let mut knobs = Vec::new();
    if args.loss {
        knobs.push("loss".to_owned());
    }
    if args.duplication {
        knobs.push("duplication".to_owned());
    }
    if args.crashes > 0 {
        let restarts = if args.restarts { ", then restarts" } else { "" };
        knobs.push(format!("at most {} crash(es){restarts}", args.crashes));
    }

    let _ = writeln!(
        output.stdout,
        "{a} acceptors, {p} proposers, {} ballot(s) each{}{}",
        args.ballots,
        if knobs.is_empty() {
            String::new()
        } else {
            format!(", {}", knobs.join(", "))
        },
        bug.map_or(String::new(), |b| format!(", planted bug {b:?}"))
    );
    if args.symmetry {
        let _ = writeln!(
            output.stdout,
            "  states counted up to a renaming of the acceptors"
        );
    }
    if args.keep_dead {
        let _ = writeln!(output.stdout, "  dead messages kept in flight");
    }
    let _ = writeln!(output.stdout, "  distinct states: {}", report.distinct);
    output.value("distinct", report.distinct);
    let _ = writeln!(output.stdout, "  depth: {}", report.depth);
    if !args.no_time {
        let _ = writeln!(output.stdout, "  time: {:.1} s", took.as_secs_f64());
    }
    match report.violation {
        None if !report.proved() => {
            let caveat = report.caveat().unwrap_or_default();
            let _ = writeln!(output.stdout, "  {caveat}");
        }
        None => {
            let _ = writeln!(
                output.stdout,
                "  in every reachable state, one value at most is chosen, it was proposed,\n  \
                 and only it is learned"
            );
        }
        Some(violation) => {
            let steps = violation.trace.len() - 1;
            let _ = writeln!(
                output.stdout,
                "  {} violated after {}:",
                violation.invariant,
                notebook::count(steps as u64, "step")
            );
            output
                .stdout
                .push_str(&modelcheck::steps(&violation.trace, None));
            let last = &violation.trace[steps].1;
            for (q, learned) in last.all_outputs().enumerate() {
                if !learned.is_empty() {
                    let _ = writeln!(output.stdout, "  p{q} learned {learned:?}");
                }
            }
            if let Some(path) = args.svg {
                let title = format!(
                    "{:?}: two values chosen",
                    bug.unwrap_or(Bug::IgnoresAccepted)
                );
                let picture = diagram(&title, &violation.trace, None, label);
                output.figure("  diagram", path, picture.to_svg());
            }
        }
    }
    Ok(output)
}

/// Finds, with the model checker, a fair execution of two eager proposers in which no
/// value is ever chosen.
#[derive(clap::Args, Debug)]
pub(crate) struct LassoArgs {
    /// Acceptors.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=5))]
    acceptors: u32,
    /// Draw the execution, its loop run twice, into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p paxos -- lasso [--acceptors N] [--svg PATH]`.
pub(crate) fn lasso(args: LassoArgs) -> Result<Output, Error> {
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "two eager proposers, {} acceptors, a reliable network",
        args.acceptors
    );
    match crate::duel::find(args.acceptors as usize, 2) {
        Err(e) => {
            let _ = writeln!(output.stdout, "  no answer: {e:?}");
        }
        Ok(None) => {
            let _ = writeln!(
                output.stdout,
                "  no duel among the renamed states (not a proof that none exists)"
            );
        }
        Ok(Some(duel)) => {
            output.value("prefix-steps", duel.loop_from);
            output.value("loop-steps", duel.lap);
            let _ = writeln!(
                output.stdout,
                "  states, up to renaming rounds: {}",
                duel.states
            );
            let _ = writeln!(
                output.stdout,
                "  a fair execution in which no value is ever chosen: {} steps, then a loop\n  \
                 of {} steps repeated for ever (shown twice; the rounds grow each time):",
                duel.loop_from, duel.lap
            );
            output
                .stdout
                .push_str(&modelcheck::steps(&duel.trace, Some(duel.loop_from + 1)));
            let _ = writeln!(
                output.stdout,
                "  every message in flight when the loop starts is delivered within it: {}",
                if duel.fair { "yes" } else { "no" }
            );
            let _ = match duel.raise {
                Some(k) => writeln!(
                    output.stdout,
                    "  after one lap the real state is the lap's first with every round raised\n  \
                     by {k}, an exact symmetry of Paxos: the lap repeats for ever"
                ),
                None => writeln!(
                    output.stdout,
                    "  the lap does not repeat on the real states"
                ),
            };
            if let Some(path) = args.svg {
                let title = "Dueling proposers: a fair execution that never chooses";
                let picture = diagram(title, &duel.trace, Some(duel.loop_from), label);
                output.figure("  diagram", path, picture.to_svg());
            }
        }
    }
    Ok(output)
}

/// Two proposers in the simulator, without and with the cures for dueling.
#[derive(clap::Args, Debug)]
pub(crate) struct DuelArgs {
    /// The seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to draw the eager proposers' run [default: target/duel-SEED.svg].
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// How much of the eager proposers' duel the diagram shows.
const DUEL_DRAWN: Duration = Duration::from_millis(40);

/// `cargo run --release -p paxos -- duel --seed N`.
pub(crate) fn duel(args: DuelArgs) -> Result<Output, Error> {
    let mut config = Config::default();
    config.network.latency = Latency::Uniform {
        min: Duration::from_millis(1),
        max: Duration::from_millis(2),
    };
    config.network.fifo = false;
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "3 acceptors, 2 proposers starting together, message delays {}, seed {}",
        config.network.latency, args.seed
    );
    let mut eager_run = None;
    for choice in Policy::ALL {
        let (name, retry) = (choice.name(), policy(choice));
        let setup = Setup::new(3, 2, retry);
        let title = format!(
            "Eager proposers, seed {}: the first {}",
            args.seed,
            Span(DUEL_DRAWN)
        );
        let run = simulate::run(setup, config.clone(), args.seed);
        let ballots = run.ballots;
        if name == "eager" {
            let end = process::Time::ZERO + DUEL_DRAWN;
            eager_run =
                run_until(setup, config.clone(), args.seed, end, Some(&title)).diagram;
        }
        if let Some(t) = run.decided() {
            output.value(&format!("{name}-ms"), format!("{:.1}", t.as_millis_f64()));
        }
        let _ = match run.decided() {
            Some(t) => writeln!(
                output.stdout,
                "  {name:<8} chose {} at {:.1} ms, {ballots} ballots started",
                run.learned[0].2,
                t.as_millis_f64()
            ),
            None => writeln!(
                output.stdout,
                "  {name:<8} chose nothing in {:.0} ms: {ballots} ballots",
                crate::simulate::HORIZON.as_millis_f64()
            ),
        };
    }
    let path = args.svg.unwrap_or_else(|| {
        PathBuf::from("target").join(format!("duel-{}.svg", args.seed))
    });
    let _ = writeln!(
        output.stdout,
        "  diagram of the eager proposers' first {}: {}",
        Span(DUEL_DRAWN),
        path.display()
    );
    let picture = eager_run
        .map(|d| d.to_svg().into_bytes())
        .unwrap_or_default();
    output.file(path, picture);
    Ok(output)
}

/// Decision latency and messages per decision.
#[derive(clap::Args, Debug)]
pub(crate) struct DecideArgs {
    /// Acceptors.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=15))]
    acceptors: u32,
    /// Seeds: 0, 1, ..., SEEDS - 1.
    #[arg(long, default_value_t = 200)]
    seeds: u64,
}

/// `cargo run --release -p paxos -- decide --acceptors N --seeds S`.
pub(crate) fn decide(args: DecideArgs) -> Result<Output, Error> {
    let n = args.acceptors as usize;
    let mut out = String::new();
    let one = crate::simulate::one_proposer(n);
    let ms = |t: Option<process::Time>| t.map_or(f64::NAN, |t| t.as_millis_f64());
    let _ = writeln!(
        out,
        "{n} acceptors, one proposer (the learner), every message delayed exactly {}:\n  \
         message delays from prepare to learning: {}\n  \
         message delays from accept to learning (phase 2): {}\n  \
         messages: {} (prepare, promise, accept, accepted: 4 x {n})",
        Span(crate::simulate::EXACT),
        ms(one.decided()) - ms(one.started),
        ms(one.decided()) - ms(one.phase2),
        one.messages
    );
    // Two proposers with Ω, log-normal delays, many seeds.
    let retry = policy(Policy::Leader);
    let setup = Setup::new(n, 2, retry);
    let mut latencies = Vec::new();
    let mut messages = Vec::new();
    let mut config = Config::default();
    config.network.latency = Latency::LogNormal {
        median: Duration::from_millis(1),
        sigma: 0.5,
    };
    for seed in 0..args.seeds {
        let run = simulate::run(setup, config.clone(), seed);
        if let (Some(d), Some(s)) = (run.decided(), run.started) {
            latencies.push(d.as_millis_f64() - s.as_millis_f64());
            messages.push(run.messages as f64);
        }
    }
    latencies.sort_by(f64::total_cmp);
    messages.sort_by(f64::total_cmp);
    let _ = writeln!(
        out,
        "{n} acceptors, two proposers with a leader (Ω), delays {},\n\
         {} seeds: decided in {}; from the first prepare to the first learner,\n  \
         median {:.2} ms, p99 {:.2} ms; messages, median {:.0}",
        config.network.latency,
        args.seeds,
        latencies.len(),
        quantile(&latencies, 0.5),
        quantile(&latencies, 0.99),
        quantile(&messages, 0.5)
    );
    Ok(Output {
        stdout: out,
        ..Output::default()
    })
}

/// Runs Paxos under every fault mix for many seeds, judging agreement and validity.
#[derive(clap::Args, Debug)]
pub(crate) struct SimulateArgs {
    /// Acceptors.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=15))]
    acceptors: u32,
    /// Seeds per mix.
    #[arg(long, default_value_t = 200)]
    seeds: u64,
    /// The proposers' policy.
    #[arg(long, value_enum, default_value_t = Policy::Leader)]
    policy: Policy,
    /// A planted bug.
    #[arg(long, value_enum)]
    bug: Option<Bug>,
    /// Draw the first run that breaks agreement or validity, if any, into this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<PathBuf>,
}

/// `cargo run --release -p paxos -- simulate --acceptors N --seeds S`.
pub(crate) fn simulate(args: SimulateArgs) -> Result<Output, Error> {
    let retry = policy(args.policy);
    let n = args.acceptors as usize;
    let mut output = Output::default();
    let _ = writeln!(
        output.stdout,
        "{n} acceptors, 2 proposers ({}), {} seeds per mix;\n\
         time from the proposers' start (at {}, amid the faults) to the first learner",
        args.policy.name(),
        args.seeds,
        Span(crate::simulate::BEGIN)
    );
    let _ = writeln!(
        output.stdout,
        "  {:<12} {:>9} {:>9} {:>8} {:>11} {:>9}",
        "mix", "decided", "disagree", "invalid", "median ms", "p99 ms"
    );
    let planted = args.bug;
    let mut first = None;
    // The fastest a leader can decide: its first heartbeat tick, then four delays of the
    // clean network (prepare, promise, accept, accepted).
    let floor = match (retry, Mix::Clean.world(n, &[], 0).network.latency) {
        (Retry::Leader { heartbeat, .. }, Latency::Constant(delay)) => {
            Some((heartbeat, delay, heartbeat + 4 * delay))
        }
        _ => None,
    };
    let mut at_floor = Vec::new();
    for mix in Mix::ALL {
        let (mut decided, mut disagree, mut invalid) = (0, 0, 0);
        let mut times = Vec::new();
        for seed in 0..args.seeds {
            let run = run_mix(n, retry, mix, planted, seed);
            disagree += usize::from(!run.agreement);
            invalid += usize::from(!run.validity);
            if !(run.agreement && run.validity) {
                first.get_or_insert((mix, seed));
            }
            if let Some(t) = run.decided() {
                decided += 1;
                times
                    .push(t.as_millis_f64() - crate::simulate::BEGIN.as_secs_f64() * 1e3);
            }
        }
        times.sort_by(f64::total_cmp);
        let (median, p99) = (quantile(&times, 0.5), quantile(&times, 0.99));
        let _ = writeln!(
            output.stdout,
            "  {:<12} {decided:>9} {disagree:>9} {invalid:>8} {median:>11.1} {p99:>9.1}",
            mix.name(),
        );
        if floor.is_some_and(|(.., at)| [median, p99] == [at.as_secs_f64() * 1e3; 2]) {
            at_floor.push(mix.name());
        }
    }
    if let Some((heartbeat, delay, at)) = floor {
        output.value("heartbeat", Span(heartbeat));
        output.value("delay", Span(delay));
        output.value("floor", Span(at));
        output.value("at-floor", at_floor.join(", "));
    }
    if let Some((mix, seed)) = first {
        let _ = writeln!(
            output.stdout,
            "  first run to break safety: mix {}, seed {seed}",
            mix.name()
        );
        if let Some(path) = args.svg {
            let (setup, config) = mix_world(n, retry, mix, planted, seed);
            let name = args
                .bug
                .map_or("no bug".to_owned(), |b| notebook::choice(&b));
            let title = format!("{name}, mix {}, seed {seed}", mix.name());
            let run = run_until(setup, config, seed, HORIZON, Some(&title));
            let picture = run.diagram.expect("drawn").to_svg();
            output.figure("  diagram", path, picture);
        }
    }
    Ok(output)
}

/// Liveness after the network stabilizes: decision time after GST, per policy.
#[derive(clap::Args, Debug)]
pub(crate) struct GstArgs {
    /// Acceptors.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=15))]
    acceptors: u32,
    /// The global stabilization time, in ms: until then the proposers are cut off from
    /// the acceptors.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1000))]
    gst: u64,
    /// Seeds: 0, 1, ..., SEEDS - 1.
    #[arg(long, default_value_t = 200)]
    seeds: u64,
}

/// `cargo run --release -p paxos -- gst [--acceptors N] [--gst MS] [--seeds S]`.
pub(crate) fn gst(args: GstArgs) -> Result<Output, Error> {
    let n = args.acceptors as usize;
    let gst = Duration::from_millis(args.gst);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{n} acceptors, 2 proposers cut off from them until GST = {} ms, then every\n\
         delay uniform in {}–{} ms; {} seeds; time from GST to the first learner:",
        args.gst,
        crate::simulate::DELAY.0.as_millis(),
        crate::simulate::DELAY.1.as_millis(),
        args.seeds
    );
    let _ = writeln!(
        out,
        "  {:<8} {:>8} {:>11} {:>9} {:>9}",
        "policy", "decided", "median ms", "p99 ms", "max ms"
    );
    for choice in Policy::ALL {
        let (name, retry) = (choice.name(), policy(choice));
        let mut after = Vec::new();
        for seed in 0..args.seeds {
            let run = crate::simulate::run_gst(n, retry, gst, seed);
            if let Some(t) = run.decided() {
                after.push(t.as_millis_f64() - gst.as_secs_f64() * 1e3);
            }
        }
        after.sort_by(f64::total_cmp);
        if after.is_empty() {
            let _ = writeln!(
                out,
                "  {name:<8} {:>8}   (waits for answers that were lost)",
                0
            );
            continue;
        }
        let _ = writeln!(
            out,
            "  {name:<8} {:>8} {:>11.1} {:>9.1} {:>9.1}",
            after.len(),
            quantile(&after, 0.5),
            quantile(&after, 0.99),
            after.last().copied().unwrap_or(f64::NAN)
        );
    }
    if let Retry::Leader { after, .. } = policy(Policy::Leader) {
        let _ = writeln!(
            out,
            "  the leader's bound: its retry timer ({} ms) + 4 delays of at most {} ms = {} ms",
            after.as_millis(),
            crate::simulate::DELAY.1.as_millis(),
            (after + 4 * crate::simulate::DELAY.1).as_millis()
        );
    }
    Ok(Output {
        stdout: out,
        ..Output::default()
    })
}

/// The programs of chapter 11, "Paxos Made Simple": `cargo run --release -p paxos -- PROGRAM [ARGS]`.
#[derive(clap::Parser, Debug)]
#[command(name = "paxos")]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// Every execution of single-decree Paxos, checked for safety.
    Check(CheckArgs),
    /// Dueling proposers as a fair lasso, found by the model checker.
    Lasso(LassoArgs),
    /// Two proposers in the simulator, without and with the cures.
    Duel(DuelArgs),
    /// Decision latency and messages per decision.
    Decide(DecideArgs),
    /// Paxos under every fault mix, many seeds.
    Simulate(SimulateArgs),
    /// Decision time after the network stabilizes, per policy.
    Gst(GstArgs),
}

/// Runs the program its arguments name: `paxos PROGRAM [ARGS]` (`--help` lists them).
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("paxos", args)?;
    match cli.program {
        Program::Check(args) => check(args),
        Program::Lasso(args) => lasso(args),
        Program::Duel(args) => duel(args),
        Program::Decide(args) => decide(args),
        Program::Simulate(args) => simulate(args),
        Program::Gst(args) => gst(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p paxos -- check --no-time",
            "src/outputs/paxos-check.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --duplication --no-time",
            "src/outputs/paxos-check-duplication.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --loss --no-time",
            "src/outputs/paxos-check-loss.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --crashes 1 --restarts --no-time",
            "src/outputs/paxos-check-restarts.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --crashes 1 --restarts --symmetry --no-time",
            "src/outputs/paxos-check-symmetry.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --keep-dead --no-time",
            "src/outputs/paxos-check-keep-dead.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --ballots 2 --symmetry --threads 2 --no-time",
            "src/outputs/paxos-check-ballots.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --ballots 2 --symmetry --crashes 1 --restarts --threads 2 --unbounded --no-time",
            "src/outputs/paxos-check-ballots-restarts.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --ballots 2 --symmetry --bug lowest-accepted --no-time --svg src/figures/paxos-lowest-accepted-checked.svg",
            "src/outputs/paxos-lowest-accepted-checked.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p paxos -- check --bug ignores-accepted --no-time --svg src/figures/paxos-ignores-accepted.svg",
            "src/outputs/paxos-ignores-accepted.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p paxos -- check --bug hasty-learner --no-time",
            "src/outputs/paxos-hasty-learner.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- check --bug forgets-promise --crashes 1 --restarts --no-time --svg src/figures/paxos-forgets-promise.svg",
            "src/outputs/paxos-forgets-promise.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- lasso --acceptors 2 --svg src/figures/paxos-lasso.svg",
            "src/outputs/paxos-lasso.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p paxos -- duel --seed 1 --svg src/figures/paxos-duel.svg",
            "src/outputs/paxos-duel.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p paxos -- decide --acceptors 3 --seeds 200",
            "src/outputs/paxos-decide.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p paxos -- simulate --acceptors 3 --seeds 200",
            "src/outputs/paxos-simulate.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- simulate --acceptors 5 --seeds 200",
            "src/outputs/paxos-simulate-5.txt",
            crate::programs::run
        ),
        notebook::cell!(
            slow: "cargo run --release -p paxos -- simulate --acceptors 7 --seeds 200",
            "src/outputs/paxos-simulate-7.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p paxos -- simulate --policy backoff --bug lowest-accepted --seeds 200 --svg src/figures/paxos-lowest-accepted.svg",
            "src/outputs/paxos-lowest-accepted.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p paxos -- gst --seeds 200",
            "src/outputs/paxos-gst.txt",
            crate::programs::run
        ),
    ]
}
