//! The judged exercises, on the same runner as the labs: each chapter's judge, whose
//! findings become the checks of a [`Report`]. The judges live beside the chapters'
//! code (`CRATE::exercises`); this module only gives them points and names.

use crate::judge::{Check, Report};
use clocks::VectorClock;
use flp::protocols::Bit;
use linearizability::exercises::{QueueOp, QueueRet};
use linearizability::model::Model;
use modelcheck::two_phase::{State, TwoPhase};
use process::{Process, ProcessId};
use replication::{Request, Response};

/// A report of one check worth `points`, which passes unless `judge` (which runs the
/// student's code, and may panic) finds problems.
fn found(name: &str, points: u32, judge: impl FnOnce() -> Vec<String>) -> Report {
    let mut report = Report::default();
    report.run(name, points, || {
        Check::from_problems(name, points, &judge())
    });
    report
}

/// A report of one check.
fn one(check: Check) -> Report {
    Report {
        checks: vec![check],
    }
}

/// Exercise 2.1: no write applied twice or out of order.
pub fn numbered_entries<P>(
    make: impl Fn(ProcessId, usize) -> P,
    log: impl Fn(&P) -> &[u32] + Copy,
) -> Report
where
    P: Process<Request = Request, Response = Response>,
{
    let name = "simulator, duplication and reordering knobs, 50 seeds each: \
                each write applied once, in order";
    found(name, 3, || replication::exercises::judge(make, log))
}

/// Exercise 3.2: the siblings of five sets of versioned writes.
pub fn siblings(
    answer: impl for<'a> Fn(&'a [(VectorClock, &'a str)]) -> Vec<&'a str>,
) -> Report {
    let name = "five sets of writes whose siblings are known";
    found(name, 2, || clocks::exercises::judge(answer))
}

/// Exercise 4.1: the linearizability checker's verdicts with the student's queue.
pub fn queue<M: Model<Input = QueueOp, Output = QueueRet>>(model: &M) -> Report {
    let name = "linearizability checker: six histories whose verdicts are known";
    found(name, 2, || linearizability::exercises::judge(model))
}

/// Exercise 5.1: an invariant of TwoPhase that catches the hasty TM as it decides.
pub fn votes_counted(invariant: impl Fn(&TwoPhase, &State) -> bool + Sync) -> Report {
    let name = "model checker: holds on TwoPhase (1 to 4 RMs), catches the hasty TM \
                as it commits";
    found(name, 2, || modelcheck::exercises::judge(invariant))
}

/// Exercise 7.1: a rule that decides on n − 1 votes, safely; the proof's outcome named.
pub fn safe_rule(rule: fn(&[Bit], usize) -> Option<Bit>) -> Report {
    let name = "the proof against the rule, n = 3: safe and partially correct";
    one(match guarded_result(|| flp::exercises::judge(rule)) {
        Ok(outcome) => Check::pass(format!("{name} (the proof ends {outcome})"), 2),
        Err(why) => Check::fail(name, 2, why),
    })
}

/// Exercise 7.2: Ben-Or with the student's coin, n = 9, f = 4, over 200 seeds.
pub fn common_coin(coin: fn(u32, u64, bool) -> Bit) -> Report {
    let name = format!(
        "simulator, Ben-Or with n = 9, f = 4, 200 seeds: safe, and at most {} rounds on \
         average",
        flp::exercises::MEAN_ROUNDS
    );
    one(match guarded_result(|| flp::exercises::judge_coin(coin)) {
        Ok(mean) => Check::pass(format!("{name} ({mean:.2})"), 2),
        Err(why) => Check::fail(name, 2, why),
    })
}

/// Exercise 9.1: predictions of which quorum sizes keep ABD linearizable.
pub fn quorum_sizes(predict: impl Fn(usize, usize, usize) -> bool) -> Report {
    let name = "model checker: every pair of quorum sizes for 2 and 3 processes";
    found(name, 2, || abd::exercises::judge(predict))
}

/// Exercise 10.1: operations no available register answers linearizably.
pub fn partition_proof(plan: impl FnOnce() -> Vec<cap::exercises::Planned>) -> Report {
    let name =
        "simulator, 20 seeds: the available register never linearizable, ABD always";
    found(name, 2, || cap::exercises::judge(plan()))
}

/// Exercise 11.1: predictions of which quorum sizes keep Paxos safe.
pub fn paxos_quorums(predict: impl Fn(usize, usize, usize) -> bool) -> Report {
    let name = "model checker: every pair of quorum sizes for 3 acceptors";
    found(name, 2, || paxos::exercises::judge(predict))
}

/// Exercise 12.1: a new leader's recovery of the slots it does not know.
pub fn recovery(
    recover: fn(
        multipaxos::replica::Slot,
        &multipaxos::replica::Reported,
    ) -> Vec<(multipaxos::replica::Slot, multipaxos::replica::Entry)>,
) -> Report {
    let name =
        "model checker: a command across a leader change; simulator: 30 seeds of 4 mixes";
    found(name, 2, || multipaxos::exercises::judge(recover))
}

/// `judge()`, with a panic in the student's code turned into an error.
fn guarded_result<T>(judge: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    crate::judge::guarded(judge)
        .unwrap_or_else(|panic| Err(format!("the code panicked: {panic}")))
}
