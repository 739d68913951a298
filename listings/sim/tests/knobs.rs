//! Each knob does what it says, and nothing else: a test per fallacy, plus duplication,
//! reordering and determinism.

use process::{ClientId, Context, Process, ProcessId, Time};
use serde::{Deserialize, Serialize};
use sim::{Action, Cause, Clock, Config, Event, Latency, Simulation, Submit, Workload};
use std::collections::BTreeMap;
use std::time::Duration;

const MS: u64 = 1_000_000;

/// At start, each process sends `count` numbered messages to every other process; it
/// keeps what it receives. It persists how many messages it has received, ticks on a
/// timer, and answers client requests with its count.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Flood {
    n: usize,
    count: u32,
    received: Vec<(ProcessId, Note)>,
    tick: Option<Duration>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct Note {
    seq: u32,
    text: String,
}

impl Process for Flood {
    type Message = Note;
    type Timer = ();
    type Request = ();
    type Response = usize;
    type Output = Time;
    type Storage = u32;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        for seq in 0..self.count {
            let me = ctx.id();
            ctx.send_all(
                (0..self.n).filter(|&p| p != me),
                &Note {
                    seq,
                    text: "hello".into(),
                },
            );
        }
        if let Some(tick) = self.tick {
            ctx.set_timer((), tick);
        }
    }

    fn on_recover(&mut self, storage: &u32, ctx: &mut Context<'_, Self>) {
        ctx.output(Time::from_nanos(*storage as u64));
    }

    fn on_message(&mut self, from: ProcessId, note: Note, ctx: &mut Context<'_, Self>) {
        self.received.push((from, note));
        ctx.persist(self.received.len() as u32);
    }

    fn on_timer(&mut self, _: (), ctx: &mut Context<'_, Self>) {
        ctx.output(ctx.now());
        if let Some(tick) = self.tick {
            ctx.set_timer((), tick);
        }
    }

    fn on_request(&mut self, client: ClientId, _: (), ctx: &mut Context<'_, Self>) {
        ctx.respond(client, self.received.len());
    }
}

fn flood(n: usize, count: u32, config: Config, seed: u64) -> Simulation<Flood> {
    let processes = (0..n)
        .map(|_| Flood {
            n,
            count,
            received: Vec::new(),
            tick: None,
        })
        .collect();
    let mut sim = Simulation::new(processes, config, seed);
    sim.run_until(Time::from_millis(10_000));
    sim
}

/// Deliveries per directed link.
fn per_link(
    sim: &Simulation<Flood>,
    n: usize,
) -> BTreeMap<(ProcessId, ProcessId), usize> {
    let mut links = BTreeMap::new();
    for to in 0..n {
        for (from, _) in &sim.process(to).received {
            *links.entry((*from, to)).or_insert(0) += 1;
        }
    }
    links
}

#[test]
fn the_same_seed_gives_the_same_trace_and_another_seed_another() {
    let mut config = Config::default();
    config.network.loss = 0.1;
    config.network.duplication = 0.1;
    config.network.corruption = 0.1;
    config.network.latency = Latency::LogNormal {
        median: Duration::from_millis(2),
        sigma: 0.8,
    };
    let a = flood(4, 20, config.clone(), 7).trace().to_text();
    let b = flood(4, 20, config.clone(), 7).trace().to_text();
    let c = flood(4, 20, config, 8).trace().to_text();
    assert!(a.lines().count() > 400);
    assert_eq!(a, b, "one seed, two different traces");
    assert_ne!(a, c, "two seeds, one trace");
}

#[test]
fn loss_one_delivers_nothing_and_loss_zero_everything() {
    let mut config = Config::default();
    config.network.loss = 1.0;
    let sim = flood(3, 10, config.clone(), 1);
    assert_eq!(
        (sim.stats().sent, sim.stats().delivered, sim.stats().lost),
        (60, 0, 60)
    );
    config.network.loss = 0.0;
    let sim = flood(3, 10, config, 1);
    assert_eq!((sim.stats().delivered, sim.stats().lost), (60, 0));
}

#[test]
fn loss_drops_the_configured_fraction() {
    let mut config = Config::default();
    config.network.loss = 0.3;
    let sim = flood(5, 500, config, 2);
    let lost = sim.stats().lost as f64 / sim.stats().sent as f64;
    assert!((lost - 0.3).abs() < 0.02, "lost {lost}");
}

#[test]
fn a_partition_blocks_exactly_the_cut_links_until_it_heals() {
    let mut config = Config::default();
    config.network.partitions.scheduled =
        vec![(Time::ZERO, vec![vec![0, 1], vec![2, 3]])];
    let sim = flood(4, 5, config, 3);
    let links = per_link(&sim, 4);
    for from in 0..4 {
        for to in (0..4).filter(|&to| to != from) {
            let same_side = (from < 2) == (to < 2);
            let delivered = links.get(&(from, to)).copied().unwrap_or(0);
            assert_eq!(
                delivered,
                if same_side { 5 } else { 0 },
                "link p{from}->p{to}"
            );
        }
    }
    let cut = sim.trace().events.iter().filter(|(_, e)| {
        matches!(
            e,
            Event::Lost {
                cause: Cause::Partition,
                ..
            }
        )
    });
    assert_eq!(cut.count(), 8 * 5);

    // Healed before the messages arrive: nothing is lost.
    let mut config = Config::default();
    config.network.latency = Latency::millis(10);
    config.network.partitions.scheduled = vec![
        (Time::ZERO, vec![vec![0], vec![1]]),
        (Time::from_nanos(1), vec![]),
    ];
    let mut sim = Simulation::new(
        vec![
            Flood {
                n: 2,
                count: 0,
                received: vec![],
                tick: None
            };
            2
        ],
        config,
        1,
    );
    sim.run_until(Time::from_millis(1));
    assert_eq!(sim.stats().lost, 0);
}

#[test]
fn a_partition_also_cuts_messages_in_flight() {
    let mut config = Config::default();
    config.network.latency = Latency::millis(10);
    config.network.partitions.scheduled =
        vec![(Time::from_millis(5), vec![vec![0], vec![1]])];
    let sim = flood(2, 3, config, 1);
    assert_eq!((sim.stats().delivered, sim.stats().lost), (0, 6));
}

#[test]
fn duplication_delivers_copies() {
    let mut config = Config::default();
    config.network.duplication = 1.0;
    let sim = flood(3, 10, config, 4);
    assert_eq!(sim.stats().delivered, 2 * sim.stats().sent);
    for p in 0..3 {
        let mut seen = BTreeMap::new();
        for (from, note) in &sim.process(p).received {
            *seen.entry((*from, note.seq)).or_insert(0) += 1;
        }
        assert!(seen.values().all(|&c| c == 2), "p{p}: {seen:?}");
    }
}

#[test]
fn latency_delays_each_message_by_a_draw_from_its_distribution() {
    let mut config = Config::default();
    config.network.latency = Latency::millis(5);
    let sim = flood(2, 3, config, 5);
    let mut sent_at = BTreeMap::new();
    for (t, e) in &sim.trace().events {
        match e {
            Event::Send { id, .. } => {
                sent_at.insert(*id, *t);
            }
            Event::Deliver { id, .. } => {
                assert_eq!(*t - sent_at[id], Duration::from_millis(5))
            }
            _ => {}
        }
    }
}

#[test]
fn links_reorder_unless_fifo() {
    let order_kept = |fifo: bool| {
        let mut config = Config::default();
        config.network.latency = Latency::Uniform {
            min: Duration::from_millis(1),
            max: Duration::from_millis(20),
        };
        config.network.fifo = fifo;
        let sim = flood(2, 50, config, 6);
        let seqs: Vec<u32> = sim.process(1).received.iter().map(|(_, n)| n.seq).collect();
        assert_eq!(seqs.len(), 50);
        seqs.windows(2).all(|w| w[0] < w[1])
    };
    assert!(order_kept(true), "a FIFO link reordered");
    assert!(!order_kept(false), "random delays never reordered");
}

#[test]
fn limited_bandwidth_queues_messages_behind_each_other() {
    let mut config = Config::default();
    config.network.latency = Latency::millis(1);
    config.network.bandwidth = Some(1_000); // bytes per second
    let sim = flood(2, 10, config, 7);
    // A note encodes in 7 bytes (seq 1, length 1, "hello" 5): 7 ms on the wire each, so
    // the tenth of a burst leaves after 70 ms and arrives 1 ms later.
    let last = sim
        .trace()
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Deliver { to: 1, .. }))
        .map(|(t, _)| *t)
        .max();
    assert_eq!(last, Some(Time::from_millis(71)));
    assert_eq!(sim.stats().bytes, 2 * 10 * 7);
}

#[test]
fn tampering_alters_or_garbles_every_message() {
    let mut config = Config::default();
    config.network.corruption = 1.0;
    let sim = flood(2, 200, config, 8);
    assert_eq!(sim.stats().tampered, 400);
    let garbled = sim
        .trace()
        .events
        .iter()
        .filter(|(_, e)| {
            matches!(
                e,
                Event::Lost {
                    cause: Cause::Undecodable,
                    ..
                }
            )
        })
        .count();
    let mut sent = BTreeMap::new();
    let mut altered = 0;
    for (_, e) in &sim.trace().events {
        match e {
            Event::Send { id, message, .. } => {
                sent.insert(*id, message.clone());
            }
            Event::Deliver { id, message, .. } => {
                altered += usize::from(sent[id] != *message)
            }
            _ => {}
        }
    }
    // Every flipped bit either breaks the encoding or changes what is delivered.
    assert_eq!(
        garbled + altered,
        400,
        "garbled {garbled}, altered {altered}"
    );
    assert!(garbled > 0 && altered > 0);
}

#[test]
fn a_crash_loses_volatile_state_and_a_restart_recovers_what_was_persisted() {
    let config = Config {
        administrator: vec![
            (Time::from_millis(5), Action::Crash(1)),
            (Time::from_millis(9), Action::Restart(1)),
        ],
        ..Config::default()
    };
    let sim = flood(2, 4, config, 9);
    // p1 received p0's four notes at 1 ms and persisted the count; the restart hands it
    // back.
    assert_eq!(sim.process(1).received, vec![]);
    assert_eq!(sim.storage(1), &4);
    assert_eq!(
        sim.outputs(),
        &[(Time::from_millis(9), 1, Time::from_nanos(4))]
    );

    // Messages that arrive while the receiver is down are lost.
    let config = Config {
        administrator: vec![(Time::ZERO, Action::Crash(1))],
        ..Config::default()
    };
    let sim = flood(2, 4, config, 9);
    assert_eq!(sim.stats().lost, 4);
    assert!(!sim.is_up(1));
}

#[test]
fn a_pause_delays_handling_until_it_ends() {
    let config = Config {
        administrator: vec![(Time::ZERO, Action::Pause(1, Duration::from_millis(30)))],
        ..Config::default()
    };
    let sim = flood(2, 3, config, 10);
    let handled: Vec<Time> = sim
        .trace()
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Deliver { to: 1, .. }))
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(handled, vec![Time::from_millis(30); 3]);
    assert_eq!(sim.process(1).received.len(), 3);
}

#[test]
fn a_slow_process_handles_one_event_per_step() {
    let mut config = Config::default();
    config.nodes.step = vec![Duration::ZERO, Duration::from_millis(4)];
    let sim = flood(2, 3, config, 11);
    let handled: Vec<Time> = sim
        .trace()
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Deliver { to: 1, .. }))
        .map(|(t, _)| *t)
        .collect();
    // p1 is busy with its own start until 4 ms; then one note every 4 ms.
    assert_eq!(
        handled,
        vec![
            Time::from_millis(4),
            Time::from_millis(8),
            Time::from_millis(12)
        ]
    );
}

#[test]
fn drifting_clocks_diverge_at_the_configured_rate() {
    let mut config = Config::default();
    config.nodes.clocks = vec![
        Clock::default(),
        Clock {
            offset_nanos: 3 * MS as i64,
            drift: 0.01,
        },
    ];
    let tick = Duration::from_millis(100);
    let processes = vec![
        Flood {
            n: 2,
            count: 0,
            received: vec![],
            tick: Some(tick)
        };
        2
    ];
    let mut sim = Simulation::new(processes, config, 12);
    sim.run_until(Time::from_millis(1_000));
    let readings = |p: ProcessId| -> Vec<(Time, Time)> {
        sim.outputs()
            .iter()
            .filter(|(_, q, _)| *q == p)
            .map(|(t, _, local)| (*t, *local))
            .collect()
    };
    // The perfect clock reads true time; the other gains 1% and started 3 ms ahead, so
    // its 100 ms ticks come every 99.0099 ms of true time.
    for (t, local) in readings(0) {
        assert_eq!(t, local);
    }
    let fast = readings(1);
    assert_eq!(fast.len(), 10);
    for (i, (t, local)) in fast.iter().enumerate() {
        let expected_local = (i as u64 + 1) * 100 * MS; // timers fire on local-clock boundaries
        assert!(
            (local.nanos() as i64 - expected_local as i64 - 3 * MS as i64).abs() < 1_000,
            "{local:?}"
        );
        let expected_true = (i as f64 + 1.0) * 100e6 / 1.01;
        assert!(
            (t.nanos() as f64 - expected_true).abs() < 1_000.0,
            "{t:?} vs {expected_true}"
        );
    }
}

/// Clients that each ask process 0 for its count, forever, one second apart.
struct Ask;

impl Workload<Flood> for Ask {
    fn next(
        &mut self,
        _: ClientId,
        _: &mut rand::rngs::Xoshiro256PlusPlus,
    ) -> Option<Submit<Flood>> {
        Some(Submit {
            process: 0,
            request: (),
            after: Duration::from_secs(1),
        })
    }
}

#[test]
fn clients_record_a_history_and_a_timed_out_operation_stays_open() {
    let config = Config {
        administrator: vec![(Time::from_millis(2_500), Action::Crash(0))],
        ..Config::default()
    };
    let processes = vec![
        Flood {
            n: 2,
            count: 1,
            received: vec![],
            tick: None
        };
        2
    ];
    let mut sim = Simulation::new(processes, config, 13);
    sim.add_clients(1, Duration::from_millis(300), Box::new(Ask));
    sim.run_until(Time::from_millis(4_000));
    let ops = &sim.history().operations;
    // Asked at 1 s and 2 s (answered at once), at 3 s (p0 is down: times out at 3.3 s);
    // the replacement client asks at 4.3 s, after the run ends.
    assert_eq!(ops.len(), 3);
    assert_eq!(ops[0].returned, Some((1, Time::from_millis(1_000))));
    assert_eq!(ops[1].client, 0);
    assert!(ops[2].is_open());
    let timeouts = sim
        .trace()
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Timeout { client: 0 }))
        .count();
    assert_eq!(timeouts, 1);
}

#[test]
fn the_shiviz_log_pairs_each_event_with_a_vector_timestamp_that_respects_causality() {
    let mut config = Config::default();
    config.network.latency = Latency::Uniform {
        min: Duration::from_millis(1),
        max: Duration::from_millis(9),
    };
    let sim = flood(3, 4, config, 14);
    let log = sim.trace().to_shiviz(3);
    let mut lines = log.lines();
    assert_eq!(
        lines.next(),
        Some("(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})")
    );
    assert_eq!(lines.next(), Some(""));
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest.len() % 2, 0);
    // Parse `pK {"p0":a, "p1":b}` lines; each process's own entry counts its events.
    let mut own = [0u64; 3];
    let mut stamps = Vec::new();
    for pair in rest.chunks(2) {
        let (host, clock) = pair[1].split_once(' ').expect("host and clock");
        let p: usize = host
            .trim_start_matches('p')
            .parse()
            .expect("a process name");
        let mut stamp = [0u64; 3];
        for entry in clock.trim_matches(|c| c == '{' || c == '}').split(", ") {
            let (name, count) = entry.split_once(':').expect("name:count");
            let q: usize = name
                .trim_matches('"')
                .trim_start_matches('p')
                .parse()
                .unwrap();
            stamp[q] = count.parse().unwrap();
        }
        own[p] += 1;
        assert_eq!(stamp[p], own[p], "{}", pair[0]);
        stamps.push((pair[0].to_owned(), stamp));
    }
    // Each delivery's timestamp dominates its send's.
    for (event, stamp) in &stamps {
        if let Some(rest) = event.split(" deliver #").nth(1) {
            let id = rest.split(' ').next().unwrap();
            let (_, sent) = stamps
                .iter()
                .find(|(e, _)| e.contains(&format!(" send #{id} ")))
                .expect("its send");
            assert!((0..3).all(|q| stamp[q] >= sent[q]), "{event}");
        }
    }
}

/// Sends one message to a process that does not exist.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Stray;

impl Process for Stray {
    type Message = ();
    type Timer = ();
    type Request = ();
    type Response = ();
    type Output = ();
    type Storage = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.send(2, ());
    }

    fn on_message(&mut self, _: ProcessId, _: (), _: &mut Context<'_, Self>) {}
}

#[test]
#[should_panic(expected = "p0 sent a message to p2, but the processes are p0..p1")]
fn a_message_to_a_process_that_does_not_exist_is_refused_before_it_touches_a_link() {
    let config = Config {
        network: sim::Network {
            bandwidth: Some(1_000),
            ..sim::Network::default()
        },
        ..Config::default()
    };
    let mut sim = Simulation::new(vec![Stray, Stray], config, 1);
    sim.run_until(Time::from_millis(1));
}

#[test]
#[should_panic(expected = "a timer must be able to take some time")]
fn a_timer_that_must_fire_at_once_is_refused_rather_than_spun_on_for_ever() {
    let flood = Flood {
        n: 1,
        count: 0,
        received: Vec::new(),
        tick: Some(Duration::ZERO),
    };
    let mut sim = Simulation::new(vec![flood], Config::default(), 1);
    sim.run_until(Time::from_millis(1));
}

/// Each kind of nonsense `Config::validate` refuses, with the words of its refusal.
#[test]
fn a_world_that_makes_no_sense_is_refused_before_anything_runs() {
    let world = |change: &dyn Fn(&mut Config)| {
        let mut config = Config::default();
        change(&mut config);
        config.validate(2)
    };
    assert_eq!(world(&|_| {}), Ok(()));
    type Change<'a> = &'a dyn Fn(&mut Config);
    let refused: [(Change, &str); 8] = [
        (&|c| c.network.loss = 1.5, "loss is a probability"),
        (
            &|c| c.network.duplication = -0.1,
            "duplication is a probability",
        ),
        (
            &|c| {
                c.network.latency = Latency::Uniform {
                    min: Duration::from_millis(2),
                    max: Duration::from_millis(1),
                }
            },
            "min > max",
        ),
        (&|c| c.network.bandwidth = Some(0), "bandwidth of 0"),
        (
            &|c| {
                c.network.partitions.scheduled =
                    vec![(Time::ZERO, vec![vec![0, 1], vec![1]])]
            },
            "process 1 in two groups",
        ),
        (
            &|c| c.administrator = vec![(Time::ZERO, Action::Crash(2))],
            "names process 2, but there are 2 processes",
        ),
        (
            &|c| c.nodes.step = vec![Duration::ZERO; 3],
            "3 step times and 0 clocks for 2 processes",
        ),
        (
            &|c| {
                c.nodes.clocks = vec![Clock {
                    offset_nanos: 0,
                    drift: -1.0,
                }]
            },
            "does not run forward",
        ),
    ];
    for (change, words) in refused {
        let why = world(change).expect_err(words);
        assert!(why.contains(words), "{why:?} does not say {words:?}");
    }
}

#[test]
#[should_panic(expected = "not a valid world for 2 processes: loss is a probability")]
fn a_simulation_of_a_world_that_makes_no_sense_is_refused() {
    let mut config = Config::default();
    config.network.loss = 2.0;
    Simulation::new(vec![Stray, Stray], config, 1);
}
