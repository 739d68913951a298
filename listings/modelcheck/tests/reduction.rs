//! The reduced search against the full one on small random systems of processes: the
//! same verdict, and the same values of what the invariant reads, under every fault the
//! adapter offers. (The full search is itself checked against brute force in
//! `oracles.rs`.)

use modelcheck::Checker;
use modelcheck::checker::fingerprint;
use modelcheck::checker::reduction::{compare, outputs_and_disk};
use modelcheck::processes::{Faults, Processes};
use process::{Context, Process, ProcessId};
use proptest::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// What a process does on a message or its timer, in a state: its next state, a message
/// to send (to whom, what), whether it outputs its new state, whether it persists it.
type Rule = (u8, Option<(ProcessId, u8)>, bool, bool);

/// Three processes run by random tables: each starts by sending a message and setting a
/// timer, and reacts to each message and to its timer by its rule. A message carries how
/// many messages led to it; the second in a chain is not answered, so every execution ends.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Table {
    start: Vec<Option<(ProcessId, u8)>>,
    on_message: Vec<Vec<Vec<Rule>>>,
    on_timer: Vec<Vec<Rule>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Automaton {
    table: Arc<Table>,
    state: u8,
}

impl Automaton {
    fn apply(&mut self, rule: Rule, hops: u8, ctx: &mut Context<'_, Self>) {
        let (next, send, output, persist) = rule;
        self.state = next;
        if let Some((to, value)) = send
            && hops < 1
        {
            ctx.send(to, (value, hops + 1));
        }
        if output {
            ctx.output(next);
        }
        if persist {
            ctx.persist(next);
        }
    }
}

impl Process for Automaton {
    type Message = (u8, u8);
    type Timer = ();
    type Request = ();
    type Response = ();
    type Output = u8;
    type Storage = u8;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let Some((to, value)) = self.table.start[ctx.id()] {
            ctx.send(to, (value, 0));
        }
        ctx.set_timer((), Duration::from_millis(1));
    }

    fn on_recover(&mut self, storage: &u8, _: &mut Context<'_, Self>) {
        self.state = *storage;
    }

    fn on_message(
        &mut self,
        _: ProcessId,
        (value, hops): (u8, u8),
        ctx: &mut Context<'_, Self>,
    ) {
        let rule = self.table.on_message[ctx.id()][self.state as usize][value as usize];
        self.apply(rule, hops, ctx);
    }

    fn on_timer(&mut self, _: (), ctx: &mut Context<'_, Self>) {
        let rule = self.table.on_timer[ctx.id()][self.state as usize];
        self.apply(rule, 0, ctx);
    }
}

const PROCESSES: usize = 3;
const STATES: usize = 3;

fn rule(me: ProcessId) -> impl Strategy<Value = Rule> {
    let others: Vec<ProcessId> = (0..PROCESSES).filter(|&p| p != me).collect();
    let send = proptest::option::of((proptest::sample::select(others), 0u8..2));
    (
        0..STATES as u8,
        send,
        any::<bool>(),
        proptest::bool::weighted(0.2),
    )
}

fn table() -> impl Strategy<Value = Table> {
    let start = (0..PROCESSES)
        .map(|p| {
            let others: Vec<ProcessId> = (0..PROCESSES).filter(|&q| q != p).collect();
            proptest::option::of((proptest::sample::select(others), 0u8..2))
        })
        .collect::<Vec<_>>();
    let on_message = (0..PROCESSES)
        .map(|p| proptest::collection::vec(proptest::collection::vec(rule(p), 2), STATES))
        .collect::<Vec<_>>();
    let on_timer = (0..PROCESSES)
        .map(|p| proptest::collection::vec(rule(p), STATES))
        .collect::<Vec<_>>();
    (start, on_message, on_timer).prop_map(|(start, on_message, on_timer)| Table {
        start,
        on_message,
        on_timer,
    })
}

/// Loss, a crash, restarts, FIFO channels; not duplication, with which executions need
/// not end (a message kept in flight can be delivered again and again).
fn faults() -> impl Strategy<Value = Faults> {
    let knobs = (any::<bool>(), 0usize..=1, any::<bool>(), any::<bool>());
    knobs.prop_map(|(loss, crashes, restarts, fifo)| Faults {
        loss,
        duplication: false,
        crashes,
        restarts,
        crash_below: None,
        fifo,
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 100,
        rng_seed: proptest::test_runner::RngSeed::Fixed(5),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_reduced_search_reads_what_the_full_search_reads(
        table in table(),
        faults in faults(),
        bad in 0u8..=STATES as u8,
    ) {
        let table = Arc::new(table);
        let system = Processes::new((0..PROCESSES)
                .map(|_| Automaton { table: table.clone(), state: 0 })
                .collect(), faults).keeping_dead(true);
        // An invariant that some tables break: process 0 never outputs `bad`.
        let c = compare(
            || Checker::new(&system).invariant("never bad", |s| !s.outputs(0).contains(&bad)),
            &outputs_and_disk,
            |s| {
                let outputs: Vec<_> = s.all_outputs().collect();
                fingerprint(&(outputs, s.all_storage().collect::<Vec<_>>()))
            },
        );
        prop_assert!(c.full.complete || c.full.violation.is_some());
        prop_assert!(c.agree(), "{} vs {} values; violations {:?} / {:?}",
            c.full_values.len(), c.reduced_values.len(),
            c.full.violation.map(|v| v.invariant),
            c.reduced.report.violation.map(|v| v.invariant));
    }
}
