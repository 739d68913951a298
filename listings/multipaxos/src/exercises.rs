//! The judge of exercise 12.1 (the new leader's recovery): `cargo xtask lab recovery`.
//! Its starting point is frozen in the `labs` crate, which runs this judge on the
//! student's copy.

use crate::check::{safety, system};
use crate::replica::{Entry, Recovery, Reported, Setup, Slot};
use crate::simulate::{ELECTION, HEARTBEAT};
use crate::simulate::{Mix, run_setup};
use kvstore::{Command, Op};
use modelcheck::processes::Faults;
use paxos::paxos::Ballot;
use std::collections::BTreeMap;

/// The mixes and seeds the simulator part of the judge runs.
pub const MIXES: [Mix; 4] = [Mix::Loss, Mix::Restarts, Mix::Partition, Mix::All];
/// Seeds per mix.
pub const SEEDS: u64 = 30;

/// What is wrong with `recover` as a new leader's recovery: on three reports made by
/// hand, whether it proposes again every reported entry in its slot and leaves no slot
/// empty between the first and the last reported; then the model checker on one command
/// across a leader change (safe, and the command applied everywhere in some run); then
/// the simulator on [`SEEDS`] seeds of each of [`MIXES`] (every history linearizable,
/// the invariants kept, every operation answered). Gaps are rare in the simulator's runs
/// and impossible with the model checker's one command, hence the reports by hand.
pub fn judge(recover: fn(Slot, &Reported) -> Vec<(Slot, Entry)>) -> Vec<String> {
    let mut wrong = by_hand(recover);
    if !wrong.is_empty() {
        return wrong;
    }
    let mut model = system(2, 1, None, Faults::default());
    for replica in &mut model.initial {
        replica.setup.recovery = Recovery(recover);
    }
    let report = safety(&model).run();
    if let Some(violation) = &report.violation {
        wrong.push(format!(
            "the model checker found a run of {} steps that breaks \"{}\"",
            violation.trace.len() - 1,
            violation.invariant
        ));
    } else if !report.proved() {
        wrong.push(format!(
            "the model checker never reached \"{}\": after the leader change, the log stops",
            report.unreached.join("\", \"")
        ));
    }
    let setup = Setup {
        recovery: Recovery(recover),
        ..Setup::new(3, ELECTION, Some(HEARTBEAT))
    };
    for mix in MIXES {
        for seed in 0..SEEDS {
            let run = run_setup(setup, mix, seed, 30);
            let broken = if !run.safe {
                Some("an invariant is broken")
            } else if !run.linearizable {
                Some("the history is not linearizable")
            } else if !run.complete {
                Some("an operation is never answered: a slot stays empty")
            } else {
                None
            };
            if let Some(why) = broken {
                wrong.push(format!("simulator, mix {}, seed {seed}: {why}", mix.name()));
                return wrong;
            }
        }
    }
    wrong
}

/// The checks on reports made by hand.
fn by_hand(recover: fn(Slot, &Reported) -> Vec<(Slot, Entry)>) -> Vec<String> {
    let command = |seq| {
        Entry::Command(Command {
            client: 1,
            seq,
            op: Op::Append("x".into(), seq.to_string()),
        })
    };
    let ballot = |round| Ballot { round, proposer: 0 };
    let cases: [(Slot, Reported); 3] = [
        (0, Reported::new()),
        (5, Reported::from([(6, (ballot(1), command(1)))])),
        (
            2,
            Reported::from([(2, (ballot(2), command(1))), (4, (ballot(1), command(2)))]),
        ),
    ];
    let mut wrong = Vec::new();
    for (from, reported) in cases {
        let proposed: BTreeMap<Slot, Entry> =
            recover(from, &reported).into_iter().collect();
        let slots: Vec<Slot> = reported.keys().copied().collect();
        if let Some(slot) = proposed.keys().find(|&&s| s < from) {
            wrong.push(format!(
                "from slot {from}, reports in slots {slots:?}: slot {slot}, below the first \
                 one not known to be chosen, is proposed again"
            ));
        }
        for (slot, (_, entry)) in &reported {
            if proposed.get(slot) != Some(entry) {
                wrong.push(format!(
                    "from slot {from}, reports in slots {slots:?}: slot {slot} is not \
                     proposed with the entry reported there"
                ));
            }
        }
        let last = reported.keys().next_back().copied();
        if let Some(empty) =
            last.and_then(|last| (from..last).find(|s| !proposed.contains_key(s)))
        {
            wrong.push(format!(
                "from slot {from}, reports in slots {slots:?}: slot {empty} stays empty, so \
                 no slot after it is ever applied"
            ));
        }
    }
    wrong
}
