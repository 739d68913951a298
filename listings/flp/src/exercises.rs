//! The judges of the judged exercises of the chapter "FLP": exercise 7.1 (a safe rule)
//! and 7.2 (a common coin): `cargo xtask lab safe-rule`, `cargo xtask lab common-coin`.
//! Their starting points are frozen in the `labs` crate, which runs each judge on the
//! student's copy.

use crate::adversary::{Bounds, Outcome, run};
use crate::protocols::{Bit, Coin, Protocol};

/// What the proof finds against `rule` for n = 3: `Ok` with the outcome's name if the
/// rule is partially correct, `Err` with why not.
pub fn judge(rule: fn(&[Bit], usize) -> Option<Bit>) -> Result<&'static str, String> {
    // The rule must decide on some n − 1 votes: waiting for all n is another protocol.
    let n = 3;
    let some_decide = (0..1u8 << (n - 1))
        .map(|bits| (0..n - 1).map(|i| (bits >> i) & 1).collect::<Vec<Bit>>())
        .any(|votes| rule(&votes, n).is_some());
    if !some_decide {
        return Err("it decides on no n − 1 votes: that is waiting for all n".to_owned());
    }
    let bounds = Bounds {
        rounds: 1,
        valence: 20_000,
        schedules: 200,
    };
    match run(Protocol::Exercise(rule), 3, 6, bounds) {
        Outcome::Unsafe { invariant, run } => Err(format!(
            "{invariant} is broken in {} steps: {}",
            run.len() - 1,
            if invariant == "agreement" {
                "two processes decide differently"
            } else {
                "a process decides a value that was no process's input"
            }
        )),
        Outcome::Trivial { never } => Err(format!("no run decides {never}")),
        Outcome::Blocked { .. } => Ok("blocked"),
        Outcome::Undecided { .. } => Ok("undecided"),
        Outcome::Stuck { .. } => {
            Err("the searches' bounds were too small to tell".to_owned())
        }
    }
}

/// The most rounds on average that exercise 7.2 accepts for n = 9, f = 4.
pub const MEAN_ROUNDS: f64 = 4.0;

/// Runs Ben-Or with `coin` for n = 9, f = 4 on 200 seeds: `Ok` with the mean rounds if
/// every run is safe, decides, and the mean is at most [`MEAN_ROUNDS`]; `Err` with why
/// not.
pub fn judge_coin(coin: fn(u32, u64, bool) -> Bit) -> Result<f64, String> {
    let (n, f, seeds) = (9, 4, 200u64);
    let shared = |seed: u64| seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5eed;
    // A coin that is the same in every run is no coin: the protocol is then deterministic,
    // and the lasso of this chapter's `rounds` is the adversary's answer to it. Nor is
    // one that is nearly always the same: the scheduler here is random and never exploits
    // it, but an adversary would. Each round's coin must be roughly fair across runs.
    for round in 1..=10 {
        let ones = (0..seeds)
            .filter(|&seed| coin(round, shared(seed), seed % 2 == 0) == 1)
            .count() as u64;
        if !(35 * seeds..=65 * seeds).contains(&(100 * ones)) {
            return Err(format!(
                "round {round}'s coin is 1 in {ones} of {seeds} runs: not a fair coin, \
                 and an adversary that can predict it keeps the protocol from deciding"
            ));
        }
    }
    let mut total = 0;
    for seed in 0..seeds {
        // A number every process knows: drawn from the seed, the same for all.
        let coin = Coin::Rule(coin, shared(seed));
        let run = crate::escapes::ben_or(n, f, seed, |p| p.coin = coin);
        if !(run.agreement && run.validity) {
            return Err(format!("seed {seed}: agreement or validity broken"));
        }
        let Some(rounds) = run.rounds else {
            return Err(format!("seed {seed}: some correct process never decided"));
        };
        total += rounds;
    }
    let mean = f64::from(total) / seeds as f64;
    if mean > MEAN_ROUNDS {
        return Err(format!(
            "{mean:.2} rounds on average; at most {MEAN_ROUNDS} expected"
        ));
    }
    Ok(mean)
}
