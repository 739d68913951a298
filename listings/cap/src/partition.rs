//! One partition, two registers: the run of Gilbert and Lynch's proof, in the simulator.
//!
//! Three processes; p0 is cut off from p1 and p2 for the first 50 ms. One client asks
//! p0, on the minority side; another asks p1 or p2, on the majority side. Each makes a
//! few reads and writes while the partition lasts. A register that answers on both
//! sides must answer without hearing from the other side, so a read on one side
//! cannot see a write just finished on the other: the history is not linearizable
//! (Gilbert & Lynch, SIGACT News 33(2), 2002, Theorem 1). A register whose answers are
//! linearizable must leave the minority's operations unanswered.

use crate::available::Available;
use abd::register::{Abd, Variant};
use abd::simulate::RETRANSMIT;
use clap::ValueEnum;
use figures::Diagram;
use linearizability::check::{Verdict, check};
use linearizability::models::{Register as RegisterModel, RegisterOp, RegisterRet};
use process::{ClientId, History, Operation, Process, ProcessId, Time};
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use sim::{Config, Latency, Simulation, Submit, Workload};
use std::time::Duration;

/// The processes on each side of the partition.
pub const SIDES: [&[ProcessId]; 2] = [&[0], &[1, 2]];
/// The partition heals then.
pub const HEAL: Time = Time::from_millis(50);
/// The run ends then.
pub const END: Time = Time::from_millis(100);
/// How long a client waits for an answer: longer than the run, so a client never gives
/// up and asks again elsewhere — it waits, as availability in Gilbert and Lynch's sense
/// demands an answer to every request.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(1);
/// Operations per client.
pub const OPERATIONS: usize = 4;

/// The two registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Register {
    /// ABD (chapter 9): linearizable, answers only with a majority.
    Abd,
    /// Answers at once from the local copy, gossips writes afterwards.
    Available,
}

// ANCHOR: world
/// The world of the run: message delays log-normal around 1 ms, and the partition.
pub fn world() -> Config {
    let mut config = Config::default();
    config.network.latency = Latency::LogNormal {
        median: Duration::from_millis(1),
        sigma: 0.5,
    };
    let sides = SIDES.iter().map(|side| side.to_vec()).collect();
    config.network.partitions.scheduled = vec![(Time::ZERO, sides), (HEAL, vec![])];
    config
}
// ANCHOR_END: world

/// Client `c` asks processes on side `c`: reads and writes (of values no other write
/// writes) with equal probability, after up to 5 ms of thought.
struct Sides {
    made: [usize; 2],
}

impl<P: Process<Request = RegisterOp>> Workload<P> for Sides {
    fn next(
        &mut self,
        client: ClientId,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Option<Submit<P>> {
        if self.made[client] == OPERATIONS {
            return None;
        }
        self.made[client] += 1;
        let side = SIDES[client];
        let request = if rng.random_bool(0.5) {
            RegisterOp::Read
        } else {
            RegisterOp::Write((10 * (client + 1) + self.made[client]) as i64)
        };
        Some(Submit {
            process: side[rng.random_range(0..side.len())],
            request,
            after: Duration::from_micros(rng.random_range(0..5000)),
        })
    }
}

/// What the run showed.
pub struct Outcome {
    /// The clients' operations.
    pub history: History<RegisterOp, RegisterRet>,
    /// The linearizability checker's verdict on it.
    pub verdict: Verdict,
    /// The run as a space-time diagram.
    pub diagram: Diagram,
    /// Whether, at the end, every process holds the same value.
    pub converged: bool,
}

impl Outcome {
    /// The operations `client` asked while the partition lasted, and how many of them
    /// were answered while it lasted.
    pub fn during_partition(
        &self,
        client: ClientId,
    ) -> (Vec<&Operation<RegisterOp, RegisterRet>>, usize) {
        let asked: Vec<_> = self
            .history
            .operations
            .iter()
            .filter(|o| o.client == client && o.invoked < HEAL)
            .collect();
        let answered = asked
            .iter()
            .filter(|o| o.returned.as_ref().is_some_and(|(_, at)| *at < HEAL))
            .count();
        (asked, answered)
    }
}

/// Runs `register` through the partition with `seed`, the clients asking what
/// [`Sides`] draws.
pub fn run(register: Register, seed: u64) -> Outcome {
    run_with(register, seed, 2, Sides { made: [0; 2] })
}

/// Runs `register` through the partition with `seed` and `clients` clients asking what
/// `workload` says.
pub fn run_with<W>(register: Register, seed: u64, clients: usize, workload: W) -> Outcome
where
    W: Workload<Abd> + Workload<Available> + 'static,
{
    match register {
        Register::Abd => simulate(
            Abd::cluster(3, Variant::Abd, Some(RETRANSMIT)),
            (seed, clients, Box::new(workload)),
            "ABD",
            |p| p.held().1,
            abd::register::short,
        ),
        Register::Available => simulate(
            Available::cluster(3),
            (seed, clients, Box::new(workload)),
            "available",
            |p| p.copy().value,
            |c| format!("copy {:?} {}", c.tag, abd::register::plain_value(&c.value)),
        ),
    }
}

fn simulate<P>(
    processes: Vec<P>,
    (seed, clients, workload): (u64, usize, Box<dyn Workload<P>>),
    name: &str,
    value: impl Fn(&P) -> Option<i64>,
    label: impl Fn(&P::Message) -> String,
) -> Outcome
where
    P: Process<Request = RegisterOp, Response = RegisterRet>,
{
    let mut config = world();
    config.trace = true;
    let mut sim = Simulation::new(processes, config, seed);
    sim.add_clients(clients, CLIENT_TIMEOUT, workload);
    sim.run_until(END);
    let history = sim.history().clone();
    let verdict = check(&RegisterModel, &history);
    let held: Vec<_> = (0..3).map(|p| value(sim.process(p))).collect();
    let answer = if verdict.is_linearizable() {
        "linearizable"
    } else {
        "not linearizable"
    };
    let title =
        format!("The {name} register through a partition (seed {seed}): {answer}");
    let diagram = sim.trace().to_diagram_with(
        &title,
        3,
        label,
        abd::register::request_label,
        abd::register::response_label,
    );
    Outcome {
        diagram,
        converged: held.windows(2).all(|w| w[0] == w[1]),
        verdict,
        history,
    }
}
