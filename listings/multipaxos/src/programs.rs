//! The programs of the chapter "Multi-Paxos and Paxos Made Live".

use crate::check::{safety, system};
use crate::replica::{Bug, Setup};
use crate::simulate::{self, CLIENT_TIMEOUT, Mix, RETRIES};
use modelcheck::processes::Faults;
use notebook::{Error, Output};
use process::Span;
use std::fmt::Write;
use std::time::Instant;

/// Checks every execution of a small replicated log: one entry per slot, and every
/// replica applying the chosen entries only.
#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    /// Replicas that may campaign, once each (of 3; replica 0 begins as leader and has).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=3))]
    candidates: u32,
    /// Clients, each appending one letter at its own replica (p0, p1, ...), all at once.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=3))]
    commands: u32,
    /// At most this many crashes.
    #[arg(long, default_value_t = 0)]
    crashes: usize,
    /// A crashed replica may restart from its disk.
    #[arg(long)]
    restarts: bool,
    /// The network may deliver a message more than once.
    #[arg(long)]
    duplication: bool,
    /// A planted bug.
    #[arg(long, value_enum)]
    bug: Option<Bug>,
    /// Every replica takes a snapshot after every slot it applies, and truncates below it.
    #[arg(long)]
    snapshots: bool,
    /// Do not print the time taken (for reproducible output).
    #[arg(long)]
    no_time: bool,
    /// Stop after this many distinct states (the answer is then incomplete).
    #[arg(long, value_name = "N")]
    max_states: Option<usize>,
}

/// `cargo run --release -p multipaxos -- check [faults] [--bug B]`.
pub(crate) fn check(args: CheckArgs) -> Result<Output, Error> {
    let faults = Faults {
        duplication: args.duplication,
        crashes: args.crashes,
        restarts: args.restarts,
        ..Faults::default()
    };
    let candidates = args.candidates as usize;
    let commands = args.commands as usize;
    let mut system = system(candidates, commands, args.bug, faults);
    if args.snapshots {
        for replica in &mut system.initial {
            replica.setup.snapshot = Some(1);
        }
    }
    let began = Instant::now();
    let checker = safety(&system);
    let report = match args.max_states {
        Some(max) => checker.max_states(max),
        None => checker,
    }
    .run();
    let took = began.elapsed();
    let mut out = String::new();
    let mut knobs = Vec::new();
    if args.duplication {
        knobs.push("duplication".to_owned());
    }
    if args.crashes > 0 {
        let restarts = if args.restarts { ", then restarts" } else { "" };
        knobs.push(format!("at most {} crash(es){restarts}", args.crashes));
    }
    if args.snapshots {
        knobs.push("a snapshot after every slot".to_owned());
    }
    if let Some(bug) = args.bug {
        knobs.push(format!("planted bug {}", notebook::choice(&bug)));
    }
    let campaigners = match candidates {
        1 => "no other replica campaigns".to_owned(),
        2 => "p1 may campaign once".to_owned(),
        k => format!("p1..p{} may campaign once each", k - 1),
    };
    let clients: Vec<String> = (0..commands)
        .map(|c| format!("client {c} appends {} at p{c}", (b'a' + c as u8) as char))
        .collect();
    let _ = writeln!(
        out,
        "3 replicas, p0 leading ballot 1, {campaigners}, no heartbeats{}\n  {}",
        knobs.iter().map(|k| format!(", {k}")).collect::<String>(),
        clients.join("; ")
    );
    let _ = writeln!(out, "  distinct states: {}", report.distinct);
    let _ = writeln!(out, "  depth: {}", report.depth);
    if !args.no_time {
        let _ = writeln!(out, "  time: {:.1} s", took.as_secs_f64());
    }
    let mut output = Output::default();
    output.value("distinct", report.distinct);
    match report.violation {
        None if !report.proved() => {
            let _ = writeln!(out, "  {}", report.caveat().unwrap_or_default());
        }
        None if args.snapshots => {
            let _ = writeln!(
                out,
                "  in every reachable state, one entry at most is chosen per slot, every\n  \
                 replica applies chosen entries only, and every store is what the chosen\n  \
                 log gives; some run installs a snapshot from a promise"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  in every reachable state, one entry at most is chosen per slot,\n  \
                 and every replica applies the chosen entry of each slot, in order"
            );
        }
        Some(violation) => {
            let steps = violation.trace.len() - 1;
            let _ = writeln!(
                out,
                "  {} violated after {}:",
                violation.invariant,
                notebook::count(steps as u64, "step")
            );
            out.push_str(&modelcheck::steps(&violation.trace, None));
            let last = &violation.trace[steps].1;
            for (p, applied) in last.all_outputs().enumerate() {
                if !applied.is_empty() {
                    let _ = writeln!(out, "  p{p} applied {applied:?}");
                }
            }
        }
    }
    output.stdout = out;
    Ok(output)
}

/// Runs the replicated store under every fault mix, every history judged.
#[derive(clap::Args, Debug)]
pub(crate) struct SimulateArgs {
    /// Replicas.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=7))]
    replicas: u32,
    /// Seeds per mix.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
    seeds: u64,
    /// Operations per run, between three clients.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1000))]
    operations: u32,
    /// Only this mix.
    #[arg(long, value_enum)]
    mix: Option<Mix>,
    /// A planted bug.
    #[arg(long, value_enum)]
    bug: Option<Bug>,
    /// Leader leases: the leader answers reads from its own store, and every clock
    /// drifts within the lease's bound.
    #[arg(long)]
    lease: bool,
    /// Snapshots: every replica takes one, and truncates its log, every K slots applied.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    snapshot_every: Option<u64>,
}

/// `cargo run --release -p multipaxos -- simulate [--seeds N] [--bug B] [--lease]`.
pub(crate) fn simulate(args: SimulateArgs) -> Result<Output, Error> {
    let n = args.replicas as usize;
    let mixes: Vec<Mix> = args.mix.map_or(Mix::ALL.to_vec(), |m| vec![m]);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{n} replicas, 3 clients, {} operations per run (half reads), {} seeds per mix{};\n\
         a client asks again, at a random replica, after {} without an answer, {RETRIES} times at most;\n\
         violating: runs whose history is not linearizable; unsafe: runs that broke an invariant",
        args.operations,
        args.seeds,
        args.bug.map_or(String::new(), |b| format!(
            ", planted bug {}",
            notebook::choice(&b)
        )),
        Span(CLIENT_TIMEOUT),
    );
    let lease = args.lease.then_some(crate::lease::LEASE);
    if let Some(lease) = lease {
        let _ = writeln!(
            out,
            "leases of {}, every clock's rate drawn within 1 ± {}; local: reads the leader \
             answered from its own store",
            Span(lease.length),
            f64::from(lease.drift_ppm) / 1e6
        );
    }
    if let Some(every) = args.snapshot_every {
        let _ = writeln!(
            out,
            "snapshots every {}, the log and the acceptors' state truncated below them;\n\
             by promise, by catch-up: snapshots a replica installed from another's promise,\n\
             or from one sent in answer to its catch-up or to an accept in a truncated slot",
            notebook::count(every, "slot")
        );
    }
    // Columns shown only for the mechanisms switched on.
    let extra = |local: String, (promise, catch_up): (String, String)| {
        let mut columns = String::new();
        if lease.is_some() {
            let _ = write!(columns, " {local:>9}");
        }
        if args.snapshot_every.is_some() {
            let _ = write!(columns, " {promise:>10} {catch_up:>11}");
        }
        columns
    };
    let _ = writeln!(
        out,
        "  {:<12} {:>10} {:>9}{} {:>10} {:>7}  first violation",
        "mix",
        "operations",
        "open",
        extra("local".into(), ("by promise".into(), "by catch-up".into())),
        "violating",
        "unsafe"
    );
    let (mut local_reads, mut installs) = (0, (0, 0));
    let (mut runs, mut violating, mut unsafe_total) = (0, 0, 0);
    let mut witness = None;
    for mix in mixes {
        let (mut operations, mut open, mut violations, mut unsafe_runs) = (0, 0, 0, 0);
        let (mut local, mut installed) = (0, (0, 0));
        let mut first = None;
        for seed in 0..args.seeds {
            let setup = Setup {
                bug: args.bug,
                lease,
                snapshot: args.snapshot_every,
                ..Setup::new(n, simulate::ELECTION, Some(simulate::HEARTBEAT))
            };
            let run = simulate::run_setup(setup, mix, seed, args.operations as usize);
            operations += run.history.operations.len();
            local += crate::lease::local_reads(&run.history);
            installed.0 += run.installed.0;
            installed.1 += run.installed.1;
            open += run
                .history
                .operations
                .iter()
                .filter(|o| o.is_open())
                .count();
            if !run.safe {
                unsafe_runs += 1;
                first.get_or_insert(seed);
            }
            if !run.linearizable {
                violations += 1;
                first.get_or_insert(seed);
                if witness.is_none() {
                    witness =
                        simulate::repeated(&run.history).map(|read| (mix, seed, read));
                }
            }
        }
        local_reads += local;
        installs.0 += installed.0;
        installs.1 += installed.1;
        let _ = writeln!(
            out,
            "  {:<12} {operations:>10} {open:>9}{} {violations:>10} {unsafe_runs:>7}  {}",
            mix.name(),
            extra(
                local.to_string(),
                (installed.0.to_string(), installed.1.to_string())
            ),
            first.map_or("-".to_owned(), |s| format!("seed {s}"))
        );
        runs += args.seeds;
        violating += violations;
        unsafe_total += unsafe_runs;
    }
    if let Some((mix, seed, read)) = witness {
        let _ = writeln!(
            out,
            "  mix {}, seed {seed}: a read returned {read:?}, an append applied twice",
            mix.name()
        );
    }
    let mut output = Output::text(out);
    output.value("runs", runs);
    output.value("violating-runs", violating);
    output.value("unsafe-runs", unsafe_total);
    if lease.is_some() {
        output.value("local-reads", local_reads);
    }
    if args.snapshot_every.is_some() {
        output.value("installed-by-promise", installs.0);
        output.value("installed-by-catch-up", installs.1);
    }
    Ok(output)
}

/// Counts message delays and messages per command in the steady state, one operation at
/// a time, with every message taking exactly as long.
#[derive(clap::Args, Debug)]
pub(crate) struct DelaysArgs {
    /// Operations per cluster size and replica asked (half of them reads).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    operations: u32,
}

/// `cargo run --release -p multipaxos -- delays`.
pub(crate) fn delays(args: DelaysArgs) -> Result<Output, Error> {
    let delay = std::time::Duration::from_millis(1);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "One client, one operation at a time, p0 leading; every message delayed exactly {};\n\
         delays = latency / {}, over {} operations at each replica asked (half reads);\n\
         msgs: messages per operation; predicted: 2 delays and 3(n - 1) messages at the\n\
         leader, 4 delays and one message more at a follower.",
        Span(delay),
        Span(delay),
        args.operations
    );
    let _ = writeln!(out, "  n   at the leader   at a follower   predicted");
    let _ = writeln!(out, "      delays  msgs    delays  msgs    delays  msgs");
    for n in [3, 5, 7] {
        let cell = |at| {
            let (ms, msgs) = simulate::steady(n, at, args.operations as usize, delay);
            let unit = delay.as_secs_f64() * 1e3;
            let lo = ms.iter().copied().fold(f64::INFINITY, f64::min) / unit;
            let hi = ms.iter().copied().fold(0.0, f64::max) / unit;
            let delays = if lo == hi {
                format!("{lo}")
            } else {
                format!("{lo}–{hi}")
            };
            format!("{delays:>6} {msgs:>5.1}    ")
        };
        let _ = writeln!(
            out,
            "{n:>3}   {}{}{:>6} {:>5}",
            cell(0),
            cell(1),
            "2, 4",
            format!("{}, {}", 3 * (n - 1), 3 * (n - 1) + 1)
        );
    }
    Ok(Output::text(out))
}

/// Measures leader failover: the leader crashes, and the store answers again.
#[derive(clap::Args, Debug)]
pub(crate) struct FailoverArgs {
    /// Replicas.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=7))]
    replicas: u32,
    /// Runs, one per seed from 0.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
}

/// `cargo run --release -p multipaxos -- failover [--replicas N] [--seeds N]`.
pub(crate) fn failover(args: FailoverArgs) -> Result<Output, Error> {
    use crate::failover::{CRASH, HORIZON, failover};
    use crate::simulate::{ELECTION, HEARTBEAT};
    let delay = std::time::Duration::from_millis(1);
    let n = args.replicas as usize;
    let mut ms: Vec<f64> = Vec::new();
    let mut never = 0;
    for seed in 0..args.seeds {
        match failover(n, delay, seed) {
            Some(d) => ms.push(d.as_secs_f64() * 1e3),
            None => never += 1,
        }
    }
    ms.sort_by(f64::total_cmp);
    let unit = delay.as_secs_f64() * 1e3;
    let ms_of = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    // A follower campaigns when its election timeout, restarted by the last message it
    // heard from the leader (sent at most a beat before the crash, received a delay
    // later), runs out; then a round trip of phase 1 and the accepts' delay choose.
    let low = ms_of(ELECTION.0) - ms_of(HEARTBEAT) + 4.0 * unit;
    let high = ms_of(ELECTION.1) + 4.0 * unit;
    let beyond = ms.iter().filter(|&&m| m > high).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{n} replicas, p0 leading until it crashes at {}; heartbeats every {}, election \
         timeouts {}–{};\n\
         every message delayed {}; three clients at the followers; {} runs;\n\
         failover: from the crash to the first entry chosen under a new leader's ballot",
        Span(CRASH),
        Span(HEARTBEAT),
        Span(ELECTION.0),
        Span(ELECTION.1),
        Span(delay),
        args.seeds
    );
    let q = |p: f64| sim::quantile(&ms, p);
    let _ = writeln!(
        out,
        "  failover ms: min {:.1}, median {:.1}, 90th {:.1}, 99th {:.1}, max {:.1}",
        q(0.0),
        q(0.5),
        q(0.9),
        q(0.99),
        ms.last().copied().unwrap_or(f64::NAN)
    );
    let _ = writeln!(
        out,
        "  one campaign that wins: {low:.0}–{high:.0} ms; runs beyond it: {beyond}; \
         nothing chosen within {}: {never}",
        Span(HORIZON)
    );
    let mut output = Output::text(out);
    output.value("median", format!("{:.1} ms", q(0.5)));
    output.value(
        "max",
        format!("{:.1} ms", ms.last().copied().unwrap_or(f64::NAN)),
    );
    output.value("beyond", beyond);
    output.value("min", format!("{:.1} ms", q(0.0)));
    output.value("low", format!("{low:.0} ms"));
    output.value("high", format!("{high:.0} ms"));
    Ok(output)
}

/// Stages the stale read a lease without the margin for drift allows, across drift
/// bounds.
#[derive(clap::Args, Debug)]
pub(crate) struct LeaseArgs {
    /// Runs per drift bound and lease, one per seed from 0.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    seeds: u64,
}

/// The drift bounds ρ the lease program stages, in millionths.
const DRIFTS: [u32; 6] = [0, 100_000, 200_000, 250_000, 300_000, 400_000];

/// `cargo run --release -p multipaxos -- lease [--seeds N]`.
pub(crate) fn lease(args: LeaseArgs) -> Result<Output, Error> {
    use crate::lease::{
        CUT, CUT_FOR, LEASE, STAGED_ELECTION, local_reads, staged, stale_read,
    };
    let length = LEASE.length.as_secs_f64() * 1e3;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "3 replicas with leases: a follower grants {} on its own clock; p0 leads, its clock as\n\
         slow as the drift bound ρ allows, p1's and p2's as fast; at {} a partition cuts p0 off\n\
         for {}; client 0 appends to x at p1, client 1 reads x at p0; followers campaign\n\
         {}–{} ms after the leader's last word; every message takes 1 ms; {} runs per row.\n\
         gap: how long p0's lease outlives the grants, in true time, if it trusts all {}\n\
         local: reads p0 answered from its own store; violating: runs not linearizable",
        Span(LEASE.length),
        Span(CUT),
        Span(CUT_FOR),
        STAGED_ELECTION.0.as_millis(),
        STAGED_ELECTION.1.as_millis(),
        args.seeds,
        Span(LEASE.length),
    );
    let _ = writeln!(
        out,
        "{:15} {:>20}      {:>20}",
        "", "with the margin", "without the margin"
    );
    let _ = writeln!(
        out,
        "  {:<5} {:>7} {:>9} {:>10}      {:>9} {:>10}",
        "ρ", "gap", "local", "violating", "local", "violating"
    );
    let mut output = Output::text(String::new());
    let (mut with_margin, mut local_with_margin) = (0, 0);
    let mut without = Vec::new();
    let mut witness = None;
    for drift_ppm in DRIFTS {
        let rho = f64::from(drift_ppm) / 1e6;
        let gap = length / (1.0 - rho) - length / (1.0 + rho);
        let mut row = format!("  {rho:<5} {gap:>4.1} ms");
        for bug in [None, Some(Bug::LeaseWithoutMargin)] {
            let (mut local, mut violating) = (0, 0);
            for seed in 0..args.seeds {
                let run = staged(bug, drift_ppm, seed);
                local += local_reads(&run.history);
                if !run.linearizable {
                    violating += 1;
                    if witness.is_none() {
                        witness = stale_read(&run.history).map(|w| (rho, seed, w));
                    }
                }
            }
            let _ = write!(row, " {local:>9} {violating:>10}     ");
            // (the five spaces separate the two leases' columns)
            if bug.is_none() {
                with_margin += violating;
                local_with_margin += local;
            } else {
                without.push((rho, violating));
            }
        }
        let _ = writeln!(out, "{}", row.trim_end());
    }
    if let Some((rho, seed, (value, read, piece, appended))) = witness {
        let _ = writeln!(
            out,
            "  ρ = {rho}, seed {seed}: p0 answered x = {value:?} at {:.2} ms, though the \
             append of {piece} had returned at {:.2} ms",
            read.as_millis_f64(),
            appended.as_millis_f64()
        );
    }
    output.stdout = out;
    output.value("with-margin-violating", with_margin);
    output.value("with-margin-local", local_with_margin);
    let first = without.iter().find(|(_, v)| *v > 0).map(|(rho, _)| *rho);
    output.value(
        "first-stale-drift",
        first.map_or("none".to_owned(), |rho| rho.to_string()),
    );
    let last_clean = without
        .iter()
        .take_while(|(_, v)| *v == 0)
        .last()
        .map_or("none".to_owned(), |(rho, _)| rho.to_string());
    output.value("last-clean-drift", last_clean);
    Ok(output)
}

/// Runs three replicas as nodes on loopback UDP, kills the leader and restarts it.
#[derive(clap::Args, Debug)]
pub(crate) struct ClusterArgs {
    /// Clients, each a thread.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=16))]
    clients: u32,
    /// Operations per client.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    operations: u32,
    /// When to kill p0, the leader, in milliseconds after the clients begin.
    #[arg(long, default_value_t = 200)]
    kill_ms: u64,
    /// When to restart it from its disk.
    #[arg(long, default_value_t = 800)]
    restart_ms: u64,
    /// The seed of the clients' choices.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// `cargo run --release -p multipaxos -- cluster [--clients N] [--operations N]`.
pub(crate) fn cluster(args: ClusterArgs) -> Result<Output, Error> {
    use crate::cluster::{
        CLIENT_TIMEOUT, ELECTION, HEARTBEAT, LEASE, SNAPSHOT_EVERY, run,
    };
    if args.restart_ms < args.kill_ms {
        return Err(Error::Usage(format!(
            "--restart-ms {} comes before --kill-ms {}: restart after the kill",
            args.restart_ms, args.kill_ms
        )));
    }
    let dir =
        std::env::temp_dir().join(format!("multipaxos-cluster-{}", std::process::id()));
    let ms = std::time::Duration::from_millis;
    let ran = run(
        &dir,
        args.clients as usize,
        args.operations as usize,
        ms(args.kill_ms),
        ms(args.restart_ms),
        args.seed,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let ran = ran.map_err(|e| Error::Failed(format!("the cluster failed: {e}")))?;
    let ops = &ran.history.operations;
    let open = ops.iter().filter(|o| o.is_open()).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "3 replicas as nodes on loopback UDP, p0 leading at first; heartbeats every {}, election\n\
         timeouts {}–{}, leases of {} (drift bound {} ppm), snapshots every {} slots;\n\
         {} clients, {} operations each, asking a random node, then the next after {};\n\
         p0 killed at {} ms and restarted from its disk at {} ms",
        Span(HEARTBEAT),
        Span(ELECTION.0),
        Span(ELECTION.1),
        Span(LEASE.length),
        LEASE.drift_ppm,
        SNAPSHOT_EVERY,
        args.clients,
        args.operations,
        Span(CLIENT_TIMEOUT),
        args.kill_ms,
        args.restart_ms,
    );
    let _ = writeln!(
        out,
        "  operations: {}, answered: {}, open: {open}",
        ops.len(),
        ops.len() - open
    );
    let verdict = if ran.linearizable {
        "linearizable"
    } else {
        "NOT linearizable"
    };
    let _ = writeln!(out, "  the history is {verdict}");
    Ok(Output::text(out))
}

/// Measures throughput with and without pipelining and batching.
#[derive(clap::Args, Debug)]
pub(crate) struct ThroughputArgs {
    /// The seed of the message delays.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the figure to this SVG file.
    #[arg(long, value_name = "PATH")]
    svg: Option<std::path::PathBuf>,
}

/// The numbers of clients measured.
const CLIENTS: [usize; 9] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/// `cargo run --release -p multipaxos -- throughput [--seed S] [--svg PATH]`.
pub(crate) fn throughput(args: ThroughputArgs) -> Result<Output, Error> {
    use crate::throughput::{MEASURE, SHAPES, STEP, WARMUP, measure};
    use figures::chart::{Axis, Chart, Corner, Mark, Series};
    let n = 3.0;
    let step = STEP.as_secs_f64();
    let batch = SHAPES[2].per_slot as f64;
    // The leader's work per command: the request, and an acceptance from each other
    // replica per slot; a slot holds one command, or up to a batch.
    let pipelined = 1.0 / (n * step);
    let batched = 1.0 / ((1.0 + (n - 1.0) / batch) * step);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "3 replicas, p0 leading; closed-loop clients at p0, half reads; every replica spends {}\n\
         per event; message delays log-normal, median 1 ms, shape 0.5; operations answered\n\
         in {} after {} of warm-up, per second, seed {}",
        Span(STEP),
        Span(MEASURE),
        Span(WARMUP),
        args.seed
    );
    let _ = write!(out, "  {:>7}", "clients");
    for shape in SHAPES {
        let _ = write!(out, " {:>22}", shape.name);
    }
    let _ = writeln!(out);
    let mut points: Vec<Vec<(f64, f64)>> = vec![Vec::new(); SHAPES.len()];
    for clients in CLIENTS {
        let _ = write!(out, "  {clients:>7}");
        for (i, shape) in SHAPES.iter().enumerate() {
            let m = measure(*shape, clients, args.seed);
            let _ = write!(out, " {:>22.0}", m.throughput);
            points[i].push((clients as f64, m.throughput));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "  the leader's ceilings: pipelined 1/(n·step) = {pipelined:.0}/s; batched by \
         {batch:.0}, 1/((1 + (n-1)/{batch:.0})·step) = {batched:.0}/s"
    );
    let mut output = Output::text(String::new());
    let last = |i: usize| points[i].last().map_or(0.0, |p| p.1);
    output.value("one-at-a-time", format!("{:.0}", last(0)));
    output.value("pipelined", format!("{:.0}", last(1)));
    output.value("batched", format!("{:.0}", last(2)));
    output.value("both", format!("{:.0}", last(3)));
    output.value("pipelined-ceiling", format!("{pipelined:.0}"));
    output.value("batched-ceiling", format!("{batched:.0}"));
    output.value("step", Span(STEP));
    output.stdout = out;
    if let Some(path) = args.svg {
        let top = batched * 1.1;
        let ceiling = |y: f64| vec![(1.0, y), (*CLIENTS.last().unwrap_or(&1) as f64, y)];
        let mut series: Vec<Series> = SHAPES
            .iter()
            .zip(points)
            .map(|(shape, p)| Series::new(shape.name, p, Mark::Line))
            .collect();
        series.push(Series::new(
            "ceiling, pipelined",
            ceiling(pipelined),
            Mark::Dashed,
        ));
        series.push(Series::new(
            "ceiling, batched",
            ceiling(batched),
            Mark::Dashed,
        ));
        let chart = Chart {
            title: "Multi-Paxos throughput against closed-loop clients".into(),
            x: Axis::log("clients", 1.0..CLIENTS[CLIENTS.len() - 1] as f64),
            y: Axis::linear("commands answered per second", 0.0..top),
            series,
            legend: Corner::UpperLeft,
        };
        output.figure("figure", path, chart.to_svg());
    }
    Ok(output)
}

#[derive(clap::Parser, Debug)]
#[command(
    name = "multipaxos",
    about = "The programs of the chapter Multi-Paxos and Paxos Made Live."
)]
struct Cli {
    #[command(subcommand)]
    program: Program,
}

#[derive(clap::Subcommand, Debug)]
enum Program {
    /// Every execution of a small replicated log, checked.
    Check(CheckArgs),
    /// The replicated store under every fault mix, every history judged.
    Simulate(SimulateArgs),
    /// Message delays and messages per command in the steady state.
    Delays(DelaysArgs),
    /// Leader failover: from the leader's crash to the first answer.
    Failover(FailoverArgs),
    /// Leader leases: the stale read a lease without the drift margin allows, staged.
    Lease(LeaseArgs),
    /// Three replicas on a real network, the leader killed and restarted.
    Cluster(ClusterArgs),
    /// Throughput with and without pipelining and batching.
    Throughput(ThroughputArgs),
}

/// Runs the program its arguments name: `multipaxos PROGRAM [ARGS]`.
pub fn run(args: &[String]) -> Result<Output, Error> {
    let cli: Cli = notebook::parse("multipaxos", args)?;
    match cli.program {
        Program::Check(args) => check(args),
        Program::Simulate(args) => simulate(args),
        Program::Delays(args) => delays(args),
        Program::Failover(args) => failover(args),
        Program::Lease(args) => lease(args),
        Program::Cluster(args) => cluster(args),
        Program::Throughput(args) => throughput(args),
    }
}

/// The cells of the book that run these programs, in reading order.
pub fn cells() -> Vec<notebook::Cell> {
    vec![
        notebook::cell!(
            "cargo run --release -p multipaxos -- check --commands 2 --candidates 1 --no-time",
            "src/outputs/multipaxos-check-stable.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- check --no-time",
            "src/outputs/multipaxos-check.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- check --snapshots --no-time",
            "src/outputs/multipaxos-check-snapshots.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- check --bug skips-recovery --no-time",
            "src/outputs/multipaxos-skips-recovery.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- check --bug applies-accepted --no-time",
            "src/outputs/multipaxos-applies-accepted.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- delays",
            "src/outputs/multipaxos-delays.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- throughput --svg src/figures/multipaxos-throughput.svg",
            "src/outputs/multipaxos-throughput.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- failover",
            "src/outputs/multipaxos-failover.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- simulate --bug no-sessions --mix duplication",
            "src/outputs/multipaxos-no-sessions.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- simulate",
            "src/outputs/multipaxos-simulate.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- lease",
            "src/outputs/multipaxos-lease.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- simulate --lease",
            "src/outputs/multipaxos-simulate-lease.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- simulate --snapshot-every 2",
            "src/outputs/multipaxos-snapshots.txt",
            crate::programs::run
        ),
        notebook::cell!(
            "cargo run --release -p multipaxos -- simulate --snapshot-every 2 --bug truncates-silently --mix partition",
            "src/outputs/multipaxos-truncates-silently.txt",
            crate::programs::run
        ),
    ]
}
