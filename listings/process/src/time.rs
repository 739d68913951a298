//! Time as a process sees it: nanoseconds on its own clock.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

/// A reading of a clock, in nanoseconds since the clock's origin.
///
/// In the simulator, each process's clock may be offset from true time and drift from it;
/// in the real network it is the machine's monotonic clock; in the model checker time is
/// abstract and every reading is zero.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
pub struct Time(u64);

impl Time {
    /// The origin.
    pub const ZERO: Time = Time(0);

    /// The last reading a clock can give, some 584 years after the origin: "never".
    pub const MAX: Time = Time(u64::MAX);

    /// `n` nanoseconds after the origin.
    pub const fn from_nanos(n: u64) -> Time {
        Time(n)
    }

    /// `n` microseconds after the origin.
    ///
    /// # Panics
    /// If that is past [`Time::MAX`].
    pub const fn from_micros(n: u64) -> Time {
        Time::scaled(n, 1_000)
    }

    /// `n` milliseconds after the origin.
    ///
    /// # Panics
    /// If that is past [`Time::MAX`].
    pub const fn from_millis(n: u64) -> Time {
        Time::scaled(n, 1_000_000)
    }

    /// `n` seconds after the origin.
    ///
    /// # Panics
    /// If that is past [`Time::MAX`].
    pub const fn from_secs(n: u64) -> Time {
        Time::scaled(n, 1_000_000_000)
    }

    const fn scaled(n: u64, unit: u64) -> Time {
        match n.checked_mul(unit) {
            Some(nanos) => Time(nanos),
            None => panic!("a time past Time::MAX"),
        }
    }

    /// The time `d` after the origin ([`Time::MAX`] if that is later).
    pub fn from_duration(d: Duration) -> Time {
        Time(d.as_nanos().min(u64::MAX as u128) as u64)
    }

    /// Nanoseconds since the origin.
    pub fn nanos(self) -> u64 {
        self.0
    }

    /// Milliseconds since the origin, as a float (for printing and plotting).
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// The time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: Time) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Time {
    type Output = Time;
    /// `d` later, or [`Time::MAX`] if that is later still: a time never wraps around.
    fn add(self, d: Duration) -> Time {
        Time(
            self.0
                .saturating_add(d.as_nanos().min(u64::MAX as u128) as u64),
        )
    }
}

impl Sub<Time> for Time {
    type Output = Duration;
    fn sub(self, earlier: Time) -> Duration {
        self.since(earlier)
    }
}

impl fmt::Display for Time {
    /// Milliseconds with three decimals: `12.345ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{:03}ms",
            self.0 / 1_000_000,
            (self.0 / 1_000) % 1_000
        )
    }
}

/// A duration as the book prints it, its unit included: whole seconds from a second up
/// (`10 s`), anything else in milliseconds with as many decimals as it needs (`5 ms`,
/// `0.25 ms`). A program prints the same constant it runs with, so text and behaviour
/// cannot disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span(pub Duration);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0.as_nanos();
        if nanos >= 1_000_000_000 && nanos.is_multiple_of(1_000_000_000) {
            write!(f, "{} s", nanos / 1_000_000_000)
        } else {
            write!(f, "{} ms", Millis(self.0))
        }
    }
}

/// A duration's number of milliseconds, with as many decimals as it needs and no unit
/// (`5`, `0.25`): for ranges such as `0.5–1.5 ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Millis(pub Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0.as_nanos();
        let (whole, part) = (nanos / 1_000_000, nanos % 1_000_000);
        if part == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{part:06}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_print_whole_seconds_or_milliseconds_with_the_decimals_they_need() {
        let shown = |d| Span(d).to_string();
        assert_eq!(shown(Duration::from_secs(10)), "10 s");
        assert_eq!(shown(Duration::from_millis(1500)), "1500 ms");
        assert_eq!(shown(Duration::from_millis(5)), "5 ms");
        assert_eq!(shown(Duration::from_micros(250)), "0.25 ms");
        assert_eq!(shown(Duration::from_nanos(1)), "0.000001 ms");
        assert_eq!(shown(Duration::ZERO), "0 ms");
    }

    #[test]
    fn constructors_agree_and_refuse_to_overflow() {
        assert_eq!(Time::from_secs(2), Time::from_millis(2_000));
        assert_eq!(Time::from_millis(3), Time::from_micros(3_000));
        assert_eq!(Time::from_micros(4), Time::from_nanos(4_000));
        assert_eq!(Time::MAX + Duration::from_secs(1), Time::MAX);
        assert!(std::panic::catch_unwind(|| Time::from_secs(u64::MAX)).is_err());
    }
}
