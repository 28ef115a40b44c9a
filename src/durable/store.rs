//! The state directory's one file, `state.redb`: opening and checking it, reading it whole at start,
//! and the writer loop that commits the journal's batches.

use super::image::Image;
use crate::store::journal::keys;
use crate::store::{Change, Journal};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use std::path::Path;

/// Every entry but the nonces: key and value as the journal makes them.
const STATE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state");
/// Remembered nonces, by when they expire.
const NONCES: TableDefinition<&[u8], ()> = TableDefinition::new("nonces");
/// The version of what the entries mean. A build reads its own and older versions; a newer one is
/// refused, never guessed at.
pub const FORMAT_VERSION: u32 = 1;
const FILE: &str = "state.redb";
/// Pages kept in memory by the store; the state itself lives in the emulator's tables.
const CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Opens the store in `dir` (made when missing) and reads it whole. A store damaged in a way the
/// storage engine does not report as an error, but panics on, is refused as damaged all the same.
pub fn open(dir: &Path, now: time::OffsetDateTime) -> Result<(Database, Option<Image>), String> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let opened = std::panic::catch_unwind(|| open_unguarded(dir, now));
    std::panic::set_hook(quiet);
    opened.unwrap_or_else(|_| {
        Err(format!(
            "state dir {}: {FILE} is damaged (it could not be read); move the directory aside to start empty, or start from a snapshot with --snapshot",
            dir.display()
        ))
    })
}

fn open_unguarded(dir: &Path, now: time::OffsetDateTime) -> Result<(Database, Option<Image>), String> {
    let fail = |what: String| format!("state dir {}: {what}", dir.display());
    std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot be made: {e}")))?;
    let path = dir.join(FILE);
    if !path.exists() && has_other_files(dir) {
        return Err(fail(format!(
            "holds files but no {FILE}: it is not a state directory, or its store was removed; point --state-dir at a new or empty directory"
        )));
    }
    let db = Database::builder()
        .set_cache_size(CACHE_BYTES)
        .create(&path)
        .map_err(|e| {
            fail(format!(
                "{FILE} cannot be opened ({e}); if it is damaged, move it aside to start empty"
            ))
        })?;
    let image = read_all(&db, now).map_err(fail)?;
    if image.is_none() {
        mark_format(&db).map_err(fail)?;
    }
    Ok((db, image))
}

fn has_other_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

fn mark_format(db: &Database) -> Result<(), String> {
    let txn = db.begin_write().map_err(|e| e.to_string())?;
    {
        let mut state = txn.open_table(STATE).map_err(|e| e.to_string())?;
        state
            .insert(
                keys::meta(keys::FORMAT).as_slice(),
                FORMAT_VERSION.to_string().as_bytes(),
            )
            .map_err(|e| e.to_string())?;
        txn.open_table(NONCES).map_err(|e| e.to_string())?;
    }
    txn.commit().map_err(|e| e.to_string())
}

/// The stored state, or `None` for a store that holds nothing yet.
fn read_all(db: &Database, now: time::OffsetDateTime) -> Result<Option<Image>, String> {
    let txn = db.begin_read().map_err(|e| e.to_string())?;
    let state = match txn.open_table(STATE) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(format!("{FILE} cannot be read ({e}); move it aside to start empty")),
    };
    check_format(&state)?;
    if state.len().map_err(|e| e.to_string())? <= 1 {
        return Ok(None);
    }
    let mut image = Image::default();
    for entry in state.iter().map_err(|e| e.to_string())? {
        let (key, value) = entry.map_err(|e| format!("{FILE} cannot be read: {e}"))?;
        image
            .load_entry(key.value(), value.value())
            .map_err(|e| format!("{FILE} holds an entry this build cannot read: {e}"))?;
    }
    if let Ok(nonces) = txn.open_table(NONCES) {
        let now_key = keys::nonce(unix_nanos(now), "", "");
        for entry in nonces.range(now_key.as_slice()..).map_err(|e| e.to_string())? {
            let (key, _) = entry.map_err(|e| e.to_string())?;
            image.load_nonce(key.value());
        }
    }
    Ok(Some(image))
}

fn check_format(state: &redb::ReadOnlyTable<&[u8], &[u8]>) -> Result<(), String> {
    let stored = state
        .get(keys::meta(keys::FORMAT).as_slice())
        .map_err(|e| e.to_string())?;
    let Some(stored) = stored else {
        return if state.is_empty().map_err(|e| e.to_string())? {
            Ok(())
        } else {
            Err(format!(
                "{FILE} has entries but no format version; move it aside to start empty"
            ))
        };
    };
    let version = std::str::from_utf8(stored.value())
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or_else(|| format!("{FILE} has an unreadable format version"))?;
    if version > FORMAT_VERSION {
        return Err(format!(
            "{FILE} was written by a newer eci-emulator (format {version}; this build reads up to {FORMAT_VERSION}); run that version or move the directory aside"
        ));
    }
    Ok(())
}

fn unix_nanos(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

/// The writer thread: commits each batch the journal hands over, until it is closed and drained.
pub fn write_journal(db: Database, journal: &Journal) {
    while let Some((batch, last)) = journal.take_batch() {
        let failure = write_batch(&db, batch).err();
        if let Some(failure) = &failure {
            tracing::error!("the state directory could not be written: {failure}");
        }
        journal.mark_committed(last, failure);
    }
}

fn write_batch(db: &Database, batch: Vec<Change>) -> Result<(), String> {
    let txn = db.begin_write().map_err(|e| e.to_string())?;
    {
        let mut state = txn.open_table(STATE).map_err(|e| e.to_string())?;
        let mut nonces = txn.open_table(NONCES).map_err(|e| e.to_string())?;
        for change in batch {
            apply(&mut state, &mut nonces, change).map_err(|e| e.to_string())?;
        }
        let expired = keys::nonce(unix_nanos(time::OffsetDateTime::now_utc()), "", "");
        nonces
            .retain_in(..expired.as_slice(), |_, _| false)
            .map_err(|e| e.to_string())?;
    }
    txn.commit().map_err(|e| e.to_string())
}

fn apply(
    state: &mut redb::Table<&[u8], &[u8]>,
    nonces: &mut redb::Table<&[u8], ()>,
    change: Change,
) -> Result<(), redb::StorageError> {
    match change {
        Change::Put(key, value) => {
            state.insert(key.as_slice(), value.as_slice())?;
        }
        Change::Delete(key) => {
            state.remove(key.as_slice())?;
        }
        Change::Nonce(key) => {
            nonces.insert(key.as_slice(), ())?;
        }
        Change::Clear => {
            state.retain(|_, _| false)?;
            nonces.retain(|_, _| false)?;
            state.insert(
                keys::meta(keys::FORMAT).as_slice(),
                FORMAT_VERSION.to_string().as_bytes(),
            )?;
        }
    }
    Ok(())
}
