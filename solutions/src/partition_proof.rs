// A reference solution to exercise 10.1.

use cap::exercises::Planned;
use linearizability::models::RegisterOp;
use std::time::Duration;

/// The proof's two executions, joined: a write on the minority side finishes, then a read
/// on the majority side starts. An available register must answer the read without having
/// heard of the write.
pub fn proof() -> Vec<Planned> {
    vec![
        (Duration::ZERO, 0, RegisterOp::Write(1)),
        (Duration::from_millis(5), 1, RegisterOp::Read),
    ]
}
