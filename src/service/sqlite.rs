//! The embedded run store: one SQLite file in WAL mode.
//!
//! WAL with `synchronous = NORMAL` makes every committed insert survive a crash or SIGKILL
//! of the service (what "written before the 202" needs); only a power loss can drop the
//! last transactions. Writes go to one thread that commits them in batches
//! ([`super::writer`], group commit); reads have a connection of their own, which WAL lets
//! read while the writer writes; no commit syncs or checkpoints (the checkpoints run beside
//! it, [`super::checkpoint`]).

use super::checkpoint::Checkpointer;
use super::store::{Committed, RunFilter, RunRecord, RunStatus, RunStore, StoreError};
use super::writer::{COLUMNS, Write, Writer};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::Path;
use std::sync::Mutex;

/// The SQLite run store.
pub struct SqliteStore {
    /// Dropped first: what is queued is written before the last checkpoint.
    writer: Writer,
    /// The connection reads use.
    reader: Mutex<Connection>,
    /// Declared last: dropped after the connections, for a last checkpoint of everything.
    _checkpointer: Option<Checkpointer>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    agent TEXT NOT NULL,
    trigger_name TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    exit_code INTEGER,
    error TEXT,
    output TEXT NOT NULL DEFAULT '',
    events TEXT
);
CREATE INDEX IF NOT EXISTS runs_status ON runs (status);
";

fn failed(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError(format!("cannot {what} the run database: {e}"))
}

impl SqliteStore {
    /// Opens (creating) the database at `path`, with its folder.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError(format!("cannot create `{}`: {e}", parent.display())))?;
        }
        let conn = Connection::open(path)
            .map_err(|e| StoreError(format!("cannot open the run database `{}`: {e}", path.display())))?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(failed("set up"))?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(failed("set up"))?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(failed("set up"))?;
        conn.execute_batch(SCHEMA).map_err(failed("create"))?;
        let checkpointer = Checkpointer::start(path);
        if checkpointer.is_some() {
            conn.pragma_update(None, "wal_autocheckpoint", 0).map_err(failed("set up"))?;
        }
        let reader = Connection::open(path)
            .map_err(|e| StoreError(format!("cannot open the run database `{}`: {e}", path.display())))?;
        reader.busy_timeout(std::time::Duration::from_secs(5)).map_err(failed("set up"))?;
        let writer = Writer::start(conn)?;
        Ok(SqliteStore { writer, reader: Mutex::new(reader), _checkpointer: checkpointer })
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let conn = self.reader.lock().map_err(|_| StoreError("the run database is poisoned".into()))?;
        f(&conn)
    }
}

fn record(row: &Row<'_>) -> rusqlite::Result<RunRecord> {
    let status: String = row.get(4)?;
    Ok(RunRecord {
        id: row.get(0)?,
        agent: row.get(1)?,
        trigger: row.get(2)?,
        source: row.get(3)?,
        status: RunStatus::parse(&status).unwrap_or(RunStatus::Interrupted),
        created_at: row.get(5)?,
        started_at: row.get(6)?,
        finished_at: row.get(7)?,
        exit_code: row.get(8)?,
        error: row.get(9)?,
        output: row.get(10)?,
    })
}

impl RunStore for SqliteStore {
    fn insert(&self, r: &RunRecord) -> Committed {
        self.writer.queue(Write::Insert(r.clone())).into()
    }

    fn update(&self, r: &RunRecord, events: Option<&str>) -> Committed {
        self.writer.queue(Write::Update(r.clone(), events.map(str::to_string))).into()
    }

    fn get(&self, id: &str) -> Result<Option<RunRecord>, StoreError> {
        self.read(|c| {
            c.prepare_cached(&format!("SELECT {COLUMNS} FROM runs WHERE id = ?1"))
                .and_then(|mut stmt| stmt.query_row([id], record).optional())
                .map_err(failed("read"))
        })
    }

    fn events(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            c.query_row("SELECT events FROM runs WHERE id = ?1", [id], |row| row.get::<_, Option<String>>(0))
                .optional()
                .map(Option::flatten)
                .map_err(failed("read"))
        })
    }

    fn list(&self, f: &RunFilter) -> Result<Vec<RunRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM runs WHERE (?1 IS NULL OR agent = ?1) AND \
                     (?2 IS NULL OR trigger_name = ?2) AND (?3 IS NULL OR status = ?3) AND \
                     (?4 IS NULL OR id < ?4) ORDER BY id DESC LIMIT ?5"
                ))
                .map_err(failed("read"))?;
            let rows = stmt
                .query_map(
                    params![f.agent, f.trigger, f.status.map(RunStatus::as_str), f.before, f.limit as i64],
                    record,
                )
                .map_err(failed("read"))?;
            rows.collect::<Result<Vec<_>, _>>().map_err(failed("read"))
        })
    }

    fn interrupt_unfinished(&self, at: &str) -> Result<usize, StoreError> {
        self.writer.queue(Write::Interrupt(at.to_string())).blocking_recv().unwrap_or_else(|_| Err(stopped()))
    }

    fn prune(&self, keep: u64) -> Result<(), StoreError> {
        self.writer.queue(Write::Prune(keep)).blocking_recv().unwrap_or_else(|_| Err(stopped())).map(|_| ())
    }
}

fn stopped() -> StoreError {
    StoreError("the run database's writer has stopped".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str, status: RunStatus) -> RunRecord {
        RunRecord {
            id: id.into(),
            agent: "A".into(),
            trigger: "t".into(),
            source: "api".into(),
            status,
            created_at: "2026-01-01T00:00:00Z".into(),
            started_at: None,
            finished_at: None,
            exit_code: None,
            error: None,
            output: String::new(),
        }
    }

    #[test]
    fn runs_round_trip_list_newest_first_and_unfinished_ones_become_interrupted() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sub/runs.db");
        let store = SqliteStore::open(&path).unwrap_or_else(|e| panic!("{e}"));
        for (id, status) in [("a", RunStatus::Succeeded), ("b", RunStatus::Running), ("c", RunStatus::Queued)]
        {
            assert_eq!(store.insert(&run(id, status)).wait_blocking(), Ok(1));
        }
        let ids = |store: &SqliteStore, f: &RunFilter| {
            store.list(f).unwrap_or_default().into_iter().map(|r| r.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(&store, &RunFilter { limit: 10, ..Default::default() }), ["c", "b", "a"]);
        assert_eq!(
            ids(&store, &RunFilter { limit: 1, before: Some("c".into()), ..Default::default() }),
            ["b"]
        );
        drop(store);
        let store = SqliteStore::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.interrupt_unfinished("now"), Ok(2));
        let status = |id| store.get(id).ok().flatten().map(|r| r.status);
        assert_eq!(status("b"), Some(RunStatus::Interrupted));
        assert_eq!(status("a"), Some(RunStatus::Succeeded));
        assert_eq!(store.prune(1), Ok(()));
        assert_eq!(ids(&store, &RunFilter { limit: 10, ..Default::default() }), ["c"]);
    }
}
