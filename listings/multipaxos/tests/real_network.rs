//! World 3: the replicas as nodes on loopback UDP, with leases and snapshots, the leader
//! killed and restarted from its disk while three clients run; the history judged.

use multipaxos::cluster::run;
use std::time::Duration;

#[test]
fn the_store_over_udp_is_linearizable_through_the_leaders_kill_and_restart() {
    let dir = std::env::temp_dir().join(format!("multipaxos-udp-{}", std::process::id()));
    let (kill, restart) = (Duration::from_millis(100), Duration::from_millis(500));
    let ran = run(&dir, 3, 60, kill, restart, 7).expect("the cluster runs");
    let _ = std::fs::remove_dir_all(&dir);
    let ops = &ran.history.operations;
    assert_eq!(ops.len(), 180);
    let answered = ops.iter().filter(|o| !o.is_open()).count();
    assert!(answered >= 170, "only {answered} of 180 answered");
    assert!(ran.linearizable, "not linearizable: {:?}", ran.history);
    // The run spans the kill: operations invoked after it were answered, by the others.
    let after = |t: Duration| {
        ops.iter()
            .filter(|o| o.invoked.since(process::Time::ZERO) > t && !o.is_open())
            .count()
    };
    assert!(after(kill) > 0, "nothing answered after the kill");
    // p0, restarted from its disk, took snapshots (it holds one at the end).
    assert!(
        ran.snapshots[0].is_some_and(|slot| slot > 0),
        "{:?}",
        ran.snapshots
    );
}
