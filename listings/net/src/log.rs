//! Each node's log: one JSON object per line, with the wall-clock time, so that the logs
//! of a cluster can be merged into one space-time diagram.

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// One logged event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Microseconds since the Unix epoch, on this machine's clock.
    pub t_us: u64,
    /// The node.
    pub node: usize,
    /// What happened: `start`, `recover`, `send`, `send-failed`, `receive`, `timer`,
    /// `persist`, `output`, `request`, `respond`, `dropped`; and `killed`, which the
    /// cluster launcher writes for a node it kills.
    pub event: String,
    /// The other node, for `send` and `receive`.
    pub peer: Option<usize>,
    /// The sender's number of the message, for `send` and `receive`.
    pub id: Option<u64>,
    /// A description.
    pub detail: String,
}

/// A node's log file.
pub struct Log {
    file: File,
    node: usize,
}

impl Log {
    /// Appends to (or creates) `path`.
    pub fn open(path: &Path, node: usize) -> std::io::Result<Self> {
        let file = File::options().create(true).append(true).open(path)?;
        Ok(Log { file, node })
    }

    /// Writes one entry.
    pub fn write(
        &mut self,
        event: &str,
        peer: Option<usize>,
        id: Option<u64>,
        detail: String,
    ) {
        let t_us = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        let entry = Entry {
            t_us,
            node: self.node,
            event: event.to_owned(),
            peer,
            id,
            detail,
        };
        if let Ok(line) = serde_json::to_string(&entry) {
            let _ = writeln!(self.file, "{line}");
        }
    }
}

/// Reads the entries of several logs, in time order.
pub fn read(paths: &[&Path]) -> std::io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for path in paths {
        for line in BufReader::new(File::open(path)?).lines() {
            if let Ok(entry) = serde_json::from_str::<Entry>(&line?) {
                entries.push(entry);
            }
        }
    }
    entries.sort_by_key(|e| (e.t_us, e.node));
    Ok(entries)
}

/// A cluster's merged log as a space-time diagram, times in milliseconds from the first
/// entry. (One machine, one clock: across machines, merging logs by their clocks is the
/// subject of chapter 3.)
pub fn diagram(title: &str, nodes: usize, entries: &[Entry]) -> figures::Diagram {
    use figures::spacetime::{Arrow, Band, BandKind, Fate, Point, PointMark};
    let start = entries.first().map_or(0, |e| e.t_us);
    let ms = |e: &Entry| (e.t_us - start) as f64 / 1000.0;
    let mut diagram = figures::Diagram {
        title: title.to_owned(),
        lanes: (0..nodes).map(|p| format!("p{p}")).collect(),
        unit: "ms".into(),
        ..figures::Diagram::default()
    };
    let mut killed: Vec<Option<f64>> = vec![None; nodes];
    for e in entries {
        match (e.event.as_str(), e.peer, e.id) {
            ("receive", Some(from), Some(id)) => {
                // A restarted node numbers its messages from 1 again: take the latest
                // send.
                let sent = entries.iter().rev().find(|s| {
                    s.event == "send"
                        && s.node == from
                        && s.id == Some(id)
                        && s.t_us <= e.t_us
                });
                if let Some(s) = sent {
                    diagram.arrows.push(Arrow {
                        from: (from, ms(s)),
                        to: (e.node, ms(e)),
                        label: brief(&e.detail),
                        fate: Fate::Delivered,
                    });
                }
            }
            ("send", Some(to), Some(id)) => {
                // A message nobody received: lost, or sent to a node that was down.
                let received = entries.iter().any(|r| {
                    r.event == "receive"
                        && r.node == to
                        && r.peer == Some(e.node)
                        && r.id == Some(id)
                        && r.t_us >= e.t_us
                });
                if !received {
                    diagram.arrows.push(Arrow {
                        from: (e.node, ms(e)),
                        to: (to, ms(e)),
                        label: brief(&e.detail),
                        fate: Fate::Lost,
                    });
                }
            }
            (event, _, _) => {
                if event == "killed" {
                    killed[e.node] = Some(ms(e));
                }
                let restarted = matches!(event, "recover" | "start");
                if let Some(from) = killed[e.node].take_if(|_| restarted) {
                    diagram.bands.push(Band {
                        lanes: vec![e.node],
                        from,
                        to: ms(e),
                        kind: BandKind::Down,
                        label: String::new(),
                    });
                }
                let (mark, label) = match event {
                    "start" => (PointMark::Start, "start".to_owned()),
                    "recover" => (PointMark::Start, format!("recover {}", e.detail)),
                    "killed" => (PointMark::Crash, "killed".to_owned()),
                    "output" => (PointMark::Output, e.detail.clone()),
                    "request" | "respond" => (PointMark::Client, e.detail.clone()),
                    "dropped" => (PointMark::Crash, "dropped a datagram".into()),
                    _ => continue,
                };
                diagram.points.push(Point {
                    lane: e.node,
                    time: ms(e),
                    mark,
                    label,
                });
            }
        }
    }
    diagram
}

/// A message's description without its checksum, which says nothing to a reader:
/// `Append { index: 0, value: 1, checksum: 99 }` becomes `Append { index: 0, value: 1 }`.
fn brief(detail: &str) -> String {
    const FIELD: &str = ", checksum: ";
    match detail.find(FIELD) {
        Some(at) => {
            let after = &detail[at + FIELD.len()..];
            let value = after.find([',', ' ', '}']).unwrap_or(after.len());
            format!("{}{}", &detail[..at], &after[value..])
        }
        None => detail.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::brief;

    #[test]
    fn a_brief_description_leaves_out_the_checksum() {
        assert_eq!(
            brief("Append { index: 0, value: 1, checksum: 99 }"),
            "Append { index: 0, value: 1 }"
        );
        assert_eq!(
            brief("Ack { upto: 1, checksum: 4, x: 2 }"),
            "Ack { upto: 1, x: 2 }"
        );
        assert_eq!(brief("Heartbeat"), "Heartbeat");
    }
}
