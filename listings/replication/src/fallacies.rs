//! The program behind `cargo run --release -p replication -- fallacies`: the naive and the
//! repaired protocol under each fallacy of distributed computing, with the same seed.

use crate::check::problems;
use crate::naive::Naive;
use crate::repaired::{self, Repaired};
use crate::{PRIMARY, Request, Response};
use clap::ValueEnum;
use notebook::{Error, Output};
use process::{ClientId, Process, ProcessId, Time};
use rand::rngs::Xoshiro256PlusPlus;
use sim::{Action, Config, Latency, Simulation, Stats, Submit, Workload};
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Replicas: the primary p0 and two backups.
pub const REPLICAS: usize = 3;
/// Clients read at the last backup.
const READER: ProcessId = REPLICAS - 1;
/// How long a client waits for an answer.
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(500);
/// The repaired primary's retransmission timeout.
pub const RETRANSMIT: Duration = Duration::from_millis(10);
/// Every run lasts this long in virtual time: long enough for every retransmission to
/// settle.
const HORIZON: Time = Time::from_secs(2);

/// One fallacy: its name on the command line, the false belief, and the knob that breaks
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Fallacy {
    /// The network is reliable. Knob: loss = 0.25.
    Loss,
    /// Latency is zero. Knob: latency = 1 ms + exponential(mean 4 ms).
    Latency,
    /// Bandwidth is infinite. Knob: bandwidth = 400 bytes/s per link.
    Bandwidth,
    /// The network is secure. Knob: corruption = 0.3 (a random bit flipped; not an
    /// attacker).
    Tampering,
    /// Topology doesn't change. Knob: partition {p0,p1} | {p2} from 5 to 40 ms.
    Partition,
    /// There is one administrator. Knob: crash p2 at 9.5 ms, restart it at 30 ms.
    Crash,
    /// Transport cost is zero. No fault: compare the counters, which are always on.
    Cost,
    /// The network is homogeneous. Knob: p2 takes 6 ms per event.
    Heterogeneity,
    /// (Not one of the eight.) Knob: duplication = 0.3.
    Duplication,
    /// (Not one of the eight.) Knob: links not FIFO, latency uniform in 1..12 ms.
    Reordering,
}

impl Fallacy {
    /// The false belief, as Deutsch's list words it.
    pub fn belief(self) -> &'static str {
        match self {
            Fallacy::Loss => "the network is reliable",
            Fallacy::Latency => "latency is zero",
            Fallacy::Bandwidth => "bandwidth is infinite",
            Fallacy::Tampering => "the network is secure",
            Fallacy::Partition => "topology doesn't change",
            Fallacy::Crash => "there is one administrator",
            Fallacy::Cost => "transport cost is zero",
            Fallacy::Heterogeneity => "the network is homogeneous",
            Fallacy::Duplication => "(messages arrive once)",
            Fallacy::Reordering => "(messages arrive in order)",
        }
    }

    /// The command-line name.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default()
    }

    // ANCHOR: knobs
    /// The world in which this fallacy is false: the perfect world with one knob turned.
    pub fn world(self) -> Config {
        let mut config = Config::default();
        let ms = Duration::from_millis;
        let network = &mut config.network;
        match self {
            Fallacy::Loss => network.loss = 0.25,
            Fallacy::Latency => {
                network.latency = Latency::Exponential {
                    min: ms(1),
                    mean: ms(4),
                }
            }
            Fallacy::Bandwidth => network.bandwidth = Some(400),
            Fallacy::Tampering => network.corruption = 0.3,
            Fallacy::Partition => {
                network.partitions.scheduled = vec![
                    (Time::from_millis(5), vec![vec![0, 1], vec![2]]),
                    (Time::from_millis(40), vec![]),
                ];
            }
            Fallacy::Crash => {
                config.administrator = vec![
                    (Time::from_micros(9500), Action::Crash(2)),
                    (Time::from_millis(30), Action::Restart(2)),
                ];
            }
            // No fault: the counters, always on, show what each protocol spends.
            Fallacy::Cost => {}
            Fallacy::Heterogeneity => {
                config.nodes.step = vec![Duration::ZERO, Duration::ZERO, ms(6)]
            }
            Fallacy::Duplication => network.duplication = 0.3,
            Fallacy::Reordering => {
                network.fifo = false;
                network.latency = Latency::Uniform {
                    min: ms(1),
                    max: ms(12),
                };
            }
        }
        config
    }
    // ANCHOR_END: knobs
}

/// The workload: one client writes 1, 2, 3, ... at the primary, reading the log at the
/// last backup after each write, with a short pause between operations.
struct WriteThenRead {
    writes: u32,
    written: u32,
    read_next: bool,
}

impl<P: Process<Request = Request>> Workload<P> for WriteThenRead {
    fn next(&mut self, _: ClientId, _: &mut Xoshiro256PlusPlus) -> Option<Submit<P>> {
        let after = Duration::from_millis(3);
        if self.read_next {
            self.read_next = false;
            return Some(Submit {
                process: READER,
                request: Request::Read,
                after,
            });
        }
        if self.written == self.writes {
            return None;
        }
        self.written += 1;
        self.read_next = true;
        Some(Submit {
            process: PRIMARY,
            request: Request::Write(self.written),
            after,
        })
    }
}

/// The outcome of one run.
pub struct Run {
    /// What went wrong (empty: nothing).
    pub problems: Vec<String>,
    /// Writes the client invoked, and how many of them were acknowledged.
    pub writes: (usize, usize),
    /// What it cost.
    pub stats: Stats,
    /// The run's space-time diagram.
    pub diagram: figures::Diagram,
    /// The run's trace as a ShiViz log.
    pub shiviz: String,
}

/// Runs `processes` in the world of `fallacy` with `seed`: one client makes `writes`
/// writes, each followed by a read. `log` reads a replica's log and `label` names a
/// message in the diagram. Any primary-backup protocol with this crate's requests and
/// responses can be run.
pub fn run_protocol<P>(
    processes: Vec<P>,
    fallacy: Fallacy,
    seed: u64,
    writes: u32,
    title: &str,
    log: impl Fn(&P) -> &[u32],
    label: impl Fn(&P::Message) -> String,
) -> Run
where
    P: Process<Request = Request, Response = Response>,
{
    let mut sim = Simulation::new(processes, fallacy.world(), seed);
    sim.add_clients(
        1,
        CLIENT_TIMEOUT,
        Box::new(WriteThenRead {
            writes,
            written: 0,
            read_next: false,
        }),
    );
    sim.run_until(HORIZON);
    let logs: Vec<(ProcessId, &[u32])> = (0..REPLICAS)
        .filter(|&p| sim.is_up(p))
        .map(|p| (p, log(sim.process(p))))
        .collect();
    let problems = problems(&logs, sim.history());
    let verdict = problems
        .first()
        .cloned()
        .unwrap_or_else(|| "no acknowledged write lost".into());
    let invoked = sim
        .history()
        .operations
        .iter()
        .filter(|op| matches!(op.request, Request::Write(_)));
    let writes = (
        invoked.clone().count(),
        invoked.filter(|op| !op.is_open()).count(),
    );
    let diagram = sim
        .trace()
        .to_diagram(&format!("{title}: {verdict}"), REPLICAS, label);
    let shiviz = sim.trace().to_shiviz(REPLICAS);
    Run {
        problems,
        writes,
        stats: sim.stats().clone(),
        diagram,
        shiviz,
    }
}

/// The naive protocol in the world of `fallacy`.
pub fn run_naive(fallacy: Fallacy, seed: u64, writes: u32) -> Run {
    let replicas = (0..REPLICAS).map(|p| Naive::new(p, REPLICAS)).collect();
    let title = format!("naive, {} (seed {seed})", fallacy.name());
    run_protocol(
        replicas,
        fallacy,
        seed,
        writes,
        &title,
        |p: &Naive| &p.log,
        |m| format!("append {}", m.0),
    )
}

/// The repaired protocol in the world of `fallacy`.
pub fn run_repaired(fallacy: Fallacy, seed: u64, writes: u32) -> Run {
    let replicas = (0..REPLICAS)
        .map(|p| Repaired::new(p, REPLICAS, RETRANSMIT))
        .collect();
    let title = format!("repaired, {} (seed {seed})", fallacy.name());
    let label = |m: &repaired::Message| match m {
        repaired::Message::Append { index, value, .. } => {
            format!("append #{index}={value}")
        }
        repaired::Message::Ack { upto, .. } => format!("ack {upto}"),
    };
    run_protocol(
        replicas,
        fallacy,
        seed,
        writes,
        &title,
        |p: &Repaired| &p.log,
        label,
    )
}

/// Which diagrams to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Diagrams {
    Naive,
    Repaired,
    Both,
    None,
}

/// Runs a naive and a repaired primary-backup protocol under each fallacy of distributed
/// computing, with the same seed, and says what each run did to the data.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Seed of the simulation: the same seed gives the same run, byte for byte.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Run only this fallacy, and report it in detail (default: all, one line each).
    #[arg(long, value_enum, value_name = "NAME")]
    fallacy: Option<Fallacy>,
    /// Writes the client makes.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    writes: u32,
    /// Directory for the space-time diagrams.
    #[arg(long, default_value = "target/fallacies", value_name = "DIR")]
    out: PathBuf,
    /// Which runs to draw.
    #[arg(long, value_enum, default_value = "both")]
    diagrams: Diagrams,
    /// Also write each drawn run's trace as a ShiViz log (.log beside the .svg).
    #[arg(long)]
    shiviz: bool,
}

/// Runs the program on its command-line arguments (without the program name).
pub(crate) fn run(args: Args) -> Result<Output, Error> {
    let mut output = Output::default();
    let out = &mut output.stdout;
    let fallacies: Vec<Fallacy> = match args.fallacy {
        Some(f) => vec![f],
        None => Fallacy::value_variants().to_vec(),
    };
    if args.fallacy.is_none() {
        let _ = writeln!(
            out,
            "seed {}, {} writes; naive and repaired primary-backup, 3 replicas\n",
            args.seed, args.writes
        );
        let _ = writeln!(
            out,
            "{:<14} {:<28} {:<8} {:<8} messages (naive/repaired)",
            "fallacy", "the false belief", "naive", "repaired",
        );
    }
    let mut repaired_sent = Vec::new();
    for fallacy in fallacies {
        let naive = run_naive(fallacy, args.seed, args.writes);
        let repaired = run_repaired(fallacy, args.seed, args.writes);
        repaired_sent.push((fallacy, repaired.stats.sent));
        let verdict = |r: &Run| {
            if r.problems.is_empty() {
                "ok"
            } else {
                "BROKEN"
            }
        };
        if args.fallacy.is_none() {
            let _ = writeln!(
                out,
                "{:<14} {:<28} {:<8} {:<8} {}/{}",
                fallacy.name(),
                fallacy.belief(),
                verdict(&naive),
                verdict(&repaired),
                naive.stats.sent,
                repaired.stats.sent
            );
        } else {
            let _ = writeln!(
                out,
                "fallacy: {} (seed {}, {} writes)",
                fallacy.belief(),
                args.seed,
                args.writes
            );
        }
        for (name, run, wanted) in [
            (
                "naive",
                &naive,
                matches!(args.diagrams, Diagrams::Naive | Diagrams::Both),
            ),
            (
                "repaired",
                &repaired,
                matches!(args.diagrams, Diagrams::Repaired | Diagrams::Both),
            ),
        ] {
            if args.fallacy.is_some() {
                let _ = writeln!(
                    out,
                    "\n{name}: {}",
                    if run.problems.is_empty() {
                        "ok, no acknowledged write lost"
                    } else {
                        "BROKEN"
                    }
                );
                for problem in &run.problems {
                    let _ = writeln!(out, "  {problem}");
                }
                let s = &run.stats;
                let (invoked, acknowledged) = run.writes;
                let cut = if invoked < args.writes as usize {
                    " (the run ended before the client could invoke the rest)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  writes acknowledged {acknowledged} of {invoked} invoked{cut}"
                );
                let _ = writeln!(
                    out,
                    "  messages sent {}, delivered {}, lost {} (garbled ones included), duplicated {}, tampered {}; {} bytes",
                    s.sent, s.delivered, s.lost, s.duplicated, s.tampered, s.bytes
                );
            }
            if wanted {
                let path = args.out.join(format!(
                    "fallacy-{}-{name}-seed{}.svg",
                    fallacy.name(),
                    args.seed
                ));
                if args.fallacy.is_some() {
                    let _ = writeln!(out, "  diagram: {}", path.display());
                }
                if args.shiviz {
                    let log = path.with_extension("log");
                    if args.fallacy.is_some() {
                        let _ = writeln!(out, "  ShiViz log: {}", log.display());
                    }
                    output.files.push((log, run.shiviz.clone().into_bytes()));
                }
                output.files.push((path, run.diagram.to_svg().into_bytes()));
            }
        }
    }
    // What congestion costs the repaired protocol: its messages under limited bandwidth
    // against those in the perfect world.
    let sent = |f: Fallacy| repaired_sent.iter().find(|(g, _)| *g == f).map(|(_, s)| *s);
    if let (Some(bandwidth), Some(perfect)) =
        (sent(Fallacy::Bandwidth), sent(Fallacy::Cost))
    {
        output.value(
            "bandwidth-ratio",
            format!("{:.0}", bandwidth as f64 / perfect as f64),
        );
    }
    Ok(output)
}
