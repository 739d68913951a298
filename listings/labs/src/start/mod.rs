//! The starting points, frozen: what `labs/NAME.rs` holds before a student's first edit.
//! Each file is included as it is copied, so it uses only line comments at its top.

/// Lab 1 (chapter 2): reliable primary-backup.
pub mod primary_backup {
    include!("primary_backup.rs");
}

/// Lab 2 (chapter 9): the ABD register.
pub mod abd {
    include!("abd.rs");
}

/// Lab 3 (chapter 11): single-decree Paxos.
pub mod paxos {
    include!("paxos.rs");
}
