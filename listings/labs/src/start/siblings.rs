// Exercise 3.2 (chapter 3): siblings.
//
// A store that versions each write of a key with a vector clock must keep every write
// that no other write supersedes: Dynamo's *siblings*. Fill in `siblings`, keeping its
// name and signature. Judge it with `cargo xtask lab siblings`.

use clocks::VectorClock;

// ANCHOR: exercise
/// The writes that no other write happened after: those whose clock is below no other's.
/// Their order must be kept. (Exercise 3.2: this version keeps everything.)
pub fn siblings<'a>(writes: &'a [(VectorClock, &'a str)]) -> Vec<&'a str> {
    writes.iter().map(|(_, value)| *value).collect()
}
// ANCHOR_END: exercise
