//! Reading histories: the two formats of Porcupine's test data and Jepsen's EDN.
//!
//! Every parser reports a malformed line with its number and what was expected; none
//! panics on any input (a property test feeds them arbitrary text). Time is the position
//! of the event in the file, which is the real-time order Jepsen recorded.

use crate::edn::{self, Edn};
use crate::models::{
    KvOp, KvRet, MicroOp, MutexOp, MutexRet, RegisterOp, RegisterRet, Txn, TxnRet,
};
use process::{History, Time};
use std::collections::BTreeMap;
use std::fmt;

/// A history that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line, from 1.
    pub line: usize,
    /// What was expected there, and what was found.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// The kind of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Invoke,
    Ok,
    Fail,
    Info,
}

impl Kind {
    fn parse(word: &str) -> Option<Kind> {
        match word {
            ":invoke" | "invoke" => Some(Kind::Invoke),
            ":ok" | "ok" => Some(Kind::Ok),
            ":fail" | "fail" => Some(Kind::Fail),
            ":info" | "info" => Some(Kind::Info),
            _ => None,
        }
    }
}

/// A history read from text, with where each operation is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed<I, O> {
    /// The history.
    pub history: History<I, O>,
    /// The line of each operation's invocation, by index into `history.operations`.
    pub lines: Vec<usize>,
}

/// Pairs each process's invocation with its completion, building a history. An `:info`
/// completion, or none at all, leaves the operation open.
struct Builder<I, O> {
    parsed: Parsed<I, O>,
    open: BTreeMap<u64, (usize, usize)>, // process -> (operation, line of invocation)
    events: u64,
}

impl<I, O> Builder<I, O> {
    fn new() -> Self {
        Builder {
            parsed: Parsed {
                history: History::default(),
                lines: Vec::new(),
            },
            open: BTreeMap::new(),
            events: 0,
        }
    }

    fn time(&mut self) -> Time {
        self.events += 1;
        Time::from_nanos(self.events)
    }

    fn invoke(&mut self, line: usize, process: u64, input: I) -> Result<(), ParseError> {
        if let Some((_, earlier)) = self.open.get(&process) {
            return Err(error(
                line,
                format!(
                    "process {process} invokes again before its operation of line {earlier} completed"
                ),
            ));
        }
        let at = self.time();
        let index = self.parsed.history.invoke(process as usize, 0, input, at);
        self.parsed.lines.push(line);
        self.open.insert(process, (index, line));
        Ok(())
    }

    /// Completes `process`'s operation with `output` (`None`: it stays open).
    fn complete(
        &mut self,
        line: usize,
        process: u64,
        output: Option<O>,
    ) -> Result<usize, ParseError> {
        let Some((index, _)) = self.open.remove(&process) else {
            return Err(error(
                line,
                format!("process {process} completes an operation it never invoked"),
            ));
        };
        let at = self.time();
        if let Some(output) = output {
            self.parsed.history.complete(index, output, at);
        }
        Ok(index)
    }
}

/// Reads a Jepsen log in the format of Porcupine's etcd test data:
/// `INFO  jepsen.util - 2 :invoke :write 4`, fields separated by tabs or spaces. Lines of
/// a process that is not a client (`:nemesis`) are skipped.
pub fn porcupine_etcd(text: &str) -> Result<Parsed<RegisterOp, RegisterRet>, ParseError> {
    let mut builder = Builder::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let Some((_, event)) = raw.split_once(" - ") else {
            return Err(error(
                line,
                format!(
                    "expected `INFO jepsen.util - PROCESS TYPE F VALUE`, found `{}`",
                    short(raw)
                ),
            ));
        };
        let words: Vec<&str> = event.split_whitespace().collect();
        let [process, kind, f, value @ ..] = words.as_slice() else {
            return Err(error(
                line,
                "expected a process, a type, a function and a value",
            ));
        };
        if process.starts_with(':') {
            continue; // the nemesis, Jepsen's fault injector
        }
        let process: u64 = process.parse().map_err(|_| {
            error(
                line,
                format!("expected a process number, found `{process}`"),
            )
        })?;
        let kind = Kind::parse(kind).ok_or_else(|| {
            error(
                line,
                format!("expected :invoke, :ok, :fail or :info, found `{kind}`"),
            )
        })?;
        let value = value.join(" ");
        let input =
            || -> Result<RegisterOp, ParseError> {
                match *f {
                    ":read" => Ok(RegisterOp::Read),
                    ":write" => integer(&value).map(RegisterOp::Write).ok_or_else(|| {
                        error(
                            line,
                            format!("expected an integer to write, found `{value}`"),
                        )
                    }),
                    ":cas" => pair(&value)
                        .map(|(a, b)| RegisterOp::Cas(a, b))
                        .ok_or_else(|| {
                            error(line, format!("expected `[FROM TO]`, found `{value}`"))
                        }),
                    other => Err(error(
                        line,
                        format!("expected :read, :write or :cas, found `{other}`"),
                    )),
                }
            };
        match kind {
            Kind::Invoke => builder.invoke(line, process, input()?)?,
            Kind::Ok => {
                let output = match *f {
                    ":read" if value == "nil" => RegisterRet::Value(None),
                    ":read" => {
                        RegisterRet::Value(Some(integer(&value).ok_or_else(|| {
                            error(
                                line,
                                format!(
                                    "expected nil or an integer read, found `{value}`"
                                ),
                            )
                        })?))
                    }
                    ":write" | ":cas" => {
                        input()?; // the value must be well-formed too
                        RegisterRet::Ok
                    }
                    other => {
                        return Err(error(
                            line,
                            format!("expected :read, :write or :cas, found `{other}`"),
                        ));
                    }
                };
                builder.complete(line, process, Some(output))?;
            }
            Kind::Fail => {
                // A failed read carries no value (`:timed-out`); a failed write or cas
                // its own.
                if *f != ":read" {
                    input()?;
                }
                builder.complete(line, process, Some(RegisterRet::Fail))?;
            }
            Kind::Info => {
                builder.complete(line, process, None)?;
            }
        }
    }
    Ok(builder.parsed)
}

fn integer(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

fn pair(text: &str) -> Option<(i64, i64)> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut parts = inner.split_whitespace();
    let pair = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    parts.next().is_none().then_some(pair)
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

/// One Jepsen operation event, from an EDN map.
struct EdnEvent {
    process: u64,
    kind: Kind,
    f: String,
    key: Option<Edn>,
    value: Edn,
}

/// The event of an operation map, or `None` for an operation of a process that is not a
/// client. Jepsen's clients are numbered, and its checkers leave every other process out
/// (`jepsen.history/client-op?`): chiefly the nemesis, its fault injector.
fn edn_event(line: usize, value: &Edn) -> Result<Option<EdnEvent>, ParseError> {
    if !matches!(value, Edn::Map(_)) {
        return Err(error(
            line,
            format!(
                "expected an operation map `{{:process .. :type .. :f .. :value ..}}`, found {}",
                value.brief()
            ),
        ));
    }
    let process = match value.get("process") {
        Some(Edn::Int(p)) if *p >= 0 => *p as u64,
        Some(Edn::Keyword(_)) => return Ok(None),
        other => {
            return Err(error(
                line,
                format!(
                    "expected `:process` to be a non-negative integer (or `:nemesis`), found {}",
                    describe(other)
                ),
            ));
        }
    };
    let kind = match value.get("type") {
        Some(Edn::Keyword(k)) => Kind::parse(k),
        _ => None,
    }
    .ok_or_else(|| {
        error(
            line,
            format!(
                "expected `:type` to be :invoke, :ok, :fail or :info, found {}",
                describe(value.get("type"))
            ),
        )
    })?;
    let f = match value.get("f") {
        Some(Edn::Keyword(k)) => k.clone(),
        other => {
            return Err(error(
                line,
                format!("expected `:f` to be a keyword, found {}", describe(other)),
            ));
        }
    };
    Ok(Some(EdnEvent {
        process,
        kind,
        f,
        key: value.get("key").cloned(),
        value: value.get("value").cloned().unwrap_or(Edn::Nil),
    }))
}

fn describe(value: Option<&Edn>) -> String {
    value.map_or("nothing".into(), |v| format!("`{}`", v.brief()))
}

fn int(value: &Edn) -> Option<i64> {
    match value {
        Edn::Int(i) => Some(*i),
        _ => None,
    }
}

fn string(value: &Edn) -> Option<String> {
    match value {
        Edn::Str(s) => Some(s.clone()),
        _ => None,
    }
}

/// Reads Jepsen's EDN operations, as [`edn::read_elements`] finds them (one map per line,
/// or one list or vector of maps): `invocation` reads an operation's input from its
/// `:invoke` event, `ok` its output from its `:ok` event; `failed` is the output of an
/// operation that completed with `:fail` (`None`: it stays open, as after `:info`).
fn jepsen_edn<I, O: Clone>(
    text: &str,
    invocation: impl Fn(usize, &EdnEvent) -> Result<I, ParseError>,
    ok: impl Fn(usize, &EdnEvent) -> Result<O, ParseError>,
    failed: Option<O>,
) -> Result<Parsed<I, O>, ParseError> {
    let values = edn::read_elements(text)
        .map_err(|e| error(e.line, format!("expected EDN: {}", e.message)))?;
    let mut builder = Builder::new();
    for (line, value) in values {
        let Some(event) = edn_event(line, &value)? else {
            continue;
        };
        let output = match event.kind {
            Kind::Invoke => {
                builder.invoke(line, event.process, invocation(line, &event)?)?;
                continue;
            }
            Kind::Ok => Some(ok(line, &event)?),
            Kind::Fail => failed.clone(),
            Kind::Info => None,
        };
        builder.complete(line, event.process, output)?;
    }
    Ok(builder.parsed)
}

/// Reads Jepsen EDN operations on a register (`:read`, `:write`, `:cas`). A `:fail`ed
/// operation returns [`RegisterRet::Fail`].
pub fn jepsen_edn_register(
    text: &str,
) -> Result<Parsed<RegisterOp, RegisterRet>, ParseError> {
    let invocation = |line, event: &EdnEvent| match (event.f.as_str(), &event.value) {
        ("read", _) => Ok(RegisterOp::Read),
        ("write", v) => int(v)
            .map(RegisterOp::Write)
            .ok_or_else(|| error(line, "expected an integer :value for :write")),
        ("cas", Edn::Vector(pair)) if pair.len() == 2 => {
            match (int(&pair[0]), int(&pair[1])) {
                (Some(a), Some(b)) => Ok(RegisterOp::Cas(a, b)),
                _ => Err(error(
                    line,
                    "expected `:value [FROM TO]` of integers for :cas",
                )),
            }
        }
        ("cas", _) => Err(error(line, "expected `:value [FROM TO]` for :cas")),
        (other, _) => Err(error(
            line,
            format!("expected :f to be :read, :write or :cas, found :{other}"),
        )),
    };
    let ok = |line, event: &EdnEvent| match (event.f.as_str(), &event.value) {
        ("read", Edn::Nil) => Ok(RegisterRet::Value(None)),
        ("read", v) => int(v).map(|v| RegisterRet::Value(Some(v))).ok_or_else(|| {
            error(line, "expected nil or an integer :value for an :ok :read")
        }),
        _ => Ok(RegisterRet::Ok),
    };
    jepsen_edn(text, invocation, ok, Some(RegisterRet::Fail))
}

/// Reads key-value operations (`:get`, `:put`, `:append`, each with a string `:key`), in
/// the EDN format of Porcupine's kv test data. An operation that failed (`:fail`) never
/// happened.
pub fn kv_edn(text: &str) -> Result<Parsed<KvOp, KvRet>, ParseError> {
    let invocation = |line, event: &EdnEvent| {
        let key = match &event.key {
            Some(Edn::Str(k)) => k.clone(),
            Some(Edn::Int(k)) => k.to_string(),
            other => {
                return Err(error(
                    line,
                    format!(
                        "expected a string `:key`, found {}",
                        describe(other.as_ref())
                    ),
                ));
            }
        };
        let value = |f| {
            string(&event.value)
                .ok_or_else(|| error(line, format!("expected a string :value for :{f}")))
        };
        match event.f.as_str() {
            "get" => Ok(KvOp::Get(key)),
            "put" => Ok(KvOp::Put(key, value("put")?)),
            "append" => Ok(KvOp::Append(key, value("append")?)),
            other => Err(error(
                line,
                format!("expected :f to be :get, :put or :append, found :{other}"),
            )),
        }
    };
    let ok = |line, event: &EdnEvent| match event.f.as_str() {
        "get" => string(&event.value)
            .map(KvRet::Value)
            .ok_or_else(|| error(line, "expected a string :value for an :ok :get")),
        _ => Ok(KvRet::Ok),
    };
    jepsen_edn(text, invocation, ok, Some(KvRet::Fail))
}

/// Reads Jepsen EDN transactions on a multi-register (Knossos' `multi-register`): `:f
/// :txn`, whose `:value` is a vector of micro-operations `[:read KEY VALUE]` (`VALUE` nil
/// or an integer) and `[:write KEY INTEGER]` (or `:r` and `:w`, as `jepsen.txn.micro-op`
/// writes them), keys keywords, strings or integers. An `:ok` transaction returns its
/// completion's micro-operations, with the values read; a `:fail`ed one returns
/// [`TxnRet::Fail`].
pub fn jepsen_edn_txn(text: &str) -> Result<Parsed<Txn, TxnRet>, ParseError> {
    jepsen_edn(
        text,
        |line, event| transaction(line, event).map(Txn),
        |line, event| transaction(line, event).map(|ops| TxnRet::Ok(Txn(ops))),
        Some(TxnRet::Fail),
    )
}

fn transaction(line: usize, event: &EdnEvent) -> Result<Vec<MicroOp>, ParseError> {
    if event.f != "txn" {
        return Err(error(
            line,
            format!("expected :f to be :txn, found :{}", event.f),
        ));
    }
    let (Edn::Vector(ops) | Edn::List(ops)) = &event.value else {
        return Err(error(
            line,
            format!(
                "expected `:value` to be a vector of micro-operations, found {}",
                describe(Some(&event.value))
            ),
        ));
    };
    let micro_op = |(n, op): (usize, &Edn)| {
        let parts = match op {
            Edn::Vector(parts) => parts.as_slice(),
            _ => &[],
        };
        let key = |key: &Edn| match key {
            Edn::Keyword(k) => Some(format!(":{k}")),
            Edn::Str(s) => Some(format!("{s:?}")),
            Edn::Int(i) => Some(i.to_string()),
            _ => None,
        };
        match parts {
            [Edn::Keyword(f), k, v] => match (f.as_str(), key(k), v) {
                ("read" | "r", Some(k), Edn::Nil) => Some(MicroOp::Read(k, None)),
                ("read" | "r", Some(k), Edn::Int(v)) => Some(MicroOp::Read(k, Some(*v))),
                ("write" | "w", Some(k), Edn::Int(v)) => Some(MicroOp::Write(k, *v)),
                _ => None,
            },
            _ => None,
        }
        .ok_or_else(|| {
            error(
                line,
                format!(
                    "expected micro-operation {} of the :txn to be [:read KEY nil-or-integer] or [:write KEY integer]",
                    n + 1
                ),
            )
        })
    };
    ops.iter().enumerate().map(micro_op).collect()
}

/// Reads Jepsen EDN operations on a lock (Knossos' `mutex`): `:acquire` and `:release`,
/// whose values are ignored. A `:fail`ed operation returns [`MutexRet::Fail`].
pub fn jepsen_edn_mutex(text: &str) -> Result<Parsed<MutexOp, MutexRet>, ParseError> {
    let invocation = |line, event: &EdnEvent| match event.f.as_str() {
        "acquire" => Ok(MutexOp::Acquire),
        "release" => Ok(MutexOp::Release),
        other => Err(error(
            line,
            format!("expected :f to be :acquire or :release, found :{other}"),
        )),
    };
    jepsen_edn(
        text,
        invocation,
        |_, _| Ok(MutexRet::Ok),
        Some(MutexRet::Fail),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_key_value_operation_never_happened() {
        use crate::check::check;
        use crate::models::Kv;
        // The append failed: a read that misses it is linearizable; one that sees it is not.
        let history = |seen: &str| {
            format!(
                "{{:process 0, :type :invoke, :f :append, :key \"k\", :value \"x\"}}\n\
                 {{:process 0, :type :fail, :f :append, :key \"k\", :value \"x\"}}\n\
                 {{:process 1, :type :invoke, :f :get, :key \"k\", :value nil}}\n\
                 {{:process 1, :type :ok, :f :get, :key \"k\", :value \"{seen}\"}}\n"
            )
        };
        let missed = kv_edn(&history("")).unwrap().history;
        assert!(check(&Kv, &missed).is_linearizable());
        let seen = kv_edn(&history("x")).unwrap().history;
        assert!(!check(&Kv, &seen).is_linearizable());
    }

    #[test]
    fn reads_the_etcd_log_format_with_tabs_or_spaces() {
        let log = "INFO  jepsen.util - 2\t:invoke\t:write\t4\nINFO  jepsen.util - 3 :invoke :cas [4 5]\n\
                   INFO  jepsen.util - 2\t:ok\t:write\t4\nINFO  jepsen.util - 3 :info :cas :timed-out\n";
        let h = porcupine_etcd(log).unwrap().history;
        assert_eq!(h.operations.len(), 2);
        assert_eq!(h.operations[0].request, RegisterOp::Write(4));
        assert_eq!(
            h.operations[0].returned,
            Some((RegisterRet::Ok, Time::from_nanos(3)))
        );
        assert_eq!(h.operations[1].request, RegisterOp::Cas(4, 5));
        assert!(h.operations[1].is_open());
    }

    #[test]
    fn reports_the_line_and_what_was_expected() {
        let log = "INFO  jepsen.util - 2\t:invoke\t:write\t4\nINFO  jepsen.util - x :ok :write 4\n";
        assert_eq!(
            porcupine_etcd(log).unwrap_err(),
            error(2, "expected a process number, found `x`")
        );
        let log = "INFO  jepsen.util - 2 :invoke :cas [4]\n";
        assert_eq!(porcupine_etcd(log).unwrap_err().line, 1);
        let kv = "{:process 0, :type :invoke, :f :get, :key \"1\", :value nil}\n{:process 0 :type :ok}\n";
        let e = kv_edn(kv).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("`:f`"), "{e}");
    }

    #[test]
    fn reads_edn_lines_lists_and_vectors() {
        let lines = "{:process 0, :type :invoke, :f :cas, :value [1 2]}\n{:process 0, :type :fail, :f :cas, :value [1 2]}\n";
        let vector = format!("[{}]", lines.replace('\n', " "));
        let list = format!("; saved whole\n(\n{lines})\n");
        for text in [lines.to_owned(), vector, list] {
            let h = jepsen_edn_register(&text).unwrap().history;
            assert_eq!(h.operations[0].request, RegisterOp::Cas(1, 2));
            assert_eq!(
                h.operations[0].returned.as_ref().map(|r| &r.0),
                Some(&RegisterRet::Fail)
            );
        }
    }

    #[test]
    fn skips_the_nemesis_in_both_formats() {
        let log = "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n\
                   INFO  jepsen.util - 2\t:invoke\t:read\tnil\n\
                   INFO  jepsen.util - :nemesis\t:info\t:start\t[:isolated {\"n1\" #{\"n2\"}}]\n\
                   INFO  jepsen.util - 2\t:ok\t:read\tnil\n";
        let parsed = porcupine_etcd(log).unwrap();
        assert_eq!(parsed.history.operations.len(), 1);
        assert_eq!(parsed.lines, [2]);
        let edn = "{:process :nemesis, :type :info, :f :start, :value nil}\n\
                   {:process 0, :type :invoke, :f :read, :value nil}\n\
                   {:process 0, :type :ok, :f :read, :value 3}\n";
        let parsed = jepsen_edn_register(edn).unwrap();
        assert_eq!(parsed.history.operations.len(), 1);
        assert_eq!(parsed.lines, [2]);
        // Any other process that is not a number is still an error.
        let e =
            jepsen_edn_register("{:process \"0\", :type :invoke, :f :read}").unwrap_err();
        assert!(e.message.contains("`:process`"), "{e}");
    }

    #[test]
    fn lines_are_those_of_the_invocations() {
        let text = "[{:process 0, :type :invoke,\n  :f :write, :value 1}\n {:process 1, :type :invoke, :f :read}\n\n {:process 0, :type :ok, :f :write, :value 1}\n {:process 0, :type :invoke, :f :read}]";
        assert_eq!(jepsen_edn_register(text).unwrap().lines, [1, 3, 6]);
    }

    #[test]
    fn reads_transactions_and_locks() {
        let txn = "{:process 0, :type :invoke, :f :txn, :value [[:read :x nil] [:write \"y\" 2] [:r 3 nil]]}\n\
                   {:process 0, :type :ok, :f :txn, :value [[:read :x 1] [:w \"y\" 2] [:read 3 nil]]}\n";
        let h = jepsen_edn_txn(txn).unwrap().history;
        let done = vec![
            MicroOp::Read(":x".into(), Some(1)),
            MicroOp::Write("\"y\"".into(), 2),
            MicroOp::Read("3".into(), None),
        ];
        assert_eq!(
            h.operations[0].request.0[0],
            MicroOp::Read(":x".into(), None)
        );
        assert_eq!(
            h.operations[0].returned,
            Some((TxnRet::Ok(Txn(done)), Time::from_nanos(2)))
        );
        let bad = "{:process 0, :type :invoke, :f :txn, :value [[:read :x nil]\n [:write :y nil]]}";
        let e = jepsen_edn_txn(bad).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("micro-operation 2"), "{e}");
        let lock = "{:process 0, :type :invoke, :f :acquire}\n{:process 0, :type :fail, :f :acquire}\n";
        let h = jepsen_edn_mutex(lock).unwrap().history;
        assert_eq!(h.operations[0].request, MutexOp::Acquire);
        assert_eq!(
            h.operations[0].returned,
            Some((MutexRet::Fail, Time::from_nanos(2)))
        );
        let e = jepsen_edn_mutex("{:process 0, :type :invoke, :f :read}").unwrap_err();
        assert!(
            e.message.contains(":acquire or :release, found :read"),
            "{e}"
        );
    }
}
