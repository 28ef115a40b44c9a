//! The changes a durable emulator has made and not yet written: one ordered queue that the store's
//! writer drains in batches (group commit), the sequence number each call waits on before it is
//! answered, and the sinks through which tables and token maps put their changes in it.

use parking_lot::{Condvar, Mutex};
use serde::Serialize;
use std::cell::Cell;
use std::sync::Arc;
use tokio::sync::watch;

/// One change to the stored state. Keys and values are the store's bytes (`keys` makes the keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Put(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
    /// A remembered nonce, in its own table so expired ones can be dropped by range.
    Nonce(Vec<u8>),
    /// Everything goes (a reset, a snapshot loaded).
    Clear,
}

impl Change {
    /// The bytes it writes: its key and value.
    pub fn size(&self) -> u64 {
        let bytes = match self {
            Change::Put(key, value) => key.len() + value.len(),
            Change::Delete(key) | Change::Nonce(key) => key.len(),
            Change::Clear => 0,
        };
        bytes as u64
    }
}

/// How far the writer has come: every change numbered up to `seq` is on disk, unless it is in one of
/// the ranges that failed.
#[derive(Debug, Clone, Default)]
struct Committed {
    seq: u64,
    /// The latest ranges of changes that were not written, with why: the calls that made them fail.
    failed: std::collections::VecDeque<(u64, u64, Arc<str>)>,
    /// Set while the store cannot be written: every call that waits fails at once with it, until the
    /// writer has reopened the store and put the running state back to what it holds.
    degraded: Option<Arc<str>>,
}

/// Failed ranges remembered: a call looks its own up microseconds after queuing, so a few suffice.
const FAILED_RANGES_KEPT: usize = 64;

impl Committed {
    fn failure_of(&self, seq: u64) -> Option<Arc<str>> {
        self.failed
            .iter()
            .find(|(from, to, _)| (*from..=*to).contains(&seq))
            .map(|(_, _, why)| Arc::clone(why))
    }
}

#[derive(Debug, Default)]
struct Queue {
    changes: Vec<Change>,
    /// The number of the last change queued.
    last: u64,
    /// While above zero, the writer takes nothing: changes that must land in one commit are queued.
    holds: usize,
    closed: bool,
}

thread_local! {
    /// The last change queued on this thread since `begin_call`: what the call must wait for.
    static CALL_SEQ: Cell<u64> = const { Cell::new(0) };
}

/// Marks the start of a call's synchronous work on this thread.
pub fn begin_call() {
    CALL_SEQ.with(|seq| seq.set(0));
}

/// The last change the call queued, if it queued any that it must wait for.
pub fn end_call() -> Option<u64> {
    CALL_SEQ.with(|seq| Some(seq.replace(0)).filter(|s| *s > 0))
}

/// The ordered queue of changes and what has been committed of it.
#[derive(Debug)]
pub struct Journal {
    queue: Mutex<Queue>,
    wake_writer: Condvar,
    committed: watch::Sender<Committed>,
    /// Bytes of the changes committed so far (keys and values).
    written: std::sync::atomic::AtomicU64,
    /// Held shared by each call while it changes the state and queues its changes, and exclusively
    /// while the state is put back to the store's after a failed write: no call's change can land in
    /// between the state put back and the queue emptied, where it would stay in memory unwritten.
    gate: parking_lot::RwLock<()>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            queue: Mutex::new(Queue::default()),
            wake_writer: Condvar::new(),
            committed: watch::Sender::new(Committed::default()),
            written: std::sync::atomic::AtomicU64::new(0),
            gate: parking_lot::RwLock::new(()),
        }
    }
}

impl Journal {
    /// Queues a change the calling call waits for.
    pub fn push(&self, change: Change) -> u64 {
        let seq = self.enqueue(change);
        CALL_SEQ.with(|last| last.set(last.get().max(seq)));
        seq
    }

    /// Queues a change written with the next commit that nobody waits for (a read's nonce).
    pub fn push_unawaited(&self, change: Change) {
        self.enqueue(change);
    }

    fn enqueue(&self, change: Change) -> u64 {
        let mut queue = self.queue.lock();
        // The writer takes everything queued at once, so only the first change after it took its
        // batch needs to wake it: a signal per change would cost a system call each.
        let writer_idle = queue.changes.is_empty();
        queue.changes.push(change);
        queue.last += 1;
        let seq = queue.last;
        drop(queue);
        if writer_idle {
            self.wake_writer.notify_one();
        }
        seq
    }

    /// The number of the last change queued so far.
    pub fn last_queued(&self) -> u64 {
        self.queue.lock().last
    }

    /// The writer's side: waits for changes and takes them all, with the number of the last; `None`
    /// once the journal is closed and drained.
    pub fn take_batch(&self) -> Option<(Vec<Change>, u64)> {
        let mut queue = self.queue.lock();
        while queue.changes.is_empty() || (queue.holds > 0 && !queue.closed) {
            if queue.closed && queue.changes.is_empty() {
                return None;
            }
            self.wake_writer.wait(&mut queue);
        }
        Some((std::mem::take(&mut queue.changes), queue.last))
    }

    /// The writer's side: everything queued, dropped unwritten; the number of the last change queued.
    pub fn drop_queued(&self) -> u64 {
        let mut queue = self.queue.lock();
        queue.changes.clear();
        queue.last
    }

    /// Whether no more changes come.
    pub fn is_closed(&self) -> bool {
        self.queue.lock().closed
    }

    /// Until the guard is dropped, the writer takes nothing, so the changes queued meanwhile land in
    /// one commit: a state replaced whole is on disk whole or not at all, even across a kill.
    pub fn hold(&self) -> Hold<'_> {
        self.queue.lock().holds += 1;
        Hold(self)
    }

    /// A call's side: held while it changes the state and queues its changes.
    pub fn serving(&self) -> parking_lot::RwLockReadGuard<'_, ()> {
        self.gate.read()
    }

    /// The writer's side: held while the state is put back to the store's and the queue emptied.
    pub fn exclusive(&self) -> parking_lot::RwLockWriteGuard<'_, ()> {
        self.gate.write()
    }

    /// The writer's side: `bytes` more were committed.
    pub fn count_written(&self, bytes: u64) {
        self.written.fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    /// Bytes of the changes committed since start.
    pub fn written_bytes(&self) -> u64 {
        self.written.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The writer's side: everything up to `seq` is on disk.
    pub fn mark_committed(&self, seq: u64) {
        self.committed.send_modify(|committed| {
            committed.seq = committed.seq.max(seq);
            committed.degraded = None;
        });
    }

    /// The writer's side: the changes after the last resolved one up to `seq` were not written, for
    /// `why`; the calls that made them fail with it.
    pub fn mark_failed(&self, seq: u64, why: &str) {
        self.committed.send_modify(|committed| {
            if seq > committed.seq {
                if committed.failed.len() == FAILED_RANGES_KEPT {
                    committed.failed.pop_front();
                }
                committed.failed.push_back((committed.seq + 1, seq, why.into()));
                committed.seq = seq;
            }
        });
    }

    /// The writer's side: the store cannot be written (`Some`, why), or can again (`None`).
    pub fn set_degraded(&self, why: Option<&str>) {
        self.committed
            .send_modify(|committed| committed.degraded = why.map(Arc::from));
    }

    /// Why the store cannot be written right now, if it cannot.
    pub fn degraded(&self) -> Option<Arc<str>> {
        self.committed.borrow().degraded.clone()
    }

    /// Resolves once the change numbered `seq` is on disk; an error when it was not written, or the
    /// store cannot be written now.
    pub async fn durable(&self, seq: u64) -> Result<(), Arc<str>> {
        let mut committed = self.committed.subscribe();
        let done = committed
            .wait_for(|c| c.seq >= seq || c.degraded.is_some())
            .await
            .map(|c| match &c.degraded {
                Some(why) if c.seq < seq => Some(Arc::clone(why)),
                _ => c.failure_of(seq),
            })
            .unwrap_or_else(|_| Some("the state writer stopped".into()));
        done.map_or(Ok(()), Err)
    }

    /// No more changes come; the writer drains what is queued and stops.
    pub fn close(&self) {
        self.queue.lock().closed = true;
        self.wake_writer.notify_all();
    }
}

/// Holds the writer back while alive (see `Journal::hold`).
pub struct Hold<'a>(&'a Journal);

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        self.0.queue.lock().holds -= 1;
        self.0.wake_writer.notify_all();
    }
}

/// Where one family of one partition puts its changes: the journal and the key prefix.
#[derive(Debug, Clone)]
pub struct Sink {
    journal: Arc<Journal>,
    scope: [String; 3],
}

impl Sink {
    /// Changes of `family` records in the partition of `account` in `region`.
    pub fn new(journal: &Arc<Journal>, account: &str, region: &str, family: &str) -> Self {
        Sink {
            journal: Arc::clone(journal),
            scope: [account.to_owned(), region.to_owned(), family.to_owned()],
        }
    }

    /// A table's record, keyed by its place in the table's order: a record never changes place, and
    /// new records come last, so the store appends rather than writing all over its tree.
    pub fn put_record(&self, seq: u64, record: &impl Serialize) {
        self.put(&keys::position(seq), record);
    }

    pub fn delete_record(&self, seq: u64) {
        self.delete(&keys::position(seq));
    }

    /// A value under a name of its own (a `ClientToken`).
    pub fn put(&self, name: &str, value: &impl Serialize) {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                self.journal.push(Change::Put(self.key(name), bytes));
            }
            Err(e) => tracing::error!(name, "a record could not be written: {e}"),
        }
    }

    pub fn delete(&self, name: &str) {
        self.journal.push(Change::Delete(self.key(name)));
    }

    fn key(&self, id: &str) -> Vec<u8> {
        let [account, region, family] = &self.scope;
        keys::record(account, region, family, id)
    }
}

/// The store's keys: JSON arrays, so any id is written unambiguously and keys sort by kind first.
pub mod keys {
    /// The format version of the stored state.
    pub const FORMAT: &str = "format";

    /// An entry of a family in one partition, under `name`: a record's `position`, or a token.
    pub fn record(account: &str, region: &str, family: &str, name: &str) -> Vec<u8> {
        serde_json::to_vec(&("r", account, region, family, name)).unwrap_or_default()
    }

    /// A record's place in its table's order as a name that sorts as the number does.
    pub fn position(seq: u64) -> String {
        format!("{seq:020}")
    }

    /// An entry of a region's network: a record of `kind` under its id (`network::stored`).
    pub fn network(region: &str, kind: &str, name: &str) -> Vec<u8> {
        serde_json::to_vec(&("n", region, kind, name)).unwrap_or_default()
    }

    /// A whole-state value such as the fault rules (or, in stores of before format 3, a region's
    /// network).
    pub fn global(name: &str, part: &str) -> Vec<u8> {
        serde_json::to_vec(&("g", name, part)).unwrap_or_default()
    }

    /// Metadata of the store itself.
    pub fn meta(name: &str) -> Vec<u8> {
        serde_json::to_vec(&("m", name)).unwrap_or_default()
    }

    /// A nonce, first by when it expires (19 digits until the year 2286, so they sort by time).
    pub fn nonce(expires_nanos: i64, access_key_id: &str, nonce: &str) -> Vec<u8> {
        serde_json::to_vec(&(expires_nanos, access_key_id, nonce)).unwrap_or_default()
    }

    /// What a key names, read back.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
    #[serde(untagged)]
    pub enum Key {
        Record(String, String, String, String, String),
        Network(String, String, String, String),
        Global(String, String, String),
        Meta(String, String),
    }

    pub fn parse(bytes: &[u8]) -> Option<Key> {
        serde_json::from_slice(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_waits_for_its_own_changes_only() {
        let journal = Journal::default();
        begin_call();
        journal.push_unawaited(Change::Nonce(b"n".to_vec()));
        assert_eq!(end_call(), None, "a nonce alone is not waited for");
        begin_call();
        journal.push(Change::Delete(b"a".to_vec()));
        let seq = journal.push(Change::Delete(b"b".to_vec()));
        assert_eq!((end_call(), seq), (Some(3), 3));
        let (batch, last) = journal.take_batch().unwrap();
        assert_eq!((batch.len(), last), (3, 3));
    }

    #[test]
    fn keys_read_back() {
        let key = keys::record("acc/1", "cn-hangzhou", "group", "eci-\"x");
        assert_eq!(
            keys::parse(&key),
            Some(keys::Key::Record(
                "r".into(),
                "acc/1".into(),
                "cn-hangzhou".into(),
                "group".into(),
                "eci-\"x".into()
            ))
        );
        assert!(matches!(
            keys::parse(&keys::global("network", "cn-beijing")),
            Some(keys::Key::Global(..))
        ));
        assert!(keys::nonce(1_790_000_000_000_000_000, "a", "n") < keys::nonce(1_790_000_000_000_000_001, "a", "a"));
    }

    #[tokio::test]
    async fn durable_resolves_when_committed_or_failed() {
        let journal = Arc::new(Journal::default());
        let seq = journal.push(Change::Clear);
        let waiter = tokio::spawn({
            let journal = Arc::clone(&journal);
            async move { journal.durable(seq).await }
        });
        journal.mark_committed(seq);
        assert!(waiter.await.unwrap().is_ok());
        let failed = journal.push(Change::Clear);
        journal.mark_failed(failed, "disk full");
        assert_eq!(journal.durable(failed).await.unwrap_err().as_ref(), "disk full");
        assert!(journal.durable(seq).await.is_ok(), "an earlier commit stays written");
        let later = journal.push(Change::Clear);
        journal.set_degraded(Some("no space"));
        assert_eq!(journal.durable(later).await.unwrap_err().as_ref(), "no space");
        journal.mark_committed(later);
        assert!(
            journal.durable(later).await.is_ok(),
            "a commit after recovery is written"
        );
        assert_eq!(journal.durable(failed).await.unwrap_err().as_ref(), "disk full");
    }

    #[test]
    fn a_held_journal_hands_nothing_to_the_writer() {
        let journal = Arc::new(Journal::default());
        let hold = journal.hold();
        journal.push(Change::Clear);
        let writer = std::thread::spawn({
            let journal = Arc::clone(&journal);
            move || journal.take_batch().map(|(batch, last)| (batch.len(), last))
        });
        std::thread::sleep(std::time::Duration::from_millis(30));
        journal.push(Change::Delete(b"a".to_vec()));
        assert!(!writer.is_finished(), "the writer took changes while held");
        drop(hold);
        assert_eq!(writer.join().unwrap(), Some((2, 2)));
    }
}
