//! The run history behind a narrow interface: the service only inserts, updates, reads and
//! lists runs, so a shared store (PostgreSQL for several instances) can replace the embedded
//! SQLite one without touching the rest.

use serde::Serialize;

/// Where a run is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Accepted, waiting for a slot.
    Queued,
    /// Executing.
    Running,
    /// The handler ended without an error.
    Succeeded,
    /// The handler failed, or the run was refused (consent, sandbox, ...).
    Failed,
    /// Cancelled by `POST /runs/{id}/cancel` or by the end of a drain.
    Cancelled,
    /// The service that ran it stopped without finishing it (found at the next start).
    Interrupted,
}

impl RunStatus {
    /// Every status, for metrics and parameter checks.
    pub const ALL: [RunStatus; 6] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Succeeded,
        RunStatus::Failed,
        RunStatus::Cancelled,
        RunStatus::Interrupted,
    ];

    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Interrupted => "interrupted",
        }
    }

    /// The status of a name, if it is one.
    pub fn parse(name: &str) -> Option<RunStatus> {
        RunStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The run will not change any more.
    pub fn is_final(self) -> bool {
        !matches!(self, RunStatus::Queued | RunStatus::Running)
    }
}

/// One run, as `GET /api/v1/runs/{id}` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunRecord {
    /// The run's id (time-ordered, so ids sort newest last).
    pub id: String,
    /// The agent.
    pub agent: String,
    /// The trigger.
    pub trigger: String,
    /// `api`, `schedule` or `webhook`.
    pub source: String,
    /// Its status.
    pub status: RunStatus,
    /// When it was accepted (RFC 3339, UTC).
    pub created_at: String,
    /// When it started executing.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
    /// What `symbi run` would have exited with: 0 success, 1 failure.
    pub exit_code: Option<i32>,
    /// Why it failed, was cancelled or interrupted.
    pub error: Option<String>,
    /// What it printed and its commands wrote (capped).
    pub output: String,
}

/// The filters of `GET /api/v1/runs`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Only this agent's runs.
    pub agent: Option<String>,
    /// Only this trigger's runs.
    pub trigger: Option<String>,
    /// Only runs with this status.
    pub status: Option<RunStatus>,
    /// Only runs older than this id (the cursor of the previous page).
    pub before: Option<String>,
    /// At most this many.
    pub limit: usize,
}

/// A store failure: the message says what could not be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A write queued in the store: [`Committed::wait`] answers once it is durable. Writes are
/// applied in the order they were queued, so one that nobody waits for (a run's `running`
/// mark) still lands before any later write of the same run.
pub struct Committed(tokio::sync::oneshot::Receiver<Result<usize, StoreError>>);

impl Committed {
    /// Waits for the commit (async code).
    pub async fn wait(self) -> Result<usize, StoreError> {
        self.0.await.unwrap_or_else(|_| Err(StoreError("the run database's writer has stopped".into())))
    }

    /// Waits for the commit, blocking the thread (never on an async worker without
    /// `block_in_place`).
    pub fn wait_blocking(self) -> Result<usize, StoreError> {
        self.0
            .blocking_recv()
            .unwrap_or_else(|_| Err(StoreError("the run database's writer has stopped".into())))
    }
}

impl From<tokio::sync::oneshot::Receiver<Result<usize, StoreError>>> for Committed {
    fn from(rx: tokio::sync::oneshot::Receiver<Result<usize, StoreError>>) -> Self {
        Committed(rx)
    }
}

/// The run history.
pub trait RunStore: Send + Sync {
    /// Queues a new run's record; it is durable once the answer is `Ok` (the 202 follows).
    fn insert(&self, run: &RunRecord) -> Committed;
    /// Queues new fields for a run, with the events it produced (JSON objects, one per line).
    fn update(&self, run: &RunRecord, events: Option<&str>) -> Committed;
    /// One run.
    fn get(&self, id: &str) -> Result<Option<RunRecord>, StoreError>;
    /// The events of a finished run (one JSON object per line).
    fn events(&self, id: &str) -> Result<Option<String>, StoreError>;
    /// Runs matching `filter`, newest first.
    fn list(&self, filter: &RunFilter) -> Result<Vec<RunRecord>, StoreError>;
    /// Marks every run left `queued` or `running` as `interrupted`; returns how many.
    fn interrupt_unfinished(&self, at: &str) -> Result<usize, StoreError>;
    /// Deletes the oldest finished runs beyond `keep`.
    fn prune(&self, keep: u64) -> Result<(), StoreError>;
}
