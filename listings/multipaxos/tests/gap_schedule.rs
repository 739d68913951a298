//! The no-op rule on a schedule driven by hand through the replicas' handlers: a gap that
//! random runs rarely make. p0 leads and proposes two commands, in slots 0 and 1; only
//! p2 accepts, and only the second; p0 crashes. p1's campaign hears from p2 of slot 1
//! alone, so it must propose that entry again in slot 1 and a no-op in slot 0, and every
//! replica must then apply the no-op and the command, in that order.

use kvstore::Request;
use linearizability::models::KvOp;
use multipaxos::replica::{Entry, Message, Replica, Role, Setup, Timer};
use process::{Choices, Context, Effect, Process, Time};
use std::time::Duration;

struct First;

impl Choices for First {
    fn choose(&mut self, _: usize) -> usize {
        0
    }
}

/// Runs `step` on `replica` at `ms` milliseconds and returns what it did.
fn at(
    replica: &mut Replica,
    ms: u64,
    step: impl FnOnce(&mut Replica, &mut Context<'_, Replica>),
) -> Vec<Effect<Replica>> {
    let mut effects = Vec::new();
    let mut choices = First;
    let now = Time::ZERO + Duration::from_millis(ms);
    step(
        replica,
        &mut Context::new(replica.id, now, &mut effects, &mut choices),
    );
    effects
}

/// The messages `effects` send to `to`, in order.
fn to(effects: &[Effect<Replica>], to: usize) -> Vec<Message> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { to: t, message } if *t == to => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// What `effects` applied.
fn applied(effects: &[Effect<Replica>]) -> Vec<(u64, Entry)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Output { output } => Some(output.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_new_leader_fills_a_gap_below_a_reported_slot_with_a_no_op() {
    let setup = Setup {
        leader: Some(0),
        ..Setup::new(
            3,
            (Duration::from_millis(20), Duration::from_millis(40)),
            Some(Duration::from_millis(5)),
        )
    };
    let mut p = setup.replicas();
    for r in &mut p {
        at(r, 0, |r, ctx| r.on_start(ctx));
    }
    let append = |client, piece: &str| Request {
        client,
        seq: 1,
        op: KvOp::Append("x".into(), piece.into()),
    };
    at(&mut p[0], 1, |r, ctx| r.on_request(0, append(0, "a"), ctx));
    let second = at(&mut p[0], 2, |r, ctx| r.on_request(1, append(1, "b"), ctx));
    // Only the accept of slot 1 reaches anyone: p2. Then p0 crashes.
    let accept = to(&second, 2).pop().expect("an accept of slot 1");
    assert!(matches!(accept, Message::Accept { slot: 1, .. }));
    at(&mut p[2], 3, |r, ctx| r.on_message(0, accept, ctx));
    // p1 campaigns; p2 promises, reporting slot 1 only.
    let campaign = at(&mut p[1], 30, |r, ctx| r.on_timer(Timer::Election, ctx));
    let prepare = to(&campaign, 2).pop().expect("a prepare");
    let promise = at(&mut p[2], 31, |r, ctx| r.on_message(1, prepare, ctx));
    let promise = to(&promise, 1).pop().expect("a promise");
    let lead = at(&mut p[1], 32, |r, ctx| r.on_message(2, promise, ctx));
    assert!(matches!(p[1].role, Role::Leader { .. }));
    let accepts: Vec<(u64, Entry)> = to(&lead, 2)
        .into_iter()
        .filter_map(|m| match m {
            Message::Accept { slot, entry, .. } => Some((slot, entry)),
            _ => None,
        })
        .collect();
    assert_eq!(accepts.len(), 2, "{accepts:?}");
    assert_eq!(accepts[0], (0, Entry::Noop));
    assert!(matches!(&accepts[1], (1, Entry::Command(c)) if c.client == 1));
    // p2 accepts both; p1 learns both chosen and applies the no-op, then b.
    let mut done = Vec::new();
    for accept in to(&lead, 2) {
        if matches!(accept, Message::Accept { .. }) {
            let answer = at(&mut p[2], 33, |r, ctx| r.on_message(1, accept, ctx));
            for accepted in to(&answer, 1) {
                done.extend(applied(&at(&mut p[1], 34, |r, ctx| {
                    r.on_message(2, accepted, ctx)
                })));
            }
        }
    }
    assert_eq!(done.len(), 2, "{done:?}");
    assert_eq!(done[0], (0, Entry::Noop));
    assert_eq!(p[1].store.get("x"), "b");
}
