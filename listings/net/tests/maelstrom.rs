//! The Maelstrom front end, on messages written after the examples of Maelstrom's
//! protocol documentation: initialization, echo, and the lin-kv workload's read, write
//! and cas, with their errors; a line that is not JSON is dropped.

use net::maelstrom::{Service, code, serve};
use process::{ClientId, Context, Process, ProcessId};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Cursor;

/// A single node holding the whole key-value store in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Memory(BTreeMap<u64, i64>);

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
enum Op {
    Read(u64),
    Write(u64, i64),
    Cas(u64, i64, i64),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
enum Done {
    Value(i64),
    Written,
    Swapped,
    Missing,
    Different(i64, i64),
}

impl Process for Memory {
    type Message = ();
    type Timer = ();
    type Request = Op;
    type Response = Done;
    type Output = ();
    type Storage = ();
    fn on_start(&mut self, _: &mut Context<'_, Self>) {}
    fn on_message(&mut self, _: ProcessId, _: (), _: &mut Context<'_, Self>) {}
    fn on_request(&mut self, client: ClientId, op: Op, ctx: &mut Context<'_, Self>) {
        let done = match op {
            Op::Read(k) => self.0.get(&k).map_or(Done::Missing, |v| Done::Value(*v)),
            Op::Write(k, v) => {
                self.0.insert(k, v);
                Done::Written
            }
            Op::Cas(k, from, to) => match self.0.get(&k) {
                None => Done::Missing,
                Some(v) if *v != from => Done::Different(*v, from),
                Some(_) => {
                    self.0.insert(k, to);
                    Done::Swapped
                }
            },
        };
        ctx.respond(client, done);
    }
}

impl Service for Memory {
    fn request(body: &Value) -> Result<Op, (u64, String)> {
        let int = |f: &str| body[f].as_i64();
        let key = body["key"].as_u64();
        match (body["type"].as_str(), key) {
            (Some("read"), Some(k)) => Ok(Op::Read(k)),
            (Some("write"), Some(k)) => int("value").map(|v| Op::Write(k, v)).ok_or((
                code::MALFORMED_REQUEST,
                "a write needs an integer key and value".into(),
            )),
            (Some("cas"), Some(k)) => match (int("from"), int("to")) {
                (Some(a), Some(b)) => Ok(Op::Cas(k, a, b)),
                _ => Err((
                    code::MALFORMED_REQUEST,
                    "a cas needs integers from and to".into(),
                )),
            },
            (Some("read" | "write" | "cas"), None) => Err((
                code::MALFORMED_REQUEST,
                "a write needs an integer key and value".into(),
            )),
            _ => Err((
                code::NOT_SUPPORTED,
                "this node serves echo and lin-kv: read, write, cas".into(),
            )),
        }
    }

    fn reply(done: &Done) -> Value {
        match done {
            Done::Value(v) => json!({"type": "read_ok", "value": v}),
            Done::Written => json!({"type": "write_ok"}),
            Done::Swapped => json!({"type": "cas_ok"}),
            Done::Missing => {
                json!({"type": "error", "code": code::KEY_DOES_NOT_EXIST, "text": "no such key"})
            }
            Done::Different(v, from) => {
                json!({"type": "error", "code": code::PRECONDITION_FAILED, "text": format!("the value is {v}, not {from}")})
            }
        }
    }
}

#[test]
fn the_front_end_speaks_the_protocol_of_the_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let input = std::fs::read_to_string(dir.join("maelstrom-kv.in.jsonl")).unwrap();
    let expected: Vec<Value> =
        std::fs::read_to_string(dir.join("maelstrom-kv.out.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let mut output = Vec::new();
    serve(Cursor::new(input), &mut output, |_, _| Memory::default()).unwrap();
    let got: Vec<Value> = String::from_utf8(output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got, expected);
}
