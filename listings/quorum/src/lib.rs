//! Quorum intersection, deterministic and probabilistic.
//!
//! A *quorum system* over `n` processes is a set of subsets (quorums) every two of which
//! intersect (Gifford 1979; Thomas 1979). The intersection is what lets a read see the
//! last write: some process is in both quorums. [`majority`] proves the classic
//! construction by counting, and checks it exhaustively for small `n`; [`probabilistic`]
//! computes, exactly and by seeded simulation, how often two *random* quorums of size `k`
//! meet (Malkhi, Reiter, Wool & Wright, "Probabilistic Quorum Systems", Information and
//! Computation 170(2), 2001).

pub mod intersection;
pub mod majority;
pub mod probabilistic;
pub mod programs;
