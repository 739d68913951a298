//! A schedule, driven by hand through the replicas' handlers, in which a late copy of a
//! deposed leader's heartbeat once moved a follower's grant back to it: the follower then
//! promised the deposed leader's next campaign while the new leader's lease still held,
//! and the new leader answered a stale read. Perfect clocks; only lost and duplicated
//! messages. Since a grant also promises its ballot, the late copy is refused.

use multipaxos::replica::{Lease, Message, Replica, Role, Setup, Timer};
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

/// The first message `effects` send to `to`.
fn to(effects: &[Effect<Replica>], to: usize) -> Message {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Send { to: t, message } if *t == to => Some(message.clone()),
            _ => None,
        })
        .expect("a message")
}

fn deliver(r: &mut Replica, ms: u64, from: usize, m: Message) -> Vec<Effect<Replica>> {
    at(r, ms, |r, ctx| r.on_message(from, m, ctx))
}

#[test]
fn a_late_heartbeat_of_a_deposed_leader_does_not_move_a_grant_back() {
    let setup = Setup {
        leader: Some(0),
        lease: Some(Lease {
            length: Duration::from_millis(20),
            drift_ppm: 0,
        }),
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
