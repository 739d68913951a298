//! Latency is not zero (Deutsch's second fallacy): how long a message spends on the wire.

use process::{Millis, Span};
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Exp, LogNormal, Pareto};
use std::fmt;
use std::time::Duration;

/// A distribution of one-way message delays.
#[derive(Clone, Debug, PartialEq)]
pub enum Latency {
    /// Always the same delay.
    Constant(Duration),
    /// Uniform between `min` and `max`.
    Uniform {
        /// The shortest delay.
        min: Duration,
        /// The longest delay.
        max: Duration,
    },
    /// `min` plus an exponentially distributed delay with mean `mean`: memoryless
    /// queueing.
    Exponential {
        /// The smallest possible delay (propagation).
        min: Duration,
        /// The mean of the exponential part.
        mean: Duration,
    },
    /// Log-normal with the given median and shape `sigma` (the standard deviation of the
    /// logarithm): the heavy right tail seen in data-centre round trips.
    LogNormal {
        /// The median delay.
        median: Duration,
        /// The shape: 0 is constant, 1 is a heavy tail.
        sigma: f64,
    },
    /// Pareto with scale `scale` (the smallest delay) and shape `alpha`: a power-law
    /// tail, with infinite variance when `alpha <= 2`.
    Pareto {
        /// The smallest delay.
        scale: Duration,
        /// The tail index.
        alpha: f64,
    },
    /// Delays drawn uniformly from measured samples.
    Empirical(Vec<Duration>),
    /// A weighted mixture: component `i` is drawn with probability proportional to its
    /// weight.
    Mixture(Vec<(f64, Latency)>),
}

impl Latency {
    /// A constant delay of `ms` milliseconds.
    pub fn millis(ms: u64) -> Latency {
        Latency::Constant(Duration::from_millis(ms))
    }

    /// Whether the distribution's parameters make sense: an ordered uniform range, a
    /// finite non-negative log-normal shape, a positive Pareto scale and shape, samples
    /// to draw from, mixture weights that are finite, non-negative and not all zero.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Latency::Constant(_) | Latency::Exponential { .. } => Ok(()),
            Latency::Uniform { min, max } if min > max => Err(format!(
                "uniform latency from {min:?} to {max:?}: min > max"
            )),
            Latency::Uniform { .. } => Ok(()),
            Latency::LogNormal { sigma, .. } if !(sigma.is_finite() && *sigma >= 0.0) => {
                Err(format!("log-normal latency with sigma {sigma}"))
            }
            Latency::LogNormal { .. } => Ok(()),
            Latency::Pareto { scale, alpha }
                if scale.is_zero() || !(alpha.is_finite() && *alpha > 0.0) =>
            {
                Err(format!("Pareto latency from {scale:?} with alpha {alpha}"))
            }
            Latency::Pareto { .. } => Ok(()),
            Latency::Empirical(samples) if samples.is_empty() => {
                Err("empirical latency with no samples".into())
            }
            Latency::Empirical(_) => Ok(()),
            Latency::Mixture(parts) => {
                let weights_ok = parts.iter().all(|(w, _)| w.is_finite() && *w >= 0.0)
                    && parts.iter().any(|(w, _)| *w > 0.0);
                if !weights_ok {
                    return Err("a latency mixture needs finite, non-negative weights, \
                                not all zero"
                        .into());
                }
                parts.iter().try_for_each(|(_, part)| part.validate())
            }
        }
    }

    /// Draws one delay.
    pub fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> Duration {
        match self {
            Latency::Constant(d) => *d,
            Latency::Uniform { min, max } => {
                let (lo, hi) = (min.as_nanos() as u64, max.as_nanos() as u64);
                Duration::from_nanos(if lo >= hi {
                    lo
                } else {
                    rng.random_range(lo..=hi)
                })
            }
            Latency::Exponential { min, mean } => {
                let exp = Exp::new(1.0).expect("rate 1 is valid");
                *min + secs(exp.sample(rng) * mean.as_secs_f64())
            }
            Latency::LogNormal { median, sigma } => {
                let mu = median.as_secs_f64().max(f64::MIN_POSITIVE).ln();
                let dist =
                    LogNormal::new(mu, sigma.max(0.0)).expect("sigma is not negative");
                secs(dist.sample(rng))
            }
            Latency::Pareto { scale, alpha } => {
                let dist =
                    Pareto::new(scale.as_secs_f64().max(f64::MIN_POSITIVE), *alpha)
                        .expect("a Pareto distribution needs a positive scale and shape");
                secs(dist.sample(rng))
            }
            Latency::Empirical(samples) => {
                if samples.is_empty() {
                    Duration::ZERO
                } else {
                    samples[rng.random_range(0..samples.len())]
                }
            }
            Latency::Mixture(parts) => {
                let total: f64 = parts.iter().map(|(w, _)| w.max(0.0)).sum();
                let mut x = rng.random::<f64>() * total;
                for (weight, part) in parts {
                    if x < weight.max(0.0) {
                        return part.sample(rng);
                    }
                    x -= weight.max(0.0);
                }
                parts.last().map_or(Duration::ZERO, |(_, p)| p.sample(rng))
            }
        }
    }
}

/// The distribution as the book's tables name it: `constant 1 ms`, `uniform 0.5–1.5 ms`,
/// `log-normal, median 1 ms, sigma 0.5`. Programs print this rather than a description
/// of their own, so the text is always the network they ran.
impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Latency::Constant(d) => write!(f, "constant {}", Span(*d)),
            Latency::Uniform { min, max } => {
                write!(f, "uniform {}–{} ms", Millis(*min), Millis(*max))
            }
            Latency::Exponential { min, mean } => {
                write!(f, "{} + exponential, mean {}", Span(*min), Span(*mean))
            }
            Latency::LogNormal { median, sigma } => {
                write!(f, "log-normal, median {}, sigma {sigma}", Span(*median))
            }
            Latency::Pareto { scale, alpha } => {
                write!(f, "Pareto, from {}, alpha {alpha}", Span(*scale))
            }
            Latency::Empirical(samples) => {
                write!(f, "measured, {} samples", samples.len())
            }
            Latency::Mixture(parts) => {
                f.write_str("mixture of")?;
                for (i, (weight, part)) in parts.iter().enumerate() {
                    let sep = if i == 0 { " " } else { "; " };
                    write!(f, "{sep}{weight} × ({part})")?;
                }
                Ok(())
            }
        }
    }
}

/// A duration from seconds, saturating at about 584 years and at zero.
fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s.max(0.0)).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn each_distribution_is_named_by_its_parameters() {
        let us = Duration::from_micros;
        let named = [
            (Latency::millis(1), "constant 1 ms"),
            (
                Latency::Uniform {
                    min: us(500),
                    max: us(1500),
                },
                "uniform 0.5–1.5 ms",
            ),
            (
                Latency::Exponential {
                    min: us(500),
                    mean: us(500),
                },
                "0.5 ms + exponential, mean 0.5 ms",
            ),
            (
                Latency::LogNormal {
                    median: us(1000),
                    sigma: 0.5,
                },
                "log-normal, median 1 ms, sigma 0.5",
            ),
            (
                Latency::Pareto {
                    scale: us(500),
                    alpha: 2.0,
                },
                "Pareto, from 0.5 ms, alpha 2",
            ),
            (
                Latency::Mixture(vec![
                    (0.9, Latency::millis(1)),
                    (0.1, Latency::millis(9)),
                ]),
                "mixture of 0.9 × (constant 1 ms); 0.1 × (constant 9 ms)",
            ),
        ];
        for (latency, name) in named {
            assert_eq!(latency.to_string(), name);
        }
    }

    fn mean_ms(latency: &Latency, n: usize) -> f64 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        (0..n)
            .map(|_| latency.sample(&mut rng).as_secs_f64() * 1e3)
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn means_are_as_configured() {
        let ms = Duration::from_millis;
        let cases = [
            (Latency::millis(5), 5.0),
            (
                Latency::Uniform {
                    min: ms(2),
                    max: ms(6),
                },
                4.0,
            ),
            (
                Latency::Exponential {
                    min: ms(1),
                    mean: ms(3),
                },
                4.0,
            ),
            // The mean of a log-normal is median * exp(sigma^2 / 2).
            (
                Latency::LogNormal {
                    median: ms(10),
                    sigma: 0.5,
                },
                10.0 * (0.125f64).exp(),
            ),
            // The mean of a Pareto is scale * alpha / (alpha - 1).
            (
                Latency::Pareto {
                    scale: ms(2),
                    alpha: 3.0,
                },
                3.0,
            ),
            (Latency::Empirical(vec![ms(1), ms(3)]), 2.0),
            (
                Latency::Mixture(vec![
                    (3.0, Latency::millis(1)),
                    (1.0, Latency::millis(5)),
                ]),
                2.0,
            ),
        ];
        for (latency, expected) in cases {
            let mean = mean_ms(&latency, 200_000);
            assert!(
                (mean - expected).abs() < 0.02 * expected,
                "{latency:?}: {mean} vs {expected}"
            );
        }
    }
}
