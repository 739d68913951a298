//! The models the checker ships: registers with the semantics of the histories in the
//! book's test data, a key-value store checked key by key, and Knossos' multi-register
//! and mutex. Each says what a failed operation (Jepsen's `:fail`) means to it: an
//! observation (Porcupine's etcd model) or an operation that never happened (Knossos).

use crate::model::Model;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
/// A compare-and-set register as Porcupine's etcd model has it: it starts absent (`nil`);
/// a write always succeeds; `Ok` for `Cas(a, b)` asserts the value was `a` and sets `b`;
/// a failed compare-and-set is an observation: it asserts the value was not `a`. A failed
/// write or read never happened. An operation that never returned may have taken effect:
/// a write sets its value, a compare-and-set acts on whatever the value is. A read that
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
                | (RegisterOp::Write(_), Some(RegisterRet::Fail))
        )
    }
}
// ANCHOR_END: cas

/// A compare-and-set register with Knossos' semantics (`cas-register`): it starts absent
/// (`nil`); an operation that failed never happened (Knossos leaves failed operations
/// out), and a read of `nil` tells nothing (any value is allowed).
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

/// A read/write register, with [`CasRegister`]'s semantics less the compare-and-set: it
/// starts absent (`nil`), a write sets it, a read returns it (a read of `nil` asserts it
/// is absent). A failed write or read never happened. It does not
/// [define](Model::defines) compare-and-set.
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

    fn defines(&self, input: &RegisterOp) -> bool {
        !matches!(input, RegisterOp::Cas(..))
    }

    fn read_only(&self, input: &RegisterOp, output: Option<&RegisterRet>) -> bool {
        CasRegister.read_only(input, output)
    }

    fn relevant(&self, input: &RegisterOp, output: Option<&RegisterRet>) -> bool {
        CasRegister.relevant(input, output)
    }
}

/// An operation on a key-value store of strings (serializable, so that protocols can
/// carry it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KvOp {
    /// Read a key.
    Get(String),
    /// Set a key.
    Put(String, String),
    /// Append to a key's value.
    Append(String, String),
}

/// What a key-value operation returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KvRet {
    /// A get's value.
    Value(String),
    /// A put or an append.
    Ok,
    /// An operation that definitely did not happen (Jepsen's `:fail`).
    Fail,
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

/// A key-value store whose every key starts as the empty string, checked key by key. An
/// operation that failed (Jepsen's `:fail`) never happened, as in Jepsen's own semantics.
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
            && output != Some(&KvRet::Fail)
    }

    fn partition(&self, input: &KvOp) -> Option<String> {
        match input {
            KvOp::Get(k) | KvOp::Put(k, _) | KvOp::Append(k, _) => Some(k.clone()),
        }
    }
}

/// A micro-operation of a transaction on a [`MultiRegister`], as Jepsen writes it:
/// `[:read :x 1]`, `[:write :y 2]`. Keys are kept as written (`:x`, `"x"`, `3`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MicroOp {
    /// Read a register; `None` (`nil`): the value is not known.
    Read(String, Option<i64>),
    /// Write a register.
    Write(String, i64),
}

/// A transaction: micro-operations applied in order, at one point in time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Txn(pub Vec<MicroOp>);

/// What a transaction returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TxnRet {
    /// It committed: its micro-operations as completed, reads with the values they
    /// returned.
    Ok(Txn),
    /// It did not take effect.
    Fail,
}

/// Knossos' `multi-register`: registers named by keys, read and written by transactions.
/// Every register starts as `nil`. A transaction applies its micro-operations in order,
/// all at one point: a write sets its register, a read of an integer asserts that the
/// register holds it, and a read of `nil` asserts nothing (in Knossos' words, "nil reads
/// are always legal"). A committed transaction is checked as its completion records it;
/// one that never returned may have taken effect, as it was invoked. A failed one never
/// happened: it is left out, as Knossos leaves failed operations out.
#[derive(Clone, Copy, Debug, Default)]
pub struct MultiRegister;

impl MultiRegister {
    /// The registers after `ops`, or `None` if a read returned what a register did not
    /// hold.
    fn apply(
        state: &BTreeMap<String, i64>,
        ops: &[MicroOp],
    ) -> Option<BTreeMap<String, i64>> {
        let mut state = state.clone();
        for op in ops {
            match op {
                MicroOp::Read(_, None) => {}
                MicroOp::Read(key, value) => {
                    if state.get(key) != value.as_ref() {
                        return None;
                    }
                }
                MicroOp::Write(key, value) => {
                    state.insert(key.clone(), *value);
                }
            }
        }
        Some(state)
    }
}

impl Model for MultiRegister {
    type State = BTreeMap<String, i64>;
    type Input = Txn;
    type Output = TxnRet;

    fn init(&self) -> BTreeMap<String, i64> {
        BTreeMap::new()
    }

    fn step(
        &self,
        state: &BTreeMap<String, i64>,
        input: &Txn,
        output: Option<&TxnRet>,
    ) -> Option<BTreeMap<String, i64>> {
        match output {
            Some(TxnRet::Ok(done)) => MultiRegister::apply(state, &done.0),
            None => MultiRegister::apply(state, &input.0),
            Some(TxnRet::Fail) => Some(state.clone()),
        }
    }

    fn read_only(&self, _: &Txn, output: Option<&TxnRet>) -> bool {
        matches!(output, Some(TxnRet::Ok(done))
            if done.0.iter().all(|op| matches!(op, MicroOp::Read(..))))
    }

    fn relevant(&self, _: &Txn, output: Option<&TxnRet>) -> bool {
        output != Some(&TxnRet::Fail)
    }
}

/// An operation on a lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MutexOp {
    /// Take the lock.
    Acquire,
    /// Give it back.
    Release,
}

/// What a lock operation returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MutexRet {
    /// It took effect.
    Ok,
    /// It did not.
    Fail,
}

/// The state of a lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lock {
    /// No one holds it.
    Free,
    /// Someone does.
    Held,
}

/// Knossos' `mutex`: one lock, free at the start. An acquire takes a free lock, and an
/// acquire of a held lock is inconsistent; a release frees a held lock, and a release of
/// a free lock is inconsistent. Who holds the lock is not recorded: any client may
/// release it, as in Knossos. An operation that never returned may have taken effect; a
/// failed one never happened: it is left out, as Knossos leaves failed operations out.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mutex;

impl Model for Mutex {
    type State = Lock;
    type Input = MutexOp;
    type Output = MutexRet;

    fn init(&self) -> Lock {
        Lock::Free
    }

    fn step(
        &self,
        state: &Lock,
        input: &MutexOp,
        output: Option<&MutexRet>,
    ) -> Option<Lock> {
        match (input, output) {
            (_, Some(MutexRet::Fail)) => Some(*state),
            (MutexOp::Acquire, _) => (*state == Lock::Free).then_some(Lock::Held),
            (MutexOp::Release, _) => (*state == Lock::Held).then_some(Lock::Free),
        }
    }

    fn relevant(&self, _: &MutexOp, output: Option<&MutexRet>) -> bool {
        output != Some(&MutexRet::Fail)
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
    fn a_failed_write_never_happened_and_a_register_has_no_cas() {
        let failed = Some(&RegisterRet::Fail);
        assert!(!CasRegister.relevant(&RegisterOp::Write(2), failed));
        assert!(!Register.relevant(&RegisterOp::Write(2), failed));
        assert!(CasRegister.relevant(&RegisterOp::Write(2), None));
        assert!(CasRegister.relevant(&RegisterOp::Cas(1, 2), Some(&RegisterRet::Fail)));
        assert!(CasRegister.defines(&RegisterOp::Cas(1, 2)));
        assert!(!Register.defines(&RegisterOp::Cas(1, 2)));
        assert!(Register.defines(&RegisterOp::Write(1)));
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
mod knossos_tests {
    use super::*;

    fn txn(ops: &[MicroOp]) -> Txn {
        Txn(ops.to_vec())
    }

    #[test]
    fn a_transaction_applies_its_micro_operations_in_order() {
        let m = MultiRegister;
        let x = || ":x".to_owned();
        let write_then_read = txn(&[MicroOp::Write(x(), 1), MicroOp::Read(x(), Some(1))]);
        let done = TxnRet::Ok(write_then_read.clone());
        let after = m.step(&m.init(), &write_then_read, Some(&done)).unwrap();
        assert_eq!(after.get(":x"), Some(&1));
        let read_first = txn(&[MicroOp::Read(x(), Some(1)), MicroOp::Write(x(), 1)]);
        let done = TxnRet::Ok(read_first.clone());
        assert_eq!(m.step(&m.init(), &read_first, Some(&done)), None);
        // A read of nil asserts nothing; a read of a value on an unset register fails.
        let unknown = txn(&[MicroOp::Read(x(), None)]);
        assert!(
            m.step(&after, &unknown, Some(&TxnRet::Ok(unknown.clone())))
                .is_some()
        );
        let two = txn(&[MicroOp::Read(x(), Some(2))]);
        assert_eq!(
            m.step(&m.init(), &two, Some(&TxnRet::Ok(two.clone()))),
            None
        );
        // An open transaction acts as invoked; a failed one is left out.
        assert_eq!(m.step(&m.init(), &write_then_read, None), Some(after));
        assert!(!m.relevant(&two, Some(&TxnRet::Fail)));
        assert!(m.read_only(&two, Some(&TxnRet::Ok(two.clone()))));
        assert!(!m.read_only(&write_then_read, Some(&done)));
    }

    #[test]
    fn a_lock_is_taken_once_and_released_once() {
        let m = Mutex;
        let ok = Some(&MutexRet::Ok);
        assert_eq!(m.step(&Lock::Free, &MutexOp::Acquire, ok), Some(Lock::Held));
        assert_eq!(m.step(&Lock::Held, &MutexOp::Acquire, ok), None);
        assert_eq!(m.step(&Lock::Held, &MutexOp::Release, ok), Some(Lock::Free));
        assert_eq!(m.step(&Lock::Free, &MutexOp::Release, ok), None);
        assert_eq!(m.step(&Lock::Held, &MutexOp::Acquire, None), None);
        assert!(!m.relevant(&MutexOp::Acquire, Some(&MutexRet::Fail)));
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
