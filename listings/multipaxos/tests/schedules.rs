//! Schedules driven by hand through the replicas' handlers: runs that random schedules
//! rarely make, each kept as a test of the rule it exercises.

use kvstore::Request;
use linearizability::models::KvOp;
use multipaxos::replica::{Entry, Lease, Message, Replica, Role, Setup, Timer};
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
fn sent(effects: &[Effect<Replica>], to: usize) -> Vec<Message> {
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

/// The first message `effects` send to `to`.
fn to(effects: &[Effect<Replica>], to: usize) -> Message {
    sent(effects, to).into_iter().next().expect("a message")
}

/// Three replicas started at 0, p0 leading ballot 1; heartbeats every 5 ms, election
/// timeouts 20–40 ms, and `lease`.
fn started(lease: Option<Lease>) -> Vec<Replica> {
    let setup = Setup {
        leader: Some(0),
        lease,
        ..Setup::new(
            3,
            (Duration::from_millis(20), Duration::from_millis(40)),
            Some(Duration::from_millis(5)),
        )
    };
    let mut replicas = setup.replicas();
    for r in &mut replicas {
        at(r, 0, |r, ctx| r.on_start(ctx));
    }
    replicas
}

fn deliver(r: &mut Replica, ms: u64, from: usize, m: Message) -> Vec<Effect<Replica>> {
    at(r, ms, |r, ctx| r.on_message(from, m, ctx))
}

/// A schedule, driven by hand through the replicas' handlers, in which a late copy of a
/// deposed leader's heartbeat once moved a follower's grant back to it: the follower then
/// promised the deposed leader's next campaign while the new leader's lease still held,
/// and the new leader answered a stale read. Perfect clocks; only lost and duplicated
/// messages. Since a grant also promises its ballot, the late copy is refused.
#[test]
fn a_late_heartbeat_of_a_deposed_leader_does_not_move_a_grant_back() {
    let mut p = started(Some(Lease {
        length: Duration::from_millis(20),
        drift_ppm: 0,
    }));
    // p0 beats at 5; the network keeps a copy of the beat to p2, to deliver much later.
    let e = at(&mut p[0], 5, |r, ctx| r.on_timer(Timer::Heartbeat, ctx));
    let late = to(&e, 2);
    deliver(&mut p[1], 6, 0, to(&e, 1));
    deliver(&mut p[2], 6, 0, to(&e, 2));
    // From now on everything between p0 and p1 is lost; p0 keeps beating p2.
    for t in [10, 15, 20, 25, 30] {
        let e = at(&mut p[0], t, |r, ctx| r.on_timer(Timer::Heartbeat, ctx));
        deliver(&mut p[2], t + 1, 0, to(&e, 2));
    }
    // p1's grant ran out at 26; it campaigns at 30. p2, bound to p0, ignores it; p0
    // promises and steps down, and p1 leads.
    let e = at(&mut p[1], 30, |r, ctx| r.on_timer(Timer::Election, ctx));
    deliver(&mut p[2], 31, 1, to(&e, 2));
    let promise = to(&deliver(&mut p[0], 31, 1, to(&e, 0)), 1);
    let e = deliver(&mut p[1], 32, 0, promise);
    assert!(matches!(p[1].role, Role::Leader { .. }));
    // p2 grants p1's heartbeats.
    let granted = to(&deliver(&mut p[2], 33, 1, to(&e, 2)), 1);
    deliver(&mut p[1], 34, 2, granted);
    for t in [37, 42, 47] {
        let e = at(&mut p[1], t, |r, ctx| r.on_timer(Timer::Heartbeat, ctx));
        let granted = to(&deliver(&mut p[2], t + 1, 1, to(&e, 2)), 1);
        deliver(&mut p[1], t + 2, 2, granted);
    }
    assert_eq!(p[2].granted.map(|(to, _)| to), Some(1));
    // The late copy of p0's old heartbeat arrives: it must not move the grant.
    deliver(&mut p[2], 51, 0, late);
    assert_eq!(
        p[2].granted.map(|(to, _)| to),
        Some(1),
        "the grant moved back"
    );
    // p0 campaigns again; p2, whose grant to p1 runs to 68, must not promise it.
    let e = at(&mut p[0], 52, |r, ctx| r.on_timer(Timer::Election, ctx));
    let answer = deliver(&mut p[2], 53, 0, to(&e, 2));
    assert!(
        !answer.iter().any(|e| matches!(
            e,
            Effect::Send {
                message: Message::Promise { .. },
                ..
            }
        )),
        "p2 promised p0 while its grant to p1 held"
    );
    assert!(matches!(p[1].role, Role::Leader { .. }));
}

/// The no-op rule on a schedule driven by hand through the replicas' handlers: a gap that
/// random runs rarely make. p0 leads and proposes two commands, in slots 0 and 1; only
/// p2 accepts, and only the second; p0 crashes. p1's campaign hears from p2 of slot 1
/// alone, so it must propose that entry again in slot 1 and a no-op in slot 0, and every
/// replica must then apply the no-op and the command, in that order.
#[test]
fn a_new_leader_fills_a_gap_below_a_reported_slot_with_a_no_op() {
    let mut p = started(None);
    let append = |client, piece: &str| Request {
        client,
        seq: 1,
        op: KvOp::Append("x".into(), piece.into()),
    };
    at(&mut p[0], 1, |r, ctx| r.on_request(0, append(0, "a"), ctx));
    let second = at(&mut p[0], 2, |r, ctx| r.on_request(1, append(1, "b"), ctx));
    // Only the accept of slot 1 reaches anyone: p2. Then p0 crashes.
    let accept = sent(&second, 2).pop().expect("an accept of slot 1");
    assert!(matches!(accept, Message::Accept { slot: 1, .. }));
    at(&mut p[2], 3, |r, ctx| r.on_message(0, accept, ctx));
    // p1 campaigns; p2 promises, reporting slot 1 only.
    let campaign = at(&mut p[1], 30, |r, ctx| r.on_timer(Timer::Election, ctx));
    let prepare = sent(&campaign, 2).pop().expect("a prepare");
    let promise = at(&mut p[2], 31, |r, ctx| r.on_message(1, prepare, ctx));
    let promise = sent(&promise, 1).pop().expect("a promise");
    let lead = at(&mut p[1], 32, |r, ctx| r.on_message(2, promise, ctx));
    assert!(matches!(p[1].role, Role::Leader { .. }));
    let accepts: Vec<(u64, Entry)> = sent(&lead, 2)
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
    for accept in sent(&lead, 2) {
        if matches!(accept, Message::Accept { .. }) {
            let answer = at(&mut p[2], 33, |r, ctx| r.on_message(1, accept, ctx));
            for accepted in sent(&answer, 1) {
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
