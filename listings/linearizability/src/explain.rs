//! Evidence a person can read: the longest linearization the search found, the operation
//! that could not be placed after it, as text and as a timeline.

use crate::check::Evidence;
use crate::model::Model;
use crate::models::{
    KvOp, KvRet, MicroOp, MutexOp, MutexRet, RegisterOp, RegisterRet, Txn, TxnRet,
};
use figures::timeline::{Bar, Role, Timeline};
use process::History;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A short description of an operation and its result.
pub trait Describe {
    /// `write(3)`, `read() → 4`, `cas(1, 2) fails`, `get("k") → "x"`.
    fn describe(&self, output: Option<&Self::Output>) -> String
    where
        Self: HasOutput;
}

/// Ties an input type to its output type, for [`Describe`].
pub trait HasOutput {
    /// The output type.
    type Output;
}

impl HasOutput for RegisterOp {
    type Output = RegisterRet;
}

impl Describe for RegisterOp {
    fn describe(&self, output: Option<&RegisterRet>) -> String {
        let result = match output {
            None => " ?".to_owned(),
            Some(RegisterRet::Value(Some(v))) => format!(" → {v}"),
            Some(RegisterRet::Value(None)) => " → nil".to_owned(),
            Some(RegisterRet::Ok) => String::new(),
            Some(RegisterRet::Fail) => " fails".to_owned(),
        };
        match self {
            RegisterOp::Read => format!("read(){result}"),
            RegisterOp::Write(v) => format!("write({v}){result}"),
            RegisterOp::Cas(a, b) => format!("cas({a}, {b}){result}"),
        }
    }
}

impl HasOutput for KvOp {
    type Output = KvRet;
}

impl Describe for KvOp {
    fn describe(&self, output: Option<&KvRet>) -> String {
        let result = match output {
            None => " ?".to_owned(),
            Some(KvRet::Value(v)) => format!(" → {v:?}"),
            Some(KvRet::Ok) => String::new(),
            Some(KvRet::Fail) => " failed".to_owned(),
        };
        match self {
            KvOp::Get(k) => format!("get({k:?}){result}"),
            KvOp::Put(k, v) => format!("put({k:?}, {v:?}){result}"),
            KvOp::Append(k, v) => format!("append({k:?}, {v:?}){result}"),
        }
    }
}

impl HasOutput for Txn {
    type Output = TxnRet;
}

impl Describe for Txn {
    /// `txn(read :x → 1, write :y 2)`, with the micro-operations as completed if it
    /// committed.
    fn describe(&self, output: Option<&TxnRet>) -> String {
        let (ops, result) = match output {
            None => (self, " ?"),
            Some(TxnRet::Ok(done)) => (done, ""),
            Some(TxnRet::Fail) => (self, " fails"),
        };
        let ops: Vec<String> = ops
            .0
            .iter()
            .map(|op| match op {
                MicroOp::Read(k, Some(v)) => format!("read {k} → {v}"),
                MicroOp::Read(k, None) => format!("read {k}"),
                MicroOp::Write(k, v) => format!("write {k} {v}"),
            })
            .collect();
        format!("txn({}){result}", ops.join(", "))
    }
}

impl HasOutput for MutexOp {
    type Output = MutexRet;
}

impl Describe for MutexOp {
    fn describe(&self, output: Option<&MutexRet>) -> String {
        let result = match output {
            None => " ?",
            Some(MutexRet::Ok) => "",
            Some(MutexRet::Fail) => " fails",
        };
        match self {
            MutexOp::Acquire => format!("acquire(){result}"),
            MutexOp::Release => format!("release(){result}"),
        }
    }
}

fn describe<I: Describe + HasOutput<Output = O>, O>(
    history: &History<I, O>,
    i: usize,
) -> String {
    let op = &history.operations[i];
    op.request.describe(op.returned.as_ref().map(|(o, _)| o))
}

fn span<I, O>(history: &History<I, O>, i: usize) -> String {
    let op = &history.operations[i];
    match &op.returned {
        Some((_, at)) => format!("events {}..{}", op.invoked.nanos(), at.nanos()),
        None => format!("events {}.. (never returned)", op.invoked.nanos()),
    }
}

// ANCHOR: explain
/// The evidence as text: the end of the longest linearization, the state it leaves the
/// object in, and the operation that cannot follow.
pub fn text<M>(
    model: &M,
    history: &History<M::Input, M::Output>,
    evidence: &Evidence,
    last: usize,
) -> String
where
    M: Model,
    M::Input: Describe + HasOutput<Output = M::Output>,
{
    let mut out = String::new();
    let total = history
        .operations
        .iter()
        .filter(|op| model.partition(&op.request) == evidence.partition)
        .count();
    if let Some(key) = &evidence.partition {
        let _ = writeln!(
            out,
            "  the operations on key {key:?} alone are not linearizable"
        );
    }
    let _ = writeln!(
        out,
        "  longest linearization found: {} of {total} operations",
        evidence.linearized.len()
    );
    let mut state = model.init();
    for &i in &evidence.linearized {
        let op = &history.operations[i];
        state = model
            .step(&state, &op.request, op.returned.as_ref().map(|(o, _)| o))
            .unwrap_or(state);
    }
    let skip = evidence.linearized.len().saturating_sub(last);
    for (n, &i) in evidence.linearized.iter().enumerate().skip(skip) {
        let op = &history.operations[i];
        let _ = writeln!(
            out,
            "    {:>4}. c{:<3} {:<24} {}",
            n + 1,
            op.client,
            describe(history, i),
            span(history, i)
        );
    }
    let _ = writeln!(out, "  state after it: {state:?}");
    let stuck = &history.operations[evidence.stuck];
    let _ = writeln!(
        out,
        "  cannot be placed next: c{} {} ({}), nor can any operation pending with it",
        stuck.client,
        describe(history, evidence.stuck),
        span(history, evidence.stuck)
    );
    out
}
// ANCHOR_END: explain

/// The evidence as a timeline: the last `last` operations of the longest linearization,
/// the operation that cannot be placed, and every operation that overlaps them.
pub fn timeline<I, O>(
    history: &History<I, O>,
    evidence: &Evidence,
    last: usize,
    title: &str,
) -> Timeline
where
    I: Describe + HasOutput<Output = O>,
{
    let placed: BTreeMap<usize, usize> = evidence
        .linearized
        .iter()
        .enumerate()
        .map(|(n, &i)| (i, n + 1))
        .collect();
    let tail = &evidence.linearized[evidence.linearized.len().saturating_sub(last)..];
    let mut chosen: Vec<usize> = tail.to_vec();
    chosen.push(evidence.stuck);
    // The window opens at the earliest invocation among the chosen operations that
    // returned; operations pending since earlier are drawn from its left edge.
    let start = chosen
        .iter()
        .filter(|&&i| history.operations[i].returned.is_some())
        .map(|&i| history.operations[i].invoked)
        .min()
        .unwrap_or_default();
    let stuck_end = history.operations[evidence.stuck]
        .returned
        .as_ref()
        .map_or(start, |(_, t)| *t);
    let end = chosen
        .iter()
        .filter_map(|&i| history.operations[i].returned.as_ref().map(|(_, t)| *t))
        .max()
        .unwrap_or(stuck_end)
        .max(stuck_end);
    let partition_ops: Vec<usize> = evidence
        .linearized
        .iter()
        .copied()
        .chain(std::iter::once(evidence.stuck))
        .collect();
    let key_of = |i: usize| partition_ops.contains(&i);
    // Every operation of the same object that overlaps the window.
    for (i, op) in history.operations.iter().enumerate() {
        let ends = op.returned.as_ref().map(|(_, t)| *t);
        let overlaps = op.invoked <= end && ends.is_none_or(|t| t >= start);
        if overlaps && !chosen.contains(&i) && (key_of(i) || evidence.partition.is_none())
        {
            chosen.push(i);
        }
    }
    chosen.sort_by_key(|&i| history.operations[i].invoked);
    let mut rows: Vec<usize> = chosen
        .iter()
        .map(|&i| history.operations[i].client)
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let bars = chosen
        .iter()
        .map(|&i| {
            let op = &history.operations[i];
            Bar {
                row: rows.binary_search(&op.client).unwrap_or(0),
                start: op.invoked.max(start).nanos() as f64,
                end: op.returned.as_ref().map(|(_, t)| t.nanos() as f64),
                label: describe(history, i),
                role: if i == evidence.stuck {
                    Role::Stuck
                } else {
                    placed.get(&i).map_or(Role::Other, |&n| Role::Placed(n))
                },
            }
        })
        .collect();
    Timeline {
        title: title.to_owned(),
        rows: rows.iter().map(|c| format!("c{c}")).collect(),
        bars,
        unit: "event".into(),
        note: format!(
            "Green: the longest linearization found, its last {} of {} numbered; red: the \
             operation that cannot follow it.",
            tail.len(),
            evidence.linearized.len()
        ),
    }
}
