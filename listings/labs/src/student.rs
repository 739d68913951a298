//! The student's files, `labs/NAME.rs` at the root of the repository: each compiled only
//! when its feature `student-NAME` is on, which `cargo xtask lab NAME` does and nothing
//! else does, so that unfinished work never breaks the build or the tests.

/// The student's `labs/primary_backup.rs`.
#[cfg(feature = "student-primary-backup")]
#[allow(missing_docs)]
pub mod primary_backup {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/primary_backup.rs"
    ));
}

/// The student's `labs/numbered_entries.rs`.
#[cfg(feature = "student-numbered-entries")]
#[allow(missing_docs)]
pub mod numbered_entries {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/numbered_entries.rs"
    ));
}

/// The student's `labs/siblings.rs`.
#[cfg(feature = "student-siblings")]
#[allow(missing_docs)]
pub mod siblings {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/siblings.rs"
    ));
}

/// The student's `labs/queue.rs`.
#[cfg(feature = "student-queue")]
#[allow(missing_docs)]
pub mod queue {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../labs/queue.rs"));
}

/// The student's `labs/votes_counted.rs`.
#[cfg(feature = "student-votes-counted")]
#[allow(missing_docs)]
pub mod votes_counted {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/votes_counted.rs"
    ));
}

/// The student's `labs/safe_rule.rs`.
#[cfg(feature = "student-safe-rule")]
#[allow(missing_docs)]
pub mod safe_rule {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/safe_rule.rs"
    ));
}

/// The student's `labs/common_coin.rs`.
#[cfg(feature = "student-common-coin")]
#[allow(missing_docs)]
pub mod common_coin {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/common_coin.rs"
    ));
}

/// The student's `labs/abd.rs`.
#[cfg(feature = "student-abd")]
#[allow(missing_docs)]
pub mod abd {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../labs/abd.rs"));
}

/// The student's `labs/quorum_sizes.rs`.
#[cfg(feature = "student-quorum-sizes")]
#[allow(missing_docs)]
pub mod quorum_sizes {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/quorum_sizes.rs"
    ));
}

/// The student's `labs/partition_proof.rs`.
#[cfg(feature = "student-partition-proof")]
#[allow(missing_docs)]
pub mod partition_proof {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/partition_proof.rs"
    ));
}

/// The student's `labs/paxos.rs`.
#[cfg(feature = "student-paxos")]
#[allow(missing_docs)]
pub mod paxos {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../labs/paxos.rs"));
}

/// The student's `labs/paxos_quorums.rs`.
#[cfg(feature = "student-paxos-quorums")]
#[allow(missing_docs)]
pub mod paxos_quorums {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../labs/paxos_quorums.rs"
    ));
}
