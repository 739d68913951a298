//! The starting points, frozen: what `labs/NAME.rs` holds before a student's first edit.
//! Each file is included as it is copied (so it uses only line comments at its top, and
//! names this crate `labs`), and each is judged by the tests, which require it to fail.

/// Lab 1 (chapter 2): reliable primary-backup.
pub mod primary_backup {
    include!("primary_backup.rs");
}

/// Exercise 2.1: numbered entries.
pub mod numbered_entries {
    include!("numbered_entries.rs");
}

/// Exercise 3.2: siblings.
pub mod siblings {
    include!("siblings.rs");
}

/// Exercise 4.1: a queue.
pub mod queue {
    include!("queue.rs");
}

/// Exercise 5.1: the invariant that names the bug.
pub mod votes_counted {
    include!("votes_counted.rs");
}

/// Exercise 7.1: a safe rule.
pub mod safe_rule {
    include!("safe_rule.rs");
}

/// Exercise 7.2: a common coin.
pub mod common_coin {
    include!("common_coin.rs");
}

/// Lab 2 (chapter 9): the ABD register.
pub mod abd {
    include!("abd.rs");
}

/// Exercise 9.1: quorums of other sizes.
pub mod quorum_sizes {
    include!("quorum_sizes.rs");
}

/// Exercise 10.1: the proof's execution.
pub mod partition_proof {
    include!("partition_proof.rs");
}

/// Lab 3 (chapter 11): single-decree Paxos.
pub mod paxos {
    include!("paxos.rs");
}

/// Exercise 11.1: quorums of other sizes.
pub mod paxos_quorums {
    include!("paxos_quorums.rs");
}
