//! What a run did to the data: the acknowledged writes each replica lost, duplicated,
//! reordered or altered, and the reads that missed an acknowledged write.

use crate::{Request, Response};
use process::{History, ProcessId, Time};
use std::collections::BTreeMap;
use std::fmt::Write;

// ANCHOR: check
/// Everything wrong with a run; empty when every acknowledged write is on every replica,
/// once, in order, and every read saw every write acknowledged before it began.
pub fn problems(
    logs: &[(ProcessId, &[u32])],
    history: &History<Request, Response>,
) -> Vec<String> {
    let mut found = Vec::new();
    let written: Vec<u32> = history
        .operations
        .iter()
        .filter_map(|op| match op.request {
            Request::Write(v) => Some(v),
            Request::Read => None,
        })
        .collect();
    // Acknowledged writes, in the order they were acknowledged, with the time.
    let mut acked: Vec<(Time, u32)> = history
        .operations
        .iter()
        .filter_map(|op| match (&op.request, &op.returned) {
            (Request::Write(v), Some((Response::Written, at))) => Some((*at, *v)),
            _ => None,
        })
        .collect();
    acked.sort();
    for &(p, log) in logs {
        let missing: Vec<u32> = acked
            .iter()
            .map(|a| a.1)
            .filter(|v| !log.contains(v))
            .collect();
        if !missing.is_empty() {
            found.push(format!("p{p} lost acknowledged writes {missing:?}"));
        }
        let mut counts = BTreeMap::new();
        for v in log {
            *counts.entry(v).or_insert(0) += 1;
        }
        let twice: Vec<u32> = counts
            .iter()
            .filter(|(_, c)| **c > 1)
            .map(|(v, _)| **v)
            .collect();
        if !twice.is_empty() {
            found.push(format!("p{p} applied writes {twice:?} more than once"));
        }
        let foreign: Vec<u32> = log
            .iter()
            .copied()
            .filter(|v| !written.contains(v))
            .collect();
        if !foreign.is_empty() {
            found.push(format!("p{p} holds {foreign:?}, which no client wrote"));
        }
        let order: Vec<u32> = log
            .iter()
            .copied()
            .filter(|v| acked.iter().any(|a| a.1 == *v))
            .collect();
        let mut expected: Vec<u32> = acked
            .iter()
            .map(|a| a.1)
            .filter(|v| order.contains(v))
            .collect();
        expected.dedup();
        let mut seen = order.clone();
        seen.dedup();
        if seen != expected && twice.is_empty() {
            found.push(format!("p{p} holds writes out of order: {order:?}"));
        }
    }
    for op in &history.operations {
        if let (Request::Read, Some((Response::Log(log), _))) =
            (&op.request, &op.returned)
        {
            let missed: Vec<u32> = acked
                .iter()
                .filter(|(at, v)| *at < op.invoked && !log.contains(v))
                .map(|a| a.1)
                .collect();
            if !missed.is_empty() {
                let mut text = String::new();
                let _ = write!(
                    text,
                    "a read at p{} at {} missed acknowledged writes {missed:?}",
                    op.process, op.invoked
                );
                found.push(text);
            }
        }
    }
    found
}
// ANCHOR_END: check

#[cfg(test)]
mod tests {
    use super::*;

    fn history(
        ops: &[(Request, Option<Response>, u64, u64)],
    ) -> History<Request, Response> {
        let mut h = History::default();
        for (i, (req, resp, start, end)) in ops.iter().enumerate() {
            let at = h.invoke(
                0,
                if matches!(req, Request::Read) { 2 } else { 0 },
                req.clone(),
                Time::from_nanos(*start),
            );
            if let Some(resp) = resp {
                h.complete(at, resp.clone(), Time::from_nanos(*end));
            }
            let _ = i;
        }
        h
    }

    #[test]
    fn a_faithful_run_has_no_problems() {
        let h = history(&[
            (Request::Write(1), Some(Response::Written), 0, 1),
            (Request::Write(2), Some(Response::Written), 2, 3),
            (Request::Read, Some(Response::Log(vec![1, 2])), 4, 4),
        ]);
        assert!(problems(&[(0, &[1, 2]), (1, &[1, 2])], &h).is_empty());
    }

    #[test]
    fn each_kind_of_damage_is_named() {
        let h = history(&[
            (Request::Write(1), Some(Response::Written), 0, 1),
            (Request::Write(2), Some(Response::Written), 2, 3),
            (Request::Read, Some(Response::Log(vec![1])), 4, 4),
        ]);
        let found = problems(
            &[(1, &[2, 1]), (2, &[1]), (3, &[1, 1, 2]), (4, &[1, 2, 9])],
            &h,
        );
        assert_eq!(
            found,
            vec![
                "p1 holds writes out of order: [2, 1]",
                "p2 lost acknowledged writes [2]",
                "p3 applied writes [1] more than once",
                "p4 holds [9], which no client wrote",
                "a read at p2 at 0.000ms missed acknowledged writes [2]",
            ]
        );
    }
}
