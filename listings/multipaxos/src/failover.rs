//! Leader failover, measured: the leader crashes, the followers' election timeouts run
//! out, one campaigns and wins, and the store answers again.

use crate::check::chosen;
use crate::replica::{Replica, Setup};
use crate::simulate::{Appends, CLIENT_TIMEOUT, ELECTION, HEARTBEAT, THINK};
use process::Time;
use sim::{Action, Config, Latency, Simulation};
use std::collections::BTreeMap;
use std::time::Duration;

/// When the leader crashes.
pub const CRASH: Duration = Duration::from_millis(100);
/// The resolution of the measurement: the run is examined after every step of this.
pub const STEP: Duration = Duration::from_micros(100);
/// How long a run goes on after the crash at most.
pub const HORIZON: Duration = Duration::from_secs(2);

// ANCHOR: failover
/// The time from the crash of the leader, p0, to the first entry chosen under another
/// replica's ballot (accepted by a majority: the new leader learns it a delay later), in a run with `seed` of `n` replicas in which every message takes
/// `delay` and three clients at the followers keep the store busy; measured to the
/// [`STEP`]. `None` if no entry is chosen within [`HORIZON`].
pub fn failover(n: usize, delay: Duration, seed: u64) -> Option<Duration> {
    let setup = Setup {
        leader: Some(0),
        ..Setup::new(n, ELECTION, Some(HEARTBEAT))
    };
    let mut config = Config::default();
    config.network.latency = Latency::Constant(delay);
    let crash = Time::ZERO + CRASH;
    config.administrator = vec![(crash, Action::Crash(0))];
    let mut sim: Simulation<Replica> = Simulation::new(setup.replicas(), config, seed);
    let workload = Appends {
        targets: (1..n).collect(),
        reads: 0.5,
        operations: usize::MAX,
        think: THINK,
        appends: 0,
        clients: BTreeMap::new(),
    };
    sim.add_clients(3, CLIENT_TIMEOUT, Box::new(workload));
    sim.run_until(crash);
    while sim.now() < crash + HORIZON {
        sim.run_for(STEP);
        let chosen = chosen(setup.quorum(), (0..n).map(|p| sim.storage(p)));
        if chosen
            .values()
            .flatten()
            .any(|(ballot, _)| ballot.proposer != 0)
        {
            return Some(sim.now().since(crash));
        }
    }
    None
}
// ANCHOR_END: failover
