//! Reading histories: the two formats of Porcupine's test data and Jepsen's EDN.
//!
//! Every parser reports a malformed line with its number and what was expected; none
//! panics on any input (a property test feeds them arbitrary text). Time is the position
//! of the event in the file, which is the real-time order Jepsen recorded.

use crate::edn::{self, Edn};
use crate::models::{KvOp, KvRet, RegisterOp, RegisterRet};
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

/// Pairs each process's invocation with its completion, building a history. An `:info`
/// completion, or none at all, leaves the operation open.
struct Builder<I, O> {
    history: History<I, O>,
    open: BTreeMap<u64, (usize, usize)>, // process -> (operation, line of invocation)
    events: u64,
}

impl<I, O> Builder<I, O> {
    fn new() -> Self {
        Builder {
            history: History::default(),
            open: BTreeMap::new(),
            events: 0,
        }
    }

    fn time(&mut self) -> Time {
        self.events += 1;
        Time(self.events)
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
        let index = self.history.invoke(process as usize, 0, input, at);
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
            self.history.complete(index, output, at);
        }
        Ok(index)
    }
}

/// Reads a Jepsen log in the format of Porcupine's etcd test data:
/// `INFO  jepsen.util - 2 :invoke :write 4`, fields separated by tabs or spaces.
pub fn porcupine_etcd(
    text: &str,
) -> Result<History<RegisterOp, RegisterRet>, ParseError> {
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
    Ok(builder.history)
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

fn edn_event(line: usize, value: &Edn) -> Result<EdnEvent, ParseError> {
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
        other => {
            return Err(error(
                line,
                format!(
                    "expected `:process` to be a non-negative integer, found {}",
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
    Ok(EdnEvent {
        process,
        kind,
        f,
        key: value.get("key").cloned(),
        value: value.get("value").cloned().unwrap_or(Edn::Nil),
    })
}

fn describe(value: Option<&Edn>) -> String {
    value.map_or("nothing".into(), |v| format!("`{}`", v.brief()))
}

/// Every operation map of an EDN text with its line: maps at the top level (one per line,
/// as Jepsen writes them), or the maps of one top-level vector.
fn edn_values(text: &str) -> Result<Vec<(usize, Edn)>, ParseError> {
    let values = edn::read_all(text)
        .map_err(|e| error(e.line, format!("expected EDN: {}", e.message)))?;
    match values.as_slice() {
        [(line, Edn::Vector(items))] => {
            Ok(items.iter().map(|v| (*line, v.clone())).collect())
        }
        _ => Ok(values),
    }
}

/// Reads Jepsen EDN operations on a register (`:read`, `:write`, `:cas`): one map per
/// line, or a vector of maps.
pub fn jepsen_edn_register(
    text: &str,
) -> Result<History<RegisterOp, RegisterRet>, ParseError> {
    let mut builder = Builder::new();
    for (line, value) in edn_values(text)? {
        let event = edn_event(line, &value)?;
        let int = |v: &Edn| match v {
            Edn::Int(i) => Some(*i),
            _ => None,
        };
        match event.kind {
            Kind::Invoke => {
                let input = match (event.f.as_str(), &event.value) {
                    ("read", _) => RegisterOp::Read,
                    ("write", v) => RegisterOp::Write(int(v).ok_or_else(|| {
                        error(line, "expected an integer :value for :write")
                    })?),
                    ("cas", Edn::Vector(pair)) if pair.len() == 2 => {
                        match (int(&pair[0]), int(&pair[1])) {
                            (Some(a), Some(b)) => RegisterOp::Cas(a, b),
                            _ => {
                                return Err(error(
                                    line,
                                    "expected `:value [FROM TO]` of integers for :cas",
                                ));
                            }
                        }
                    }
                    ("cas", _) => {
                        return Err(error(line, "expected `:value [FROM TO]` for :cas"));
                    }
                    (other, _) => {
                        return Err(error(
                            line,
                            format!(
                                "expected :f to be :read, :write or :cas, found :{other}"
                            ),
                        ));
                    }
                };
                builder.invoke(line, event.process, input)?;
            }
            Kind::Ok => {
                let output = match (event.f.as_str(), &event.value) {
                    ("read", Edn::Nil) => RegisterRet::Value(None),
                    ("read", v) => RegisterRet::Value(Some(int(v).ok_or_else(|| {
                        error(line, "expected nil or an integer :value for an :ok :read")
                    })?)),
                    _ => RegisterRet::Ok,
                };
                builder.complete(line, event.process, Some(output))?;
            }
            Kind::Fail => {
                builder.complete(line, event.process, Some(RegisterRet::Fail))?;
            }
            Kind::Info => {
                builder.complete(line, event.process, None)?;
            }
        }
    }
    Ok(builder.history)
}

/// Reads key-value operations (`:get`, `:put`, `:append`, each with a string `:key`), in
/// the EDN format of Porcupine's kv test data: one map per line.
pub fn kv_edn(text: &str) -> Result<History<KvOp, KvRet>, ParseError> {
    let mut builder = Builder::new();
    for (line, value) in edn_values(text)? {
        let event = edn_event(line, &value)?;
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
        let string = |v: &Edn| match v {
            Edn::Str(s) => Some(s.clone()),
            _ => None,
        };
        match event.kind {
            Kind::Invoke => {
                let input = match event.f.as_str() {
                    "get" => KvOp::Get(key),
                    "put" => KvOp::Put(
                        key,
                        string(&event.value).ok_or_else(|| {
                            error(line, "expected a string :value for :put")
                        })?,
                    ),
                    "append" => KvOp::Append(
                        key,
                        string(&event.value).ok_or_else(|| {
                            error(line, "expected a string :value for :append")
                        })?,
                    ),
                    other => {
                        return Err(error(
                            line,
                            format!(
                                "expected :f to be :get, :put or :append, found :{other}"
                            ),
                        ));
                    }
                };
                builder.invoke(line, event.process, input)?;
            }
            Kind::Ok => {
                let output = match event.f.as_str() {
                    "get" => KvRet::Value(string(&event.value).ok_or_else(|| {
                        error(line, "expected a string :value for an :ok :get")
                    })?),
                    _ => KvRet::Ok,
                };
                builder.complete(line, event.process, Some(output))?;
            }
            Kind::Fail | Kind::Info => {
                // A key-value operation that failed or timed out may or may not have
                // happened.
                builder.complete(line, event.process, None)?;
            }
        }
    }
    Ok(builder.history)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_etcd_log_format_with_tabs_or_spaces() {
        let log = "INFO  jepsen.util - 2\t:invoke\t:write\t4\nINFO  jepsen.util - 3 :invoke :cas [4 5]\n\
                   INFO  jepsen.util - 2\t:ok\t:write\t4\nINFO  jepsen.util - 3 :info :cas :timed-out\n";
        let h = porcupine_etcd(log).unwrap();
        assert_eq!(h.operations.len(), 2);
        assert_eq!(h.operations[0].request, RegisterOp::Write(4));
        assert_eq!(h.operations[0].returned, Some((RegisterRet::Ok, Time(3))));
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
    fn reads_edn_lines_and_vectors() {
        let lines = "{:process 0, :type :invoke, :f :cas, :value [1 2]}\n{:process 0, :type :fail, :f :cas, :value [1 2]}\n";
        let vector = format!("[{}]", lines.replace('\n', " "));
        for text in [lines.to_owned(), vector] {
            let h = jepsen_edn_register(&text).unwrap();
            assert_eq!(h.operations[0].request, RegisterOp::Cas(1, 2));
            assert_eq!(
                h.operations[0].returned.as_ref().map(|r| &r.0),
                Some(&RegisterRet::Fail)
            );
        }
    }
}
