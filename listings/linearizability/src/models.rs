//! The models the checker ships: registers with the semantics of the histories in the
//! book's test data, and a key-value store checked key by key.

use crate::model::Model;
use serde::{Deserialize, Serialize};

/// An operation on a register (serializable, so that protocols can carry it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegisterOp {
    /// Read the value.
    Read,
    /// Set the value.
    Write(i64),
    /// Compare-and-set: if the value is the first, make it the second.
    Cas(i64, i64),
}

/// What a register operation returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegisterRet {
    /// A read's value (`None`: the register was absent).
    Value(Option<i64>),
    /// A write or a successful compare-and-set.
    Ok,
    /// A compare-and-set whose comparison failed, or any operation that definitely
    /// failed.
    Fail,
}

// ANCHOR: cas
/// A compare-and-set register as Porcupine's etcd model has it: it starts absent; a write
/// always succeeds; `Ok` for `Cas(a, b)` asserts the value was `a` and sets `b`; `Fail`
/// asserts it was not `a`. An operation that never returned may have taken effect: a
/// write sets its value, a compare-and-set acts on whatever the value is. A read that
/// never returned constrains nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct CasRegister;

impl Model for CasRegister {
    type State = Option<i64>;
    type Input = RegisterOp;
    type Output = RegisterRet;

    fn init(&self) -> Option<i64> {
        None
    }

    fn step(
        &self,
        state: &Option<i64>,
        input: &RegisterOp,
        output: Option<&RegisterRet>,
    ) -> Option<Option<i64>> {
        match (input, output) {
            (RegisterOp::Read, None) => Some(*state),
            (RegisterOp::Read, Some(RegisterRet::Value(v))) => {
                (v == state).then_some(*state)
            }
            (RegisterOp::Write(v), None | Some(RegisterRet::Ok)) => Some(Some(*v)),
            (RegisterOp::Cas(from, to), None) => Some(if *state == Some(*from) {
                Some(*to)
            } else {
                *state
            }),
            (RegisterOp::Cas(from, to), Some(RegisterRet::Ok)) => {
                (*state == Some(*from)).then_some(Some(*to))
            }
            (RegisterOp::Cas(from, _), Some(RegisterRet::Fail)) => {
                (*state != Some(*from)).then_some(*state)
            }
            _ => None,
        }
    }

    fn read_only(&self, input: &RegisterOp, output: Option<&RegisterRet>) -> bool {
        matches!(
            (input, output),
            (RegisterOp::Read, Some(RegisterRet::Value(_)))
                | (RegisterOp::Cas(..), Some(RegisterRet::Fail))
        )
    }

    fn relevant(&self, input: &RegisterOp, output: Option<&RegisterRet>) -> bool {
        !matches!(
            (input, output),
            (RegisterOp::Read, None | Some(RegisterRet::Fail))
        )
    }
}
// ANCHOR_END: cas

/// A compare-and-set register with Knossos' semantics: an operation that returned `Fail`
/// did not happen at all, and a read of `nil` tells nothing (any value is allowed).
#[derive(Clone, Copy, Debug, Default)]
pub struct KnossosCasRegister;

impl Model for KnossosCasRegister {
    type State = Option<i64>;
    type Input = RegisterOp;
    type Output = RegisterRet;

    fn init(&self) -> Option<i64> {
        None
    }

    fn step(
        &self,
        state: &Option<i64>,
        input: &RegisterOp,
        output: Option<&RegisterRet>,
    ) -> Option<Option<i64>> {
        match (input, output) {
            (RegisterOp::Read, Some(RegisterRet::Value(None))) => Some(*state),
            (RegisterOp::Cas(from, to), Some(RegisterRet::Ok)) => {
                (*state == Some(*from)).then_some(Some(*to))
            }
            _ => CasRegister.step(state, input, output),
        }
    }

    fn read_only(&self, input: &RegisterOp, output: Option<&RegisterRet>) -> bool {
        CasRegister.read_only(input, output)
    }

    fn relevant(&self, input: &RegisterOp, output: Option<&RegisterRet>) -> bool {
        output != Some(&RegisterRet::Fail) && CasRegister.relevant(input, output)
    }
}

/// A read/write register: it starts absent, a write sets it, a read returns it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Register;

impl Model for Register {
    type State = Option<i64>;
    type Input = RegisterOp;
    type Output = RegisterRet;

    fn init(&self) -> Option<i64> {
        None
    }

    fn step(
        &self,
        state: &Option<i64>,
        input: &RegisterOp,
        output: Option<&RegisterRet>,
    ) -> Option<Option<i64>> {
        match input {
            RegisterOp::Cas(..) => None,
            _ => CasRegister.step(state, input, output),
        }
    }

    fn read_only(&self, input: &RegisterOp, output: Option<&RegisterRet>) -> bool {
        CasRegister.read_only(input, output)
    }

    fn relevant(&self, input: &RegisterOp, output: Option<&RegisterRet>) -> bool {
        CasRegister.relevant(input, output)
    }
}

/// An operation on a key-value store of strings.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvOp {
    /// Read a key.
    Get(String),
    /// Set a key.
    Put(String, String),
    /// Append to a key's value.
    Append(String, String),
}

/// What a key-value operation returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvRet {
    /// A get's value.
    Value(String),
    /// A put or an append.
    Ok,
}

/// The value of one key, with a hash of it maintained as it grows: appending to a long
/// value costs a copy but no rehash, and two values are compared in full only when their
/// lengths and hashes agree.
#[derive(Clone, Default)]
pub struct KvState {
    text: String,
    hash: u64,
}

impl KvState {
    /// The value.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn of(text: &str) -> Self {
        KvState::default().appended(text)
    }

    /// `self` with `suffix` appended. The hash is polynomial in the bytes (base
    /// 1099511628211, modulo 2^64), so it extends without rereading the prefix.
    fn appended(&self, suffix: &str) -> Self {
        let hash = suffix.bytes().fold(self.hash, |h, b| {
            h.wrapping_mul(0x0100_0000_01b3).wrapping_add(b as u64 + 1)
        });
        let mut text = String::with_capacity(self.text.len() + suffix.len());
        text.push_str(&self.text);
        text.push_str(suffix);
        KvState { text, hash }
    }
}

impl std::fmt::Debug for KvState {
    /// The value, as a string literal.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.text)
    }
}

impl PartialEq for KvState {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.text == other.text
    }
}

impl Eq for KvState {}

impl std::hash::Hash for KvState {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// A key-value store whose every key starts as the empty string, checked key by key.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kv;

impl Model for Kv {
    type State = KvState;
    type Input = KvOp;
    type Output = KvRet;

    fn init(&self) -> KvState {
        KvState::default()
    }

    fn step(
        &self,
        state: &KvState,
        input: &KvOp,
        output: Option<&KvRet>,
    ) -> Option<KvState> {
        match (input, output) {
            (KvOp::Get(_), None) => Some(state.clone()),
            (KvOp::Get(_), Some(KvRet::Value(v))) => {
                (*v == state.text).then(|| state.clone())
            }
            (KvOp::Put(_, v), None | Some(KvRet::Ok)) => Some(KvState::of(v)),
            (KvOp::Append(_, v), None | Some(KvRet::Ok)) => Some(state.appended(v)),
            _ => None,
        }
    }

    fn read_only(&self, input: &KvOp, output: Option<&KvRet>) -> bool {
        matches!((input, output), (KvOp::Get(_), Some(KvRet::Value(_))))
    }

    fn allows(&self, state: &KvState, input: &KvOp, output: Option<&KvRet>) -> bool {
        match (input, output) {
            (KvOp::Get(_), Some(KvRet::Value(v))) => *v == state.text,
            _ => self.step(state, input, output).is_some(),
        }
    }

    fn relevant(&self, input: &KvOp, output: Option<&KvRet>) -> bool {
        !(matches!(input, KvOp::Get(_)) && output.is_none())
    }

    fn partition(&self, input: &KvOp) -> Option<String> {
        match input {
            KvOp::Get(k) | KvOp::Put(k, _) | KvOp::Append(k, _) => Some(k.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cas_register_follows_the_etcd_semantics() {
        let m = CasRegister;
        assert_eq!(
            m.step(&None, &RegisterOp::Read, Some(&RegisterRet::Value(None))),
            Some(None)
        );
        assert_eq!(
            m.step(&Some(1), &RegisterOp::Read, Some(&RegisterRet::Value(None))),
            None
        );
        assert_eq!(
            m.step(&Some(1), &RegisterOp::Cas(1, 2), Some(&RegisterRet::Ok)),
            Some(Some(2))
        );
        assert_eq!(
            m.step(&Some(1), &RegisterOp::Cas(1, 2), Some(&RegisterRet::Fail)),
            None
        );
        assert_eq!(
            m.step(&Some(3), &RegisterOp::Cas(1, 2), Some(&RegisterRet::Fail)),
            Some(Some(3))
        );
        assert_eq!(
            m.step(&Some(3), &RegisterOp::Cas(3, 4), None),
            Some(Some(4))
        );
        assert!(!m.relevant(&RegisterOp::Read, None));
    }

    #[test]
    fn knossos_drops_failures_and_ignores_nil_reads() {
        let m = KnossosCasRegister;
        assert!(!m.relevant(&RegisterOp::Cas(1, 2), Some(&RegisterRet::Fail)));
        assert_eq!(
            m.step(&Some(5), &RegisterOp::Read, Some(&RegisterRet::Value(None))),
            Some(Some(5))
        );
    }
}

#[cfg(test)]
mod kv_tests {
    use super::*;

    #[test]
    fn a_value_built_by_appends_equals_the_same_value_put_at_once() {
        let built = KvState::default().appended("ab").appended("c");
        assert_eq!(built, KvState::of("abc"));
        assert_ne!(built, KvState::of("abd"));
        assert_eq!(built.as_str(), "abc");
    }
}
