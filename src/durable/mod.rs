//! Durable state (`--state-dir`): the store on disk and the thread that commits the journal to it in
//! batches, the whole state as entries (loaded at start, streamed as a snapshot, put back from one),
//! and the whole-state values captured after each call.
//!
//! The store is redb: an embedded, crash-safe B-tree store in pure Rust (copy-on-write pages, a
//! commit is atomic and, with `Durability::Immediate`, on disk when it returns). Every change a call
//! makes is queued in the journal under the lock that made it; one writer thread takes all that is
//! queued, writes it in one transaction and commits, and the calls waiting on those changes are
//! answered. Concurrent calls share each commit's fsync. A batch that cannot be written fails its
//! calls, and the running state is put back to the store's last commit once it can be reopened.

pub mod capture;
pub mod export;
pub mod image;
pub mod seal;
pub mod snapshot;
mod store;

pub use capture::Captured;
pub use image::{Image, Parts};
pub use store::{Reload, Salvage};

use crate::store::Journal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The open state directory: the journal its writer drains, and the writer.
pub struct Durable {
    journal: Arc<Journal>,
    writer: parking_lot::Mutex<Option<std::thread::JoinHandle<()>>>,
    dir: PathBuf,
    reload: Arc<std::sync::OnceLock<Box<Reload>>>,
    pub captured: Captured,
}

impl Durable {
    /// Opens (or makes) the state directory and reads what it holds: `None` when it holds nothing.
    /// The error names the directory and says what to do.
    pub fn open(dir: &Path, now: time::OffsetDateTime, salvage: Salvage) -> Result<(Durable, Option<Image>), String> {
        let (store, image) = store::open(dir, now, salvage)?;
        let journal = Arc::new(Journal::default());
        let reload: Arc<std::sync::OnceLock<Box<Reload>>> = Arc::default();
        let writer = {
            let (journal, reload) = (Arc::clone(&journal), Arc::clone(&reload));
            std::thread::Builder::new()
                .name("state-writer".into())
                .spawn(move || store::write_journal(store, &journal, &reload))
                .map_err(|e| format!("state dir {}: the writer thread could not start: {e}", dir.display()))?
        };
        let durable = Durable {
            journal,
            writer: parking_lot::Mutex::new(Some(writer)),
            dir: dir.to_owned(),
            reload,
            captured: Captured::default(),
        };
        Ok((durable, image))
    }

    /// How the running state is put back to what the store holds after a failed write; set once.
    pub fn on_reload(&self, reload: Box<Reload>) {
        let _ = self.reload.set(reload);
    }

    pub fn journal(&self) -> &Arc<Journal> {
        &self.journal
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes what is queued and stops the writer; nothing is written after.
    pub fn close(&self) {
        self.journal.close();
        if let Some(writer) = self.writer.lock().take() {
            let _ = writer.join();
        }
    }
}

impl Drop for Durable {
    /// A state dropped (in a test, say) writes what it queued and lets go of the store.
    fn drop(&mut self) {
        self.close();
    }
}
