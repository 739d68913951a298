//! Reference solutions to the book's labs and judged exercises: the teacher's side.
//!
//! Each file has the shape of its starting point (`listings/labs/src/start`), so a
//! teacher can copy it to `labs/NAME.rs` and watch `cargo xtask lab NAME` pass; the tests
//! require exactly that of every judge. The answer sketches and rubrics of the written
//! exercises are in `answers/`. `cargo xtask handout` leaves this crate out of the student
//! edition.

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

/// Exercise 12.1: the new leader's recovery.
pub mod recovery {
    include!("recovery.rs");
}

/// Lab 4 (chapter 12): the replicated log's leader.
pub mod multipaxos {
    include!("multipaxos.rs");
}
