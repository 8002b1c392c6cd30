//! The WAL checkpoints of the run database, off the commit path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold and
//! syncs the database file there, so one accepted run in a few hundred would wait for an
//! `fsync` before its 202. The writer's automatic checkpoint is off instead, and this thread
//! checkpoints every second on a connection of its own: a PASSIVE checkpoint never blocks
//! the writer, which goes on appending to the WAL meanwhile.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// How often the WAL is copied into the database file.
const EVERY: Duration = Duration::from_secs(1);

/// The running checkpointer; dropping it makes a last checkpoint and ends the thread.
pub struct Checkpointer {
    _stop: Sender<()>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path`; `None` when its connection cannot be
    /// opened (the writer's automatic checkpoint is then left on).
    pub fn start(path: &Path) -> Option<Checkpointer> {
        let conn = rusqlite::Connection::open(path).ok()?;
        conn.busy_timeout(Duration::from_secs(5)).ok()?;
        let (stop, stopped) = channel();
        std::thread::Builder::new()
            .name("symbi-checkpoint".into())
            .spawn(move || run(&conn, &stopped))
            .ok()?;
        Some(Checkpointer { _stop: stop })
    }
}

fn run(conn: &rusqlite::Connection, stopped: &Receiver<()>) {
    loop {
        let last = matches!(stopped.recv_timeout(EVERY), Err(RecvTimeoutError::Disconnected));
        let mode = if last { "TRUNCATE" } else { "PASSIVE" };
        if let Err(e) = conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |_| Ok(())) {
            super::log::warn(&format!("cannot checkpoint the run database: {e}"));
        }
        if last {
            return;
        }
    }
}
