//! Lab 1 (chapter 2): reliable primary-backup. The student's replicas must keep every
//! acknowledged write, once and in order, on every replica, and answer every read with
//! every write acknowledged before it, whichever fallacy of distributed computing the
//! simulator makes false; and acknowledge the writes, or keeping them is easy.

use crate::judge::{Check, Options, Report};
use clap::ValueEnum;
use process::{Process, ProcessId};
use replication::fallacies::{CLIENT_TIMEOUT, Fallacy, REPLICAS, run_protocol};
use replication::{Request, Response};

/// Writes the client makes in each run, one after the other (each followed by a read at
/// the last backup): enough that a retransmission rule that congests the slow link of the
/// bandwidth knob makes writes wait past their client's timeout.
pub const WRITES: u32 = 20;

/// Judges the protocol whose replica `p` of `n` is `make(p, n)` and whose log `log` reads:
/// one check per knob of the simulator (safety over every seed), and one that every write
/// was acknowledged.
pub fn judge<P>(
    make: impl Fn(ProcessId, usize) -> P,
    log: impl Fn(&P) -> &[u32] + Copy,
    options: &Options,
) -> Report
where
    P: Process<Request = Request, Response = Response>,
{
    let mut report = Report::default();
    let mut unacknowledged = None;
    let mut runs = 0;
    for &fallacy in Fallacy::value_variants() {
        let name = format!(
            "simulator, {} knob: every acknowledged write kept, reads current",
            fallacy.name()
        );
        report.run(&name.clone(), 1, || {
            for seed in options.seeds() {
                let replicas = (0..REPLICAS).map(|p| make(p, REPLICAS)).collect();
                let title = format!("{} knob, seed {seed}", fallacy.name());
                let label = |m: &P::Message| format!("{m:?}");
                let run =
                    run_protocol(replicas, fallacy, seed, WRITES, &title, log, label);
                runs += 1;
                if run.writes.1 < run.writes.0 && unacknowledged.is_none() {
                    let file = format!("{}-seed-{seed}-unacknowledged", fallacy.name());
                    let drawn = options.draw(&file, run.diagram.to_svg());
                    unacknowledged = Some((fallacy, seed, run.writes, drawn));
                }
                let file = format!("{}-seed-{seed}", fallacy.name());
                if let Some(problem) = run.problems.first() {
                    return Check::fail(&name, 1, format!("seed {seed}: {problem}"))
                        .drawn(options.draw(&file, run.diagram.to_svg()))
                        .replayed_by(replay("primary-backup", seed));
                }
                options.draw_passing(&file, || run.diagram.to_svg());
            }
            Check::pass(&name, 1)
        });
    }
    let name = format!(
        "simulator, every knob: every write acknowledged within {} ms",
        CLIENT_TIMEOUT.as_millis()
    );
    let name = name.as_str();
    report.checks.push(match unacknowledged {
        None if runs == 0 => Check::fail(name, 2, "no run finished"),
        None => Check::pass(name, 2),
        Some((fallacy, seed, (invoked, acked), drawn)) => Check::fail(
            name,
            2,
            format!(
                "{} knob, seed {seed}: {acked} of the {invoked} writes made were \
                 acknowledged before their client gave up",
                fallacy.name()
            ),
        )
        .drawn(drawn)
        .replayed_by(replay("primary-backup", seed)),
    });
    report
}

/// The command that judges `lab` again on `seed` alone.
pub fn replay(lab: &str, seed: u64) -> String {
    format!("cargo xtask lab {lab} --seed {seed}")
}
