//! The non-deciding run as a lasso, found by the model checker.
//!
//! Rounds grow without bound, so no configuration of `Rounds` repeats. Lowering every
//! round so that the lowest is 1 is an exact symmetry (rounds are only compared and
//! incremented), and over lowered configurations a run that never decides can be a cycle.
//! Over every interleaving, the lowered configurations of three processes are too many to
//! explore (more than two million). So one step of the system searched here is a whole
//! round: each process receives n − f − 1 of the others' reports (with its own, n − f),
//! proposes, and then receives the remaining reports; then each receives n − f − 1 of the
//! others' proposals, ends the round and starts the next, and receives the remaining
//! proposals. The adversary chooses only whose messages come first. These schedules are
//! a subset of the real system's, so a lasso found is a real run; and every message sent
//! in a round is received in it, so every lasso is admissible.

use crate::adversary::lowered;
use crate::protocols::{Bit, Message, Protocol, Voter};
use crate::valence::{Run, decided, initial, system};
use itertools::Itertools;
use modelcheck::System;
use modelcheck::lasso::{self, Incomplete};
use modelcheck::processes::{Envelope, Global, Processes, Step};
use process::ProcessId;

/// One round's schedule: for each process, whose reports and whose proposals it receives
/// first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// `reports[p]`: the other processes whose reports `p` receives first.
    pub reports: Vec<Vec<ProcessId>>,
    /// `proposals[p]`: the other processes whose proposals `p` receives first.
    pub proposals: Vec<Vec<ProcessId>>,
}

/// `Rounds` taken a round at a time, configurations lowered.
pub struct ByRounds {
    /// The real system.
    pub system: Processes<Voter>,
    /// Every schedule of one round.
    pub schedules: Vec<Schedule>,
}

impl ByRounds {
    /// `Rounds` on `inputs`, n − f = n − ⌊(n − 1)/2⌋ messages awaited in each phase.
    pub fn new(inputs: &[Bit]) -> ByRounds {
        let n = inputs.len();
        let f = (n - 1) / 2;
        // Each process's choices of whom to hear first, then one choice per process.
        let firsts =
            |p: ProcessId| (0..n).filter(move |&q| q != p).combinations(n - f - 1);
        let per_phase: Vec<Vec<Vec<ProcessId>>> =
            (0..n).map(firsts).multi_cartesian_product().collect();
        let schedules = per_phase
            .iter()
            .cartesian_product(&per_phase)
            .map(|(reports, proposals)| Schedule {
                reports: reports.clone(),
                proposals: proposals.clone(),
            })
            .collect();
        ByRounds {
            system: system(Protocol::Rounds, inputs, u32::MAX, 0),
            schedules,
        }
    }

    // ANCHOR: play
    /// The steps of one round under `schedule` from `state`, where every process has
    /// just started the same round; `None` if a process decides (it then halts).
    pub fn play(&self, state: &Global<Voter>, schedule: &Schedule) -> Option<Run> {
        let n = state.len();
        let mut run: Run = vec![(None, state.clone())];
        let is_report = |m: &Message| matches!(m, Message::Report { .. });
        let is_proposal = |m: &Message| matches!(m, Message::Propose { .. });
        for (firsts, kind) in [
            (&schedule.reports, &is_report as &dyn Fn(&Message) -> bool),
            (&schedule.proposals, &is_proposal),
        ] {
            for (to, first) in firsts.iter().enumerate() {
                let late = (0..n).filter(|q| *q != to && !first.contains(q));
                for from in first.iter().copied().chain(late) {
                    let now = &run.last().expect("a configuration").1;
                    let envelope = now
                        .network()
                        .find(|e| e.from == from && e.to == to && kind(&e.message))
                        .cloned()?;
                    let next = self.deliver(now, &envelope);
                    run.push((Some(next.0), next.1));
                }
            }
        }
        let end = &run.last().expect("a configuration").1;
        (!(decided(end, 0) || decided(end, 1))).then_some(run)
    }
    // ANCHOR_END: play

    /// The step delivering `envelope`, and where it leads (`Rounds` makes no choices,
    /// so there is one).
    fn deliver(
        &self,
        state: &Global<Voter>,
        envelope: &Envelope<Voter>,
    ) -> (Step<Voter>, Global<Voter>) {
        self.system
            .deliver(state, envelope)
            .pop()
            .expect("a message in flight can be delivered")
    }
}

impl System for ByRounds {
    type State = Global<Voter>;
    type Action = Schedule;

    fn initial(&self) -> Vec<Global<Voter>> {
        self.system.initial().iter().map(|s| lowered(s).0).collect()
    }

    fn successors(
        &self,
        state: &Global<Voter>,
        out: &mut Vec<(Schedule, Global<Voter>)>,
    ) {
        for schedule in &self.schedules {
            if let Some(run) = self.play(state, schedule) {
                let end = &run.last().expect("a configuration").1;
                out.push((schedule.clone(), lowered(end).0));
            }
        }
    }
}

/// A lasso of `Rounds` on `inputs`, replayed on the real configurations.
pub struct Found {
    /// The real run: the prefix, then the loop `laps` times.
    pub run: Run,
    /// The step at which the loop starts.
    pub loop_from: usize,
    /// The rounds before the loop, and the rounds in one lap.
    pub rounds: (usize, usize),
    /// Steps in one lap.
    pub lap: usize,
    /// How much one lap raises every round.
    pub raise: u32,
    /// The configuration after one lap is the one before it with every round raised by
    /// `raise` (processes and messages in flight alike).
    pub repeats: bool,
    /// Every message in flight when the loop starts is received within one lap.
    pub admissible: bool,
    /// Lowered configurations explored.
    pub states: usize,
}

/// One round of a found run, as the chapter tabulates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// The round's number (every process is in it at its start).
    pub number: u32,
    /// Each process's estimate at the round's start.
    pub x: Vec<Bit>,
    /// Whose reports each process received first: the n − f − 1 it waited for.
    pub reports_first: Vec<Vec<ProcessId>>,
    /// Each process's proposal in the round (`Some(None)`: it proposed no value), if it
    /// sent one.
    pub proposals: Vec<Option<Option<Bit>>>,
    /// Whose proposals each process received first.
    pub proposals_first: Vec<Vec<ProcessId>>,
}

impl Found {
    /// The run round by round: every round of the prefix, then of `laps` laps (as many as
    /// [`find`] replayed).
    pub fn by_round(&self, laps: usize) -> Vec<Round> {
        let n = self.run[0].1.len();
        let f = (n - 1) / 2;
        // Every process receives every other's report and proposal once a round.
        let steps_per_round = 2 * n * (n - 1);
        let rounds = self.rounds.0 + self.rounds.1 * laps;
        (0..rounds)
            .map(|r| {
                let start = &self.run[r * steps_per_round].1;
                let steps =
                    &self.run[r * steps_per_round + 1..=(r + 1) * steps_per_round];
                let mut firsts = [vec![Vec::new(); n], vec![Vec::new(); n]];
                let mut proposals = vec![None; n];
                for (step, _) in steps {
                    let Some(Step::Deliver(e, _)) = step else {
                        continue;
                    };
                    let phase = usize::from(matches!(e.message, Message::Propose { .. }));
                    if firsts[phase][e.to].len() < n - f - 1 {
                        firsts[phase][e.to].push(e.from);
                    }
                    if let Message::Propose { v, .. } = e.message {
                        proposals[e.from] = Some(v);
                    }
                }
                let [reports_first, proposals_first] = firsts;
                Round {
                    number: start.process(0).round,
                    x: start.all_processes().map(|p| p.x).collect(),
                    reports_first,
                    proposals,
                    proposals_first,
                }
            })
            .collect()
    }
}

/// Searches for a lasso of `Rounds` on `inputs` on which no process decides, exploring at
/// most `bound` lowered configurations.
pub fn find(
    inputs: &[Bit],
    laps: usize,
    bound: usize,
) -> Result<Option<Found>, Incomplete> {
    let by_rounds = ByRounds::new(inputs);
    let states = modelcheck::Checker::new(&by_rounds)
        .max_states(bound)
        .run()
        .distinct;
    let progress = |s: &Global<Voter>| decided(s, 0) || decided(s, 1);
    let Some(found) = lasso::find(&by_rounds, progress, bound)? else {
        return Ok(None);
    };
    let schedules: Vec<&Schedule> = found
        .prefix
        .iter()
        .filter_map(|(s, _)| s.as_ref())
        .chain((0..laps).flat_map(|_| found.cycle.iter().map(|(s, _)| s)))
        .collect();
    let mut run: Run = vec![(None, initial(&by_rounds.system))];
    let mut boundaries = vec![0];
    for schedule in schedules {
        let from = &run.last().expect("a configuration").1;
        let round = by_rounds
            .play(from, schedule)
            .expect("the lowered lasso is a run of the real system");
        run.extend(round.into_iter().skip(1));
        boundaries.push(run.len() - 1);
    }
    let before = found.prefix.len() - 1;
    let (loop_from, loop_to) =
        (boundaries[before], boundaries[before + found.cycle.len()]);
    let (start, end) = (&run[loop_from].1, &run[loop_to].1);
    let (start_lowered, start_by) = lowered(start);
    let (end_lowered, end_by) = lowered(end);
    let admissible = start.network().all(|e| end.network().all(|f| f != e));
    Ok(Some(Found {
        loop_from,
        rounds: (before, found.cycle.len()),
        lap: loop_to - loop_from,
        raise: end_by - start_by,
        repeats: start_lowered == end_lowered,
        admissible,
        states,
        run,
    }))
}
