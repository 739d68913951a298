//! What a real node has in place of the simulator's seeded world: timers on the
//! monotonic clock, and a generator nobody will replay.

use process::Choices;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::time::{Duration, Instant};

/// A node's timers and its source of random choices.
pub(crate) struct Clock<T> {
    timers: Vec<(Instant, T)>,
    rng: Xoshiro256PlusPlus,
}

impl<T: PartialEq> Clock<T> {
    /// No timers set; choices drawn from a generator seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Clock {
            timers: Vec::new(),
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    /// Sets `timer` to expire after a duration drawn from `min..=max`, restarting it if it
    /// is set.
    pub(crate) fn set(&mut self, timer: T, min: Duration, max: Duration) {
        let delay = if min >= max {
            min
        } else {
            Duration::from_nanos(
                self.rng
                    .random_range(min.as_nanos() as u64..=max.as_nanos() as u64),
            )
        };
        self.cancel(&timer);
        self.timers.push((Instant::now() + delay, timer));
    }

    /// Cancels `timer` if it is set.
    pub(crate) fn cancel(&mut self, timer: &T) {
        self.timers.retain(|(_, t)| t != timer);
    }

    /// How long until the next timer expires, if one is set.
    pub(crate) fn until_next(&self) -> Option<Duration> {
        let now = Instant::now();
        let due = self.timers.iter().map(|(at, _)| *at).min()?;
        Some(due.saturating_duration_since(now))
    }

    /// Removes and returns a timer that has expired, if any.
    pub(crate) fn expired(&mut self) -> Option<T> {
        let now = Instant::now();
        let i = self.timers.iter().position(|(at, _)| *at <= now)?;
        Some(self.timers.swap_remove(i).1)
    }
}

impl<T> Choices for Clock<T> {
    fn choose(&mut self, options: usize) -> usize {
        self.rng.random_range(0..options)
    }
}
