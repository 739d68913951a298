// A reference solution to exercise 7.2.

use flp::protocols::Bit;

/// A coin common to all processes: a function of the round and the shared number only, so
/// that every process that tosses in a round gets the same value. Half the time it equals
/// the value any proposal carried, and then everyone agrees at once.
pub fn coin(round: u32, shared: u64, _local: bool) -> Bit {
    let mixed = (shared ^ u64::from(round)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    Bit::from(mixed >> 63 == 1)
}
