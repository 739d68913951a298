//! The trace: every event of a run, in order, with the true time it happened.
//!
//! Two runs with the same seed and configuration have byte-identical traces
//! ([`Trace::to_text`]). A trace renders as a space-time diagram for the book
//! ([`Trace::to_diagram`]) and as a log that ShiViz can visualize ([`Trace::to_shiviz`]).

use figures::spacetime::{Arrow, Band, BandKind, Diagram, Fate, Point, PointMark};
use process::{ClientId, Process, ProcessId, Time};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// Why a message was not delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    /// The network lost it (the loss knob).
    Loss,
    /// A partition cut the link.
    Partition,
    /// The receiver was crashed when it arrived.
    ReceiverDown,
    /// It was tampered with and no longer decoded; the receiver's network stack dropped
    /// it.
    Undecodable,
}

/// One event of a run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Event<P: Process> {
    /// A process booted.
    Start(ProcessId),
    /// A crashed process restarted from its storage.
    Recover(ProcessId),
    /// A process sent message `id`.
    Send {
        /// Sender.
        from: ProcessId,
        /// Receiver.
        to: ProcessId,
        /// The message's number, unique in the run.
        id: u64,
        /// The message.
        message: P::Message,
    },
    /// Message `id` was delivered (if it was tampered with, `message` is what arrived).
    Deliver {
        /// Sender.
        from: ProcessId,
        /// Receiver.
        to: ProcessId,
        /// The message's number.
        id: u64,
        /// The message as delivered.
        message: P::Message,
    },
    /// Message `id` will never be delivered.
    Lost {
        /// Sender.
        from: ProcessId,
        /// Receiver.
        to: ProcessId,
        /// The message's number.
        id: u64,
        /// Why.
        cause: Cause,
    },
    /// The network duplicated message `id`; the copy travels as message `copy`.
    Duplicate {
        /// The original.
        id: u64,
        /// The copy's number.
        copy: u64,
    },
    /// The network altered message `id` in flight.
    Tamper {
        /// The message's number.
        id: u64,
    },
    /// A timer expired.
    Timer {
        /// The process.
        process: ProcessId,
        /// The timer.
        timer: P::Timer,
    },
    /// A process crashed.
    Crash(ProcessId),
    /// A process paused until the given time.
    Pause(ProcessId, Time),
    /// The network split into these groups.
    Partition(Vec<Vec<ProcessId>>),
    /// The network healed.
    Heal,
    /// A process persisted its storage.
    Persist(ProcessId),
    /// A process made an output observable.
    Output {
        /// The process.
        process: ProcessId,
        /// The output.
        output: P::Output,
    },
    /// A client invoked an operation.
    Invoke {
        /// The client.
        client: ClientId,
        /// The process asked.
        process: ProcessId,
        /// The request.
        request: P::Request,
    },
    /// A process answered a client.
    Return {
        /// The client.
        client: ClientId,
        /// The process that answered.
        process: ProcessId,
        /// The response.
        response: P::Response,
    },
    /// A client gave up waiting; its operation stays open.
    Timeout {
        /// The client.
        client: ClientId,
    },
}

/// The events of a run, with their true times, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace<P: Process> {
    /// The events.
    pub events: Vec<(Time, Event<P>)>,
}

impl<P: Process> Default for Trace<P> {
    fn default() -> Self {
        Trace { events: Vec::new() }
    }
}

impl<P: Process> Trace<P> {
    /// One line per event: the time, then what happened. Identical for identical runs.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (time, event) in &self.events {
            let _ = writeln!(out, "{:>12} {}", time.to_string(), describe(event));
        }
        out
    }

    /// A log in the format ShiViz reads (Beschastnikh et al., "Debugging distributed
    /// systems", CACM 59(8), 2016): for each event on a process, a line describing it
    /// followed by a line with the process's name and vector timestamp. Paste it into
    /// ShiViz with the parser regular expression on the first line of the log.
    pub fn to_shiviz(&self, processes: usize) -> String {
        let mut out = String::from("(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})\n\n");
        let mut clocks = vec![vec![0u64; processes]; processes];
        let mut sent: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
        for (time, event) in &self.events {
            let (process, merge) = match event {
                Event::Send { from, id, .. } => {
                    clocks[*from][*from] += 1;
                    sent.insert(*id, clocks[*from].clone());
                    (*from, None)
                }
                Event::Duplicate { id, copy } => {
                    if let Some(stamp) = sent.get(id).cloned() {
                        sent.insert(*copy, stamp);
                    }
                    continue;
                }
                Event::Deliver { to, id, .. } => (*to, sent.get(id).cloned()),
                other => match actor(other) {
                    Some(p) => (p, None),
                    None => continue,
                },
            };
            if process >= processes {
                continue;
            }
            if let Some(stamp) = merge {
                for (mine, theirs) in clocks[process].iter_mut().zip(stamp) {
                    *mine = (*mine).max(theirs);
                }
            }
            if !matches!(event, Event::Send { .. }) {
                clocks[process][process] += 1;
            }
            let stamp: Vec<String> = clocks[process]
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(q, c)| format!("\"p{q}\":{c}"))
                .collect();
            let _ = writeln!(out, "{time} {}", describe(event));
            let _ = writeln!(out, "p{process} {{{}}}", stamp.join(", "));
        }
        out
    }

    /// A space-time diagram of the run, times in milliseconds. `label` shortens a message
    /// for its arrow; outputs, crashes, partitions and client operations are marked.
    pub fn to_diagram(
        &self,
        title: &str,
        processes: usize,
        label: impl Fn(&P::Message) -> String,
    ) -> Diagram {
        let debug = |r: &dyn fmt::Debug| format!("{r:?}");
        self.to_diagram_with(title, processes, label, |q| debug(q), |r| debug(r))
    }

    /// [`Trace::to_diagram`], with clients' requests and responses written by `request`
    /// and `response` rather than as Rust prints them.
    pub fn to_diagram_with(
        &self,
        title: &str,
        processes: usize,
        label: impl Fn(&P::Message) -> String,
        request: impl Fn(&P::Request) -> String,
        response: impl Fn(&P::Response) -> String,
    ) -> Diagram {
        let ms = |t: &Time| t.as_millis_f64();
        // Clients get lanes of their own, left of the processes.
        let clients = self
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::Invoke { client, .. }
                | Event::Return { client, .. }
                | Event::Timeout { client } => Some(*client + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let lane = |p: ProcessId| clients + p;
        let mut diagram = Diagram {
            title: title.to_owned(),
            lanes: (0..clients)
                .map(|c| format!("c{c}"))
                .chain((0..processes).map(|p| format!("p{p}")))
                .collect(),
            unit: "ms".into(),
            ..Diagram::default()
        };
        let mut sends: BTreeMap<u64, (ProcessId, f64, String)> = BTreeMap::new();
        let mut down: BTreeMap<ProcessId, f64> = BTreeMap::new();
        let mut partition: Option<(f64, String, Vec<usize>)> = None;
        let end = self.events.last().map_or(0.0, |(t, _)| ms(t));
        for (time, event) in &self.events {
            let t = ms(time);
            match event {
                Event::Send {
                    from, id, message, ..
                } => {
                    sends.insert(*id, (*from, t, label(message)));
                }
                Event::Duplicate { id, copy } => {
                    if let Some((from, at, text)) = sends.get(id).cloned() {
                        sends.insert(*copy, (from, at, format!("{text} (copy)")));
                    }
                }
                Event::Tamper { id } => {
                    if let Some(entry) = sends.get_mut(id) {
                        entry.2 = format!("{} (tampered)", entry.2);
                    }
                }
                Event::Deliver {
                    to, id, message, ..
                } => {
                    if let Some((from, at, text)) = sends.get(id) {
                        let tampered = text.ends_with("(tampered)");
                        let label = if tampered {
                            format!("{} (tampered)", label(message))
                        } else {
                            text.clone()
                        };
                        let fate = if tampered {
                            Fate::Tampered
                        } else {
                            Fate::Delivered
                        };
                        diagram.arrows.push(Arrow {
                            from: (lane(*from), *at),
                            to: (lane(*to), t),
                            label,
                            fate,
                        });
                    }
                }
                Event::Lost { to, id, cause, .. } => {
                    if let Some((from, at, text)) = sends.get(id) {
                        let why = match cause {
                            Cause::Loss => "lost",
                            Cause::Partition => "cut",
                            Cause::ReceiverDown => "receiver down",
                            Cause::Undecodable => "garbled",
                        };
                        let to_time = if t > *at {
                            t
                        } else {
                            next_after(&self.events, *time).max(*at)
                        };
                        diagram.arrows.push(Arrow {
                            from: (lane(*from), *at),
                            to: (lane(*to), to_time),
                            label: format!("{text} ({why})"),
                            fate: Fate::Lost,
                        });
                    }
                }
                Event::Crash(p) => {
                    down.insert(*p, t);
                    diagram.points.push(Point {
                        lane: lane(*p),
                        time: t,
                        mark: PointMark::Crash,
                        label: "crash".into(),
                    });
                }
                Event::Recover(p) => {
                    if let Some(from) = down.remove(p) {
                        diagram.bands.push(Band {
                            lanes: vec![lane(*p)],
                            from,
                            to: t,
                            kind: BandKind::Down,
                            label: String::new(),
                        });
                    }
                    diagram.points.push(Point {
                        lane: lane(*p),
                        time: t,
                        mark: PointMark::Start,
                        label: "restart".into(),
                    });
                }
                Event::Pause(p, until) => diagram.bands.push(Band {
                    lanes: vec![lane(*p)],
                    from: t,
                    to: ms(until),
                    kind: BandKind::Paused,
                    label: "paused".into(),
                }),
                Event::Partition(groups) => {
                    let names: Vec<String> = groups
                        .iter()
                        .map(|g| {
                            format!(
                                "{{{}}}",
                                g.iter()
                                    .map(|p| format!("p{p}"))
                                    .collect::<Vec<_>>()
                                    .join(",")
                            )
                        })
                        .collect();
                    // Shade the smallest side: the processes cut off from the rest.
                    let side: Vec<usize> = groups
                        .iter()
                        .min_by_key(|g| g.len())
                        .map_or(Vec::new(), |g| g.iter().map(|&p| lane(p)).collect());
                    partition =
                        Some((t, format!("partition {}", names.join(" | ")), side));
                }
                Event::Heal => {
                    if let Some((from, label, side)) = partition.take() {
                        diagram.bands.push(Band {
                            lanes: side,
                            from,
                            to: t,
                            kind: BandKind::Partition,
                            label,
                        });
                    }
                }
                Event::Output { process, output } => diagram.points.push(Point {
                    lane: lane(*process),
                    time: t,
                    mark: PointMark::Output,
                    label: format!("{output:?}"),
                }),
                Event::Invoke {
                    client,
                    process,
                    request: request_made,
                } => diagram.arrows.push(Arrow {
                    from: (*client, t),
                    to: (lane(*process), t),
                    label: request(request_made),
                    fate: Fate::Delivered,
                }),
                // A response in the same instant as its request is drawn just below it.
                Event::Return {
                    client,
                    process,
                    response: answer,
                } => diagram.arrows.push(Arrow {
                    from: (lane(*process), t + 1e-6),
                    to: (*client, t + 1e-6),
                    label: response(answer),
                    fate: Fate::Delivered,
                }),
                Event::Timeout { client } => diagram.points.push(Point {
                    lane: *client,
                    time: t,
                    mark: PointMark::Crash,
                    label: "timed out".into(),
                }),
                _ => {}
            }
        }
        for (p, from) in down {
            diagram.bands.push(Band {
                lanes: vec![lane(p)],
                from,
                to: end,
                kind: BandKind::Down,
                label: String::new(),
            });
        }
        if let Some((from, label, side)) = partition {
            diagram.bands.push(Band {
                lanes: side,
                from,
                to: end,
                kind: BandKind::Partition,
                label,
            });
        }
        diagram
    }
}

/// The first event time after `t`, or `t` itself (where a message lost at its sending is
/// drawn).
fn next_after<P: Process>(events: &[(Time, Event<P>)], t: Time) -> f64 {
    events
        .iter()
        .map(|(u, _)| *u)
        .find(|u| *u > t)
        .unwrap_or(t)
        .as_millis_f64()
}

/// The process an event happens at, if any (message events are handled separately).
fn actor<P: Process>(event: &Event<P>) -> Option<ProcessId> {
    match event {
        Event::Start(p)
        | Event::Recover(p)
        | Event::Crash(p)
        | Event::Pause(p, _)
        | Event::Persist(p) => Some(*p),
        Event::Timer { process, .. } | Event::Output { process, .. } => Some(*process),
        Event::Invoke { process, .. } | Event::Return { process, .. } => Some(*process),
        _ => None,
    }
}

/// A one-line description of an event.
fn describe<P: Process>(event: &Event<P>) -> String {
    match event {
        Event::Start(p) => format!("p{p} start"),
        Event::Recover(p) => format!("p{p} restart"),
        Event::Send {
            from,
            to,
            id,
            message,
        } => format!("p{from} send #{id} to p{to}: {message:?}"),
        Event::Deliver {
            from,
            to,
            id,
            message,
        } => format!("p{to} deliver #{id} from p{from}: {message:?}"),
        Event::Lost {
            from,
            to,
            id,
            cause,
        } => format!("#{id} p{from}->p{to} lost: {cause:?}"),
        Event::Duplicate { id, copy } => format!("#{id} duplicated as #{copy}"),
        Event::Tamper { id } => format!("#{id} tampered with"),
        Event::Timer { process, timer } => format!("p{process} timer {timer:?}"),
        Event::Crash(p) => format!("p{p} crash"),
        Event::Pause(p, until) => format!("p{p} pause until {until}"),
        Event::Partition(groups) => format!("partition {groups:?}"),
        Event::Heal => "heal".to_owned(),
        Event::Persist(p) => format!("p{p} persist"),
        Event::Output { process, output } => format!("p{process} output {output:?}"),
        Event::Invoke {
            client,
            process,
            request,
        } => format!("c{client} invoke at p{process}: {request:?}"),
        Event::Return {
            client,
            process,
            response,
        } => format!("c{client} return from p{process}: {response:?}"),
        Event::Timeout { client } => format!("c{client} timeout"),
    }
}
