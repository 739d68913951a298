//! Every lab and judged exercise of the book, in reading order: what `cargo xtask lab`
//! lists, what the course guide's index is generated from, and what the runner judges.

use std::fmt;

/// A protocol to build, or a smaller piece of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole `process::Process`, judged in the three worlds.
    Lab,
    /// A function, a prediction or a specification, judged by the chapter's tools.
    Exercise,
}

/// How hard a student will find it, against the chapter it follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Difficulty {
    /// The chapter's text leads straight to it.
    Easy,
    /// It needs the chapter's argument, applied.
    Medium,
    /// It needs the chapter's argument and a design of one's own.
    Hard,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Kind::Lab => "lab",
            Kind::Exercise => "exercise",
        })
    }
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        })
    }
}

/// One lab or judged exercise.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The name `cargo xtask lab NAME` takes.
    pub name: &'static str,
    /// The chapter it belongs to, by number.
    pub chapter: u32,
    /// Its number in the chapter ("2.1"), or the lab's ("Lab 1").
    pub number: &'static str,
    /// What it is called in the chapter.
    pub title: &'static str,
    /// Lab or exercise.
    pub kind: Kind,
    /// How hard.
    pub difficulty: Difficulty,
    /// About how long a student who has read the chapter needs, in minutes.
    pub minutes: u32,
    /// The result it puts to work.
    pub rests_on: &'static str,
    /// How many seeds each simulated check runs unless `--seeds` says otherwise.
    pub seeds: u64,
    /// The starting point: what the student's file holds before the first edit.
    pub start: &'static str,
}

impl Entry {
    /// The student's file, from the root of the repository: `labs/NAME.rs`, with the
    /// name's hyphens as underscores (it is a Rust module).
    pub fn file(&self) -> String {
        format!("labs/{}.rs", self.name.replace('-', "_"))
    }

    /// The feature of this crate that compiles the student's file.
    pub fn feature(&self) -> String {
        format!("student-{}", self.name)
    }
}

/// The entry called `name`.
pub fn find(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}

/// Every lab and judged exercise, in the order of the book.
pub const ENTRIES: &[Entry] = &[
    Entry {
        name: "primary-backup",
        chapter: 2,
        number: "Lab 1",
        title: "Reliable primary-backup",
        kind: Kind::Lab,
        difficulty: Difficulty::Medium,
        minutes: 180,
        rests_on: "the fallacies of distributed computing",
        seeds: 200,
        start: include_str!("start/primary_backup.rs"),
    },
    Entry {
        name: "numbered-entries",
        chapter: 2,
        number: "2.1",
        title: "Numbered entries",
        kind: Kind::Exercise,
        difficulty: Difficulty::Easy,
        minutes: 20,
        rests_on: "the fallacies of distributed computing",
        seeds: 1,
        start: include_str!("start/numbered_entries.rs"),
    },
    Entry {
        name: "siblings",
        chapter: 3,
        number: "3.2",
        title: "Siblings",
        kind: Kind::Exercise,
        difficulty: Difficulty::Easy,
        minutes: 20,
        rests_on: "the strong clock condition of vector clocks",
        seeds: 1,
        start: include_str!("start/siblings.rs"),
    },
    Entry {
        name: "queue",
        chapter: 4,
        number: "4.1",
        title: "A queue",
        kind: Kind::Exercise,
        difficulty: Difficulty::Easy,
        minutes: 30,
        rests_on: "linearizability (Herlihy and Wing)",
        seeds: 1,
        start: include_str!("start/queue.rs"),
    },
    Entry {
        name: "votes-counted",
        chapter: 5,
        number: "5.1",
        title: "The invariant that names the bug",
        kind: Kind::Exercise,
        difficulty: Difficulty::Medium,
        minutes: 30,
        rests_on: "invariants and reachable states",
        seeds: 1,
        start: include_str!("start/votes_counted.rs"),
    },
    Entry {
        name: "safe-rule",
        chapter: 7,
        number: "7.1",
        title: "A safe rule",
        kind: Kind::Exercise,
        difficulty: Difficulty::Medium,
        minutes: 45,
        rests_on: "FLP (Fischer, Lynch and Paterson), Lemma 2 and Lemma 3",
        seeds: 1,
        start: include_str!("start/safe_rule.rs"),
    },
    Entry {
        name: "common-coin",
        chapter: 7,
        number: "7.2",
        title: "A common coin",
        kind: Kind::Exercise,
        difficulty: Difficulty::Medium,
        minutes: 45,
        rests_on: "randomized consensus (Ben-Or; Rabin)",
        seeds: 1,
        start: include_str!("start/common_coin.rs"),
    },
    Entry {
        name: "abd",
        chapter: 9,
        number: "Lab 2",
        title: "The ABD register",
        kind: Kind::Lab,
        difficulty: Difficulty::Hard,
        minutes: 300,
        rests_on: "quorum intersection",
        seeds: 20,
        start: include_str!("start/abd.rs"),
    },
    Entry {
        name: "quorum-sizes",
        chapter: 9,
        number: "9.1",
        title: "Quorums of other sizes",
        kind: Kind::Exercise,
        difficulty: Difficulty::Easy,
        minutes: 20,
        rests_on: "quorum intersection",
        seeds: 1,
        start: include_str!("start/quorum_sizes.rs"),
    },
    Entry {
        name: "partition-proof",
        chapter: 10,
        number: "10.1",
        title: "The proof's execution",
        kind: Kind::Exercise,
        difficulty: Difficulty::Medium,
        minutes: 30,
        rests_on: "CAP (Gilbert and Lynch, Theorem 1)",
        seeds: 1,
        start: include_str!("start/partition_proof.rs"),
    },
    Entry {
        name: "paxos",
        chapter: 11,
        number: "Lab 3",
        title: "Single-decree Paxos",
        kind: Kind::Lab,
        difficulty: Difficulty::Hard,
        minutes: 360,
        rests_on: "P2c of Paxos Made Simple, and partial synchrony (Dwork, Lynch and Stockmeyer)",
        seeds: 20,
        start: include_str!("start/paxos.rs"),
    },
    Entry {
        name: "paxos-quorums",
        chapter: 11,
        number: "11.1",
        title: "Quorums of other sizes",
        kind: Kind::Exercise,
        difficulty: Difficulty::Easy,
        minutes: 20,
        rests_on: "quorum intersection, and Flexible Paxos",
        seeds: 1,
        start: include_str!("start/paxos_quorums.rs"),
    },
    Entry {
        name: "recovery",
        chapter: 12,
        number: "12.1",
        title: "The new leader's recovery",
        kind: Kind::Exercise,
        difficulty: Difficulty::Medium,
        minutes: 45,
        rests_on: "P2c slot by slot, and no-ops for gaps (Paxos Made Simple, section 3)",
        seeds: 1,
        start: include_str!("start/recovery.rs"),
    },
    Entry {
        name: "multipaxos",
        chapter: 12,
        number: "Lab 4",
        title: "The replicated log's leader",
        kind: Kind::Lab,
        difficulty: Difficulty::Hard,
        minutes: 300,
        rests_on: "P2c slot by slot, and no-ops for gaps (Paxos Made Simple, section 3)",
        seeds: 20,
        start: include_str!("start/multipaxos.rs"),
    },
];

/// Calls the macro `$then` with every lab and exercise, in the order of [`ENTRIES`], as
/// `"NAME" module "student-NAME",`: the name, the module of its file (the starting point's,
/// the student's, the solution's) and the feature that compiles the student's file. The one
/// list from which the modules of the files and the judges' dispatch are generated.
#[macro_export]
macro_rules! for_each_entry {
    ($then:ident) => {
        $then! {
            "primary-backup" primary_backup "student-primary-backup",
            "numbered-entries" numbered_entries "student-numbered-entries",
            "siblings" siblings "student-siblings",
            "queue" queue "student-queue",
            "votes-counted" votes_counted "student-votes-counted",
            "safe-rule" safe_rule "student-safe-rule",
            "common-coin" common_coin "student-common-coin",
            "abd" abd "student-abd",
            "quorum-sizes" quorum_sizes "student-quorum-sizes",
            "partition-proof" partition_proof "student-partition-proof",
            "paxos" paxos "student-paxos",
            "paxos-quorums" paxos_quorums "student-paxos-quorums",
            "recovery" recovery "student-recovery",
            "multipaxos" multipaxos "student-multipaxos",
        }
    };
}

/// Judges the module at `$module` (a path of identifiers: `labs::start::abd`) as the
/// lab or exercise `$name` (a literal), with `$options` (a `&judge::Options`; the
/// exercises take none, and ignore it): a [`Report`](crate::judge::Report). The one
/// place that knows which names a student's file must keep.
#[macro_export]
macro_rules! judge {
    ("primary-backup", $($m:ident)::+, $options:expr) => {
        $crate::primary_backup::judge(
            $($m)::+::Replica::new,
            $($m)::+::Replica::log,
            $options,
        )
    };
    ("abd", $($m:ident)::+, $options:expr) => {
        $crate::register::judge($($m)::+::Replica::new, $options)
    };
    ("paxos", $($m:ident)::+, $options:expr) => {
        $crate::consensus::judge($($m)::+::Node::new, $options)
    };
    ("multipaxos", $($m:ident)::+, $options:expr) => {
        $crate::log::judge($($m)::+::Replica::new, $options)
    };
    ("numbered-entries", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::numbered_entries(
                $($m)::+::Numbered::new,
                |p: &$($m)::+::Numbered| &p.log,
            )
    }};
    ("siblings", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::siblings($($m)::+::siblings)
    }};
    ("queue", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::queue(&$($m)::+::Queue)
    }};
    ("votes-counted", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::votes_counted($($m)::+::votes_counted)
    }};
    ("safe-rule", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::safe_rule($($m)::+::rule)
    }};
    ("common-coin", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::common_coin($($m)::+::coin)
    }};
    ("quorum-sizes", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::quorum_sizes($($m)::+::linearizable_with)
    }};
    ("partition-proof", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::partition_proof($($m)::+::proof)
    }};
    ("paxos-quorums", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::paxos_quorums($($m)::+::safe_with)
    }};
    ("recovery", $($m:ident)::+, $options:expr) => {{
        let _: &$crate::judge::Options = $options;
        $crate::exercises::recovery($($m)::+::recover)
    }};
}
