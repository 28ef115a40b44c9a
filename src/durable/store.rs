//! The state directory's files: `state.redb`, the store, with every value sealed by its checksum;
//! and `state.commit`, the number of the last commit acknowledged, by which a store that fell back
//! to an older commit is told from a whole one. Opening and checking them, reading the store whole,
//! and the writer loop that commits the journal's batches and recovers from a failed write.

use super::image::Image;
use super::seal;
use crate::store::journal::keys;
use crate::store::{Change, Journal};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every entry but the nonces: key and sealed value.
const STATE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state");
/// Remembered nonces, by when they expire.
const NONCES: TableDefinition<&[u8], ()> = TableDefinition::new("nonces");
/// The version of what the entries mean. A build reads its own and older versions; a newer one is
/// refused, never guessed at. Version 3 keeps each region's network record by record
/// (`network::stored`); a version 2 store's whole networks are written again by record when it is
/// opened. Version 2 seals each value with its checksum; a version 1 store is
/// sealed whole when opened.
pub const FORMAT_VERSION: u32 = 3;
const FILE: &str = "state.redb";
const COMMIT_FILE: &str = "state.commit";
/// The stored number of the last commit, in the store itself.
const COMMIT: &str = "commit";
/// Pages kept in memory by the store; the state itself lives in the emulator's tables.
const CACHE_BYTES: usize = 32 * 1024 * 1024;
/// How often a store that failed to write is tried again.
const RETRY_EVERY: Duration = Duration::from_millis(250);

/// What to do with a store that is damaged in a way that leaves something to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct Salvage {
    /// Load what verifies (skipping entries that do not, or an older commit than the last
    /// acknowledged) instead of refusing to start; each loss is logged.
    pub accept_loss: bool,
}

/// The open store and what is needed to open it again.
pub struct Store {
    db: Database,
    dir: PathBuf,
    /// The number of the last commit made.
    commit: u64,
    commit_file: Option<std::fs::File>,
}

/// The way out offered whenever the store is refused.
fn way_out() -> String {
    "move the directory aside to start empty, start from a snapshot with --snapshot, or start with --accept-state-loss to load what verifies".into()
}

/// Opens the store in `dir` (made when missing) and reads it whole. A store damaged in a way the
/// storage engine does not report as an error, but panics on, is refused as damaged all the same.
/// At start the engine's panic message is kept quiet (the refusal says it all); the panic hook is
/// the whole process's, so a reopen while serving leaves it as it is.
pub fn open(dir: &Path, now: time::OffsetDateTime, salvage: Salvage) -> Result<(Store, Option<Image>), String> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let opened = refusing_panics(dir, || open_unguarded(dir, now, salvage));
    std::panic::set_hook(quiet);
    opened
}

/// `open` again, after a failed write: the same refusal of a panic, with no change to the hook.
fn reopen(dir: &Path) -> Result<(Store, Option<Image>), String> {
    refusing_panics(dir, || {
        open_unguarded(dir, time::OffsetDateTime::now_utc(), Salvage::default())
    })
}

fn refusing_panics<T>(dir: &Path, open: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(open)).unwrap_or_else(|_| {
        Err(format!(
            "state dir {}: {FILE} is damaged (it could not be read); {}",
            dir.display(),
            way_out()
        ))
    })
}

fn open_unguarded(dir: &Path, now: time::OffsetDateTime, salvage: Salvage) -> Result<(Store, Option<Image>), String> {
    let fail = |what: String| format!("state dir {}: {what}", dir.display());
    std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot be made: {e}")))?;
    let path = dir.join(FILE);
    if !path.exists() && has_other_files(dir) {
        return Err(fail(format!(
            "holds files but no {FILE}: it is not a state directory, or its store was removed; point --state-dir at a new or empty directory"
        )));
    }
    let acknowledged = read_commit_file(dir).map_err(fail)?;
    let db = Database::builder()
        .set_cache_size(CACHE_BYTES)
        .create(&path)
        .map_err(|e| fail(opening_failure(&e)))?;
    let read = read_all(&db, now, salvage).map_err(fail)?;
    if let Some(acknowledged) = acknowledged.filter(|a| *a > read.commit) {
        let behind = format!(
            "{FILE} holds commit {} but commit {acknowledged} was acknowledged: the store is damaged and fell back to an older commit",
            read.commit
        );
        if !salvage.accept_loss {
            return Err(fail(format!("{behind}; {}", way_out())));
        }
        tracing::warn!("{behind}; loading it as --accept-state-loss asks");
    }
    let mut store = Store {
        db,
        dir: dir.to_owned(),
        commit: read.commit.max(acknowledged.unwrap_or(0)),
        commit_file: None,
    };
    store.commit_file = Some(open_commit_file(dir).map_err(fail)?);
    if read.image.is_none() || read.version < FORMAT_VERSION || !read.skipped.is_empty() {
        // In one commit: a version 1 store sealed, a new one marked, a salvaged one rid of what
        // was left out.
        store.seal_all(&read.skipped).map_err(fail)?;
    }
    Ok((store, read.image))
}

fn opening_failure(e: &redb::DatabaseError) -> String {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => format!(
            "{FILE} is in use by another running eci-emulator; stop it, or point --state-dir at another directory"
        ),
        _ => format!("{FILE} cannot be opened ({e}); {}", way_out()),
    }
}

fn has_other_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// The number in `state.commit`, sealed as a stored value is (its checksum, then eight bytes).
/// Missing: none acknowledged yet (or a store from before the file was kept).
fn read_commit_file(dir: &Path) -> Result<Option<u64>, String> {
    let bytes = match std::fs::read(dir.join(COMMIT_FILE)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{COMMIT_FILE} cannot be read: {e}")),
    };
    let number: [u8; 8] = seal::unseal(COMMIT_FILE.as_bytes(), &bytes)
        .and_then(|number| number.try_into().ok())
        .ok_or_else(|| format!("{COMMIT_FILE} is damaged (its checksum does not match); {}", way_out()))?;
    Ok(Some(u64::from_le_bytes(number)))
}

fn commit_file_bytes(commit: u64) -> Vec<u8> {
    seal::seal(COMMIT_FILE.as_bytes(), &commit.to_le_bytes())
}

fn open_commit_file(dir: &Path) -> Result<std::fs::File, String> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(COMMIT_FILE))
        .map_err(|e| format!("{COMMIT_FILE} cannot be written: {e}"))
}

/// What the store held.
struct Read {
    image: Option<Image>,
    version: u32,
    commit: u64,
    /// Keys of entries left out because they did not verify.
    skipped: Vec<Vec<u8>>,
}

/// The stored state, or `None` for a store that holds nothing yet.
fn read_all(db: &Database, now: time::OffsetDateTime, salvage: Salvage) -> Result<Read, String> {
    let mut read = Read {
        image: None,
        version: FORMAT_VERSION,
        commit: 0,
        skipped: Vec::new(),
    };
    let txn = db.begin_read().map_err(|e| e.to_string())?;
    let state = match txn.open_table(STATE) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(read),
        Err(e) => return Err(format!("{FILE} cannot be read ({e}); {}", way_out())),
    };
    read.version = check_format(&state)?;
    let format_key = keys::meta(keys::FORMAT);
    let commit_key = keys::meta(COMMIT);
    let mut image = Image::default();
    for entry in state.iter().map_err(|e| e.to_string())? {
        let (key, value) = entry.map_err(|e| format!("{FILE} cannot be read: {e}"))?;
        let (key, stored) = (key.value(), value.value());
        if key == format_key.as_slice() {
            continue;
        }
        let value = match read.version {
            1 => stored,
            _ => match seal::unseal(key, stored) {
                Some(value) => value,
                None => {
                    let named = String::from_utf8_lossy(key).chars().take(200).collect::<String>();
                    let damaged = format!("{FILE} is damaged: the entry {named} does not match its checksum");
                    if !salvage.accept_loss {
                        return Err(format!("{damaged}; {}", way_out()));
                    }
                    tracing::warn!("{damaged}; it is left out, as --accept-state-loss asks");
                    read.skipped.push(key.to_vec());
                    continue;
                }
            },
        };
        if key == commit_key.as_slice() {
            read.commit = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            continue;
        }
        image
            .load_entry(key, value)
            .map_err(|e| format!("{FILE} holds an entry this build cannot read: {e}"))?;
    }
    if image.entries() == 0 {
        return Ok(read);
    }
    image
        .check()
        .map_err(|e| format!("{FILE} is inconsistent: {e}; {}", way_out()))?;
    if let Ok(nonces) = txn.open_table(NONCES) {
        let now_key = keys::nonce(unix_nanos(now), "", "");
        for entry in nonces.range(now_key.as_slice()..).map_err(|e| e.to_string())? {
            let (key, _) = entry.map_err(|e| e.to_string())?;
            image.load_nonce(key.value());
        }
    }
    read.image = Some(image);
    Ok(read)
}

fn check_format(state: &redb::ReadOnlyTable<&[u8], &[u8]>) -> Result<u32, String> {
    let stored = state
        .get(keys::meta(keys::FORMAT).as_slice())
        .map_err(|e| e.to_string())?;
    let Some(stored) = stored else {
        return if state.is_empty().map_err(|e| e.to_string())? {
            Ok(FORMAT_VERSION)
        } else {
            Err(format!("{FILE} has entries but no format version; {}", way_out()))
        };
    };
    let version = std::str::from_utf8(stored.value())
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or_else(|| format!("{FILE} has an unreadable format version; {}", way_out()))?;
    if version > FORMAT_VERSION {
        return Err(format!(
            "{FILE} was written by a newer eci-emulator (format {version}; this build reads up to {FORMAT_VERSION}); run that version or move the directory aside"
        ));
    }
    Ok(version)
}

fn unix_nanos(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

type StateTable<'t> = redb::Table<'t, &'static [u8], &'static [u8]>;

impl Store {
    /// Commits `changes` with the next commit number; on success, that number is the one
    /// acknowledged.
    fn commit_changes(
        &mut self,
        changes: impl FnOnce(&mut StateTable<'_>, &mut redb::Table<&[u8], ()>) -> Result<(), redb::StorageError>,
    ) -> Result<(), String> {
        let txn = self.db.begin_write().map_err(|e| e.to_string())?;
        let next = self.commit + 1;
        {
            let mut state = txn.open_table(STATE).map_err(|e| e.to_string())?;
            let mut nonces = txn.open_table(NONCES).map_err(|e| e.to_string())?;
            changes(&mut state, &mut nonces).map_err(|e| e.to_string())?;
            put_sealed(&mut state, &keys::meta(COMMIT), next.to_string().as_bytes()).map_err(|e| e.to_string())?;
        }
        txn.commit().map_err(|e| e.to_string())?;
        self.commit = next;
        self.acknowledge();
        Ok(())
    }

    /// Records the commit just made as acknowledged. Not synced: the number only ever trails the
    /// store, so a crash leaves it at or behind what the store holds, never ahead.
    fn acknowledge(&mut self) {
        let Some(file) = &self.commit_file else { return };
        if let Err(e) = file.write_all_at(&commit_file_bytes(self.commit), 0) {
            tracing::warn!("{COMMIT_FILE} could not be written ({e}); a store that falls back to an older commit will not be noticed");
            self.commit_file = None;
        }
    }

    /// Every entry sealed with its checksum under the current format version, and the `dropped`
    /// ones removed, in one commit.
    fn seal_all(&mut self, dropped: &[Vec<u8>]) -> Result<(), String> {
        let unsealed = self.unsealed_entries()?;
        self.commit_changes(|state, nonces| {
            for (key, value) in &unsealed {
                put_sealed(state, key, value)?;
            }
            // Walked, not looked up: a damaged page may hold a key the tree is searched by, and a
            // lookup of the damaged entry could then miss it.
            if !dropped.is_empty() {
                state.retain(|key, _| !dropped.iter().any(|d| d.as_slice() == key))?;
            }
            put_format(state)?;
            nonces.len().map(|_| ())
        })
    }

    /// The entries of a store of format 1 (whose values are not sealed); none otherwise.
    fn unsealed_entries(&self) -> Result<Vec<super::export::Entry>, String> {
        let txn = self.db.begin_read().map_err(|e| e.to_string())?;
        let Ok(state) = txn.open_table(STATE) else {
            return Ok(Vec::new());
        };
        if check_format(&state)? != 1 {
            return Ok(Vec::new());
        }
        let format_key = keys::meta(keys::FORMAT);
        let mut entries = Vec::new();
        for entry in state.iter().map_err(|e| e.to_string())? {
            let (key, value) = entry.map_err(|e| e.to_string())?;
            if key.value() != format_key.as_slice() {
                entries.push((key.value().to_vec(), value.value().to_vec()));
            }
        }
        Ok(entries)
    }

    fn write_batch(&mut self, batch: Vec<Change>) -> Result<(), String> {
        self.commit_changes(|state, nonces| {
            for change in batch {
                apply(state, nonces, change)?;
            }
            let expired = keys::nonce(unix_nanos(time::OffsetDateTime::now_utc()), "", "");
            nonces.retain_in(..expired.as_slice(), |_, _| false)
        })
    }
}

/// The format version, the one entry kept unsealed: it says whether the others are.
fn put_format(state: &mut StateTable<'_>) -> Result<(), redb::StorageError> {
    state
        .insert(
            keys::meta(keys::FORMAT).as_slice(),
            FORMAT_VERSION.to_string().as_bytes(),
        )
        .map(|_| ())
}

fn put_sealed(state: &mut StateTable<'_>, key: &[u8], value: &[u8]) -> Result<(), redb::StorageError> {
    state.insert(key, seal::seal(key, value).as_slice()).map(|_| ())
}

fn apply(
    state: &mut StateTable<'_>,
    nonces: &mut redb::Table<&[u8], ()>,
    change: Change,
) -> Result<(), redb::StorageError> {
    match change {
        Change::Put(key, value) => put_sealed(state, &key, &value)?,
        Change::Delete(key) => {
            state.remove(key.as_slice())?;
        }
        Change::Nonce(key) => {
            nonces.insert(key.as_slice(), ())?;
        }
        Change::Clear => {
            state.retain(|_, _| false)?;
            nonces.retain(|_, _| false)?;
            put_format(state)?;
        }
    }
    Ok(())
}

/// Puts the running state back to what the store holds (`None`: an empty store), after a failed
/// write left it ahead of the disk.
pub type Reload = dyn Fn(Option<Image>) + Send + Sync;

/// The writer thread: commits each batch the journal hands over, until it is closed and drained. A
/// batch that cannot be written fails the calls that made it, and the writer reopens the store and
/// puts the running state back to what it holds, so nothing of a failed call remains; until that
/// works, the journal is degraded and every call that would write fails at once, saying why.
pub fn write_journal(mut store: Store, journal: &Journal, reload: &std::sync::OnceLock<Box<Reload>>) {
    let _stopped = WriterStopped(journal);
    while let Some((batch, last)) = journal.take_batch() {
        let bytes = batch.iter().map(Change::size).sum();
        // The storage engine can panic on a file damaged under it: that is a failed write too.
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store.write_batch(batch)))
            .unwrap_or_else(|_| Err("the storage engine failed on a damaged file".into()));
        if let Err(why) = written {
            let why = format!("{FILE}: {why}");
            tracing::error!("the state directory could not be written: {why}");
            journal.set_degraded(Some(&why));
            journal.mark_failed(last, &why);
            match recover(store, journal, reload) {
                Some(reopened) => store = reopened,
                None => return,
            }
            continue;
        }
        journal.count_written(bytes);
        journal.mark_committed(last);
    }
}

/// Whatever ends the writer, calls that wait for it are not left waiting.
struct WriterStopped<'a>(&'a Journal);

impl Drop for WriterStopped<'_> {
    fn drop(&mut self) {
        if !self.0.is_closed() || std::thread::panicking() {
            self.0
                .set_degraded(Some("the state writer stopped; restart the emulator"));
        }
    }
}

/// Reopens the store until it opens and takes a commit, then puts the running state back to what it
/// holds; `None` when the journal closed first.
fn recover(store: Store, journal: &Journal, reload: &std::sync::OnceLock<Box<Reload>>) -> Option<Store> {
    let dir = store.dir.clone();
    drop(store);
    loop {
        let attempt =
            reopen(&dir).and_then(|(mut store, image)| store.commit_changes(|_, _| Ok(())).map(|()| (store, image)));
        match attempt {
            Ok((store, image)) => {
                // No call changes anything from the state put back until the queue is emptied.
                let exclusive = journal.exclusive();
                if let Some(reload) = reload.get() {
                    reload(image);
                }
                journal.mark_failed(
                    journal.drop_queued(),
                    "the store failed to write it and was rolled back to its last commit",
                );
                journal.set_degraded(None);
                drop(exclusive);
                tracing::info!("the state directory is written again; the running state is back to its last commit");
                return Some(store);
            }
            Err(why) => journal.set_degraded(Some(&format!("{FILE} cannot be written, and is tried again: {why}"))),
        }
        journal.mark_failed(journal.drop_queued(), "the state directory cannot be written");
        if journal.is_closed() {
            return None;
        }
        std::thread::sleep(RETRY_EVERY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commit_file_reads_back_and_damage_is_told() {
        let dir = std::env::temp_dir().join(format!("eci-commit-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let _ = std::fs::remove_file(dir.join(COMMIT_FILE));
        assert_eq!(read_commit_file(&dir), Ok(None), "a missing file is none acknowledged");
        let bytes = commit_file_bytes(7);
        assert_eq!(bytes.len(), 12);
        std::fs::write(dir.join(COMMIT_FILE), &bytes).unwrap();
        assert_eq!(read_commit_file(&dir), Ok(Some(7)));
        for damaged in [[&bytes[..4], &[8u8], &bytes[5..]].concat(), bytes[..11].to_vec()] {
            std::fs::write(dir.join(COMMIT_FILE), damaged).unwrap();
            let refused = read_commit_file(&dir).unwrap_err();
            assert!(refused.contains("state.commit is damaged"), "{refused}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
