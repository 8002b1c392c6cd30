//! Group commit: one thread owns the run database's write connection and commits every write
//! waiting for it in one transaction, answering each writer once that transaction is in the
//! WAL.
//!
//! Under load, a commit per accepted run serialised on one connection made every request
//! wait for the commits queued before it (and for whichever thread held the lock to get a
//! core back); a batch costs one commit however many runs it carries, so the wait for a 202
//! is one commit, not a queue of them. Writes are applied in the order they were queued, so
//! a run's `running` mark can never land after its final state.

use super::store::StoreError;
use rusqlite::{Connection, params};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// The columns of a run's record, in [`RunRecord`]'s order.
pub(super) const COLUMNS: &str =
    "id, agent, trigger_name, source, status, created_at, started_at, finished_at, exit_code, error, output";

/// The largest batch: a bound on how long one transaction holds the database.
const MAX_BATCH: usize = 512;

/// One write of the run store.
pub enum Write {
    /// A new run's row (`COLUMNS` order, as bound parameters).
    Insert(super::store::RunRecord),
    /// A run's fields, with its events when given.
    Update(super::store::RunRecord, Option<String>),
    /// Every unfinished run becomes `interrupted` at this time.
    Interrupt(String),
    /// Keep this many finished runs.
    Prune(u64),
}

/// The answer to a write once its transaction committed (rows changed), or why it failed.
pub type Answer = Result<usize, StoreError>;

struct Job {
    write: Write,
    answer: Option<oneshot::Sender<Answer>>,
}

/// The writer thread and the queue into it; dropping it writes what is queued and joins.
pub struct Writer {
    jobs: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the thread that owns `conn`.
    pub fn start(conn: Connection) -> Result<Writer, StoreError> {
        let (jobs, queued) = channel();
        let thread = std::thread::Builder::new()
            .name("symbi-store".into())
            .spawn(move || run(&conn, &queued))
            .map_err(|e| StoreError(format!("cannot start the run database's writer: {e}")))?;
        Ok(Writer { jobs: Some(jobs), thread: Some(thread) })
    }

    /// Queues `write` behind every write queued before it; the receiver gets the answer once
    /// it is committed.
    pub fn queue(&self, write: Write) -> oneshot::Receiver<Answer> {
        let (answer, answered) = oneshot::channel();
        let job = Job { write, answer: Some(answer) };
        // A send fails only once the thread is gone; the answer's sender then drops with the
        // job, and the waiter hears that the writer has stopped.
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
        answered
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // The thread ends once the queue is empty and closed: nothing queued is dropped.
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, queued: &Receiver<Job>) {
    while let Ok(first) = queued.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queued.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let answers = commit(conn, &batch);
        for (job, answer) in batch.into_iter().zip(answers) {
            if let Some(reply) = job.answer {
                let _ = reply.send(answer);
            }
        }
    }
}

fn failed(what: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError(format!("cannot {what} the run database: {e}"))
}

/// Applies `batch` in one transaction; one answer per job. A write that fails alone fails
/// alone; a transaction that cannot begin or commit fails every write of it.
fn commit(conn: &Connection, batch: &[Job]) -> Vec<Answer> {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let e = failed("write")(e);
        return batch.iter().map(|_| Err(e.clone())).collect();
    }
    let answers: Vec<Answer> = batch.iter().map(|job| apply(conn, &job.write)).collect();
    match conn.execute_batch("COMMIT") {
        Ok(()) => answers,
        Err(e) => {
            // A failed statement (a full disk) may have rolled the transaction back already.
            let _ = conn.execute_batch("ROLLBACK");
            let e = failed("write")(e);
            batch.iter().map(|_| Err(e.clone())).collect()
        }
    }
}

fn apply(conn: &Connection, write: &Write) -> Answer {
    let write_failed = failed("write");
    match write {
        Write::Insert(r) => conn
            .prepare_cached(&format!(
                "INSERT INTO runs ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                COLUMNS
            ))
            .and_then(|mut stmt| {
                stmt.execute(params![
                    r.id,
                    r.agent,
                    r.trigger,
                    r.source,
                    r.status.as_str(),
                    r.created_at,
                    r.started_at,
                    r.finished_at,
                    r.exit_code,
                    r.error,
                    r.output
                ])
            })
            .map_err(write_failed),
        Write::Update(r, events) => conn
            .prepare_cached(
                "UPDATE runs SET status = ?2, started_at = ?3, finished_at = ?4, exit_code = ?5, \
                 error = ?6, output = ?7, events = COALESCE(?8, events) WHERE id = ?1",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    r.id,
                    r.status.as_str(),
                    r.started_at,
                    r.finished_at,
                    r.exit_code,
                    r.error,
                    r.output,
                    events
                ])
            })
            .map_err(write_failed),
        Write::Interrupt(at) => conn
            .execute(
                "UPDATE runs SET status = 'interrupted', finished_at = ?1, \
                 error = 'the service stopped before the run finished' \
                 WHERE status IN ('queued', 'running')",
                [at],
            )
            .map_err(write_failed),
        Write::Prune(keep) => conn
            .execute(
                "DELETE FROM runs WHERE status NOT IN ('queued', 'running') AND id NOT IN \
                 (SELECT id FROM runs WHERE status NOT IN ('queued', 'running') ORDER BY id DESC LIMIT ?1)",
                [*keep as i64],
            )
            .map_err(write_failed),
    }
}
