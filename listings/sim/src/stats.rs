//! *Transport cost is zero* — is false: what the run cost, in messages and bytes.

/// Counters of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Messages sent.
    pub sent: u64,
    /// Messages sent, by sender.
    pub sent_by: Vec<u64>,
    /// Bytes sent (with `count_bytes` or limited bandwidth), as encoded for the wire.
    pub bytes: u64,
    /// Messages delivered (copies included).
    pub delivered: u64,
    /// Messages lost, for any cause.
    pub lost: u64,
    /// Extra copies the network made.
    pub duplicated: u64,
    /// Messages tampered with.
    pub tampered: u64,
    /// Crashes.
    pub crashes: u64,
}

impl Stats {
    pub(crate) fn new(processes: usize) -> Self {
        Stats {
            sent_by: vec![0; processes],
            ..Stats::default()
        }
    }
}

/// The `q`-quantile of sorted values (nearest rank), NaN if there are none: how the
/// experiments summarize what many seeded runs measured.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
