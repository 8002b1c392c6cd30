//! The scheduler: fires the schedule triggers of the loaded agents at their fire times.
//!
//! One tokio task per schedule sleeps until its next fire time and hands the service a
//! [`Fire`]. The service keeps the fire's [`RunGuard`] for as long as the run goes; a fire
//! that comes while the guard is still held is not started but reported as [`Skipped`].
//! Fire times are computed from the current time, so fires missed while the service was
//! down are never replayed, and a fire the task reaches more than [`LATE_LIMIT`] late (a
//! suspended machine, a clock stepped forward) is skipped rather than run out of time.

use super::clock::{SystemClock, WallClock};
use super::cron::Cron;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::task::JoinHandle;

/// How late a fire may still start; later ones are skipped as [`SkipCause::Late`].
pub const LATE_LIMIT: time::Duration = time::Duration::seconds(60);

/// The longest single sleep, so a wall clock stepped backwards or forwards is noticed.
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(60);

/// A schedule: one agent's schedule trigger.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScheduleKey {
    /// The agent's name.
    pub agent: String,
    /// The trigger's name.
    pub trigger: String,
}

impl ScheduleKey {
    /// The key of `agent`'s trigger `trigger`.
    pub fn new(agent: impl Into<String>, trigger: impl Into<String>) -> Self {
        ScheduleKey { agent: agent.into(), trigger: trigger.into() }
    }
}

/// Why a fire happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FireReason {
    /// Its fire time came.
    Schedule,
    /// Someone asked for it now ([`Scheduler::trigger_now`]).
    Manual,
}

impl FireReason {
    /// `schedule` or `manual`.
    pub fn as_str(self) -> &'static str {
        match self {
            FireReason::Schedule => "schedule",
            FireReason::Manual => "manual",
        }
    }
}

/// Held for as long as the run a fire started goes on; dropping it lets the next fire of the
/// same schedule start.
#[derive(Debug)]
pub struct RunGuard(pub(super) Arc<AtomicBool>);

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// A fire: start a run of `key` and keep `guard` until it ends.
#[derive(Debug)]
pub struct Fire {
    /// The schedule.
    pub key: ScheduleKey,
    /// The cron expression as written.
    pub cron: String,
    /// The fire time (for a manual fire, when it was asked for).
    pub scheduled_at: OffsetDateTime,
    /// Why it fired.
    pub reason: FireReason,
    /// Drop it when the run ends.
    pub guard: RunGuard,
}

impl Fire {
    /// The payload a schedule's handler receives as `input`:
    /// `{"schedule": "...", "scheduled_at": "RFC 3339", "reason": "schedule"|"manual"}`.
    pub fn payload(&self) -> serde_json::Value {
        serde_json::json!({
            "schedule": self.cron,
            "scheduled_at": rfc3339(self.scheduled_at),
            "reason": self.reason.as_str(),
        })
    }
}

/// Why a fire was not started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipCause {
    /// The previous run of the schedule was still going.
    StillRunning,
    /// The scheduler reached the fire time more than [`LATE_LIMIT`] late.
    Late,
}

/// A fire that was not started, for the service's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The schedule.
    pub key: ScheduleKey,
    /// The fire time that was skipped.
    pub scheduled_at: OffsetDateTime,
    /// Why it would have fired.
    pub reason: FireReason,
    /// Why it was skipped.
    pub cause: SkipCause,
}

/// What the service does with fires. Both methods are called from the scheduler's tasks and
/// must return quickly (spawn the run, log the skip).
pub trait ScheduleHandler: Send + Sync + 'static {
    /// Start a run for `fire`, keeping `fire.guard` until the run ends.
    fn fire(&self, fire: Fire);
    /// Record a fire that was skipped.
    fn skipped(&self, skipped: Skipped);
}

/// What [`Scheduler::trigger_now`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriggerNow {
    /// The handler got a fire.
    Fired,
    /// The previous run is still going; the fire was skipped (and reported as skipped).
    Busy,
    /// No such schedule.
    Unknown,
}

/// One schedule's state, for `GET /api/v1/schedules`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleStatus {
    /// The schedule.
    pub key: ScheduleKey,
    /// The cron expression as written.
    pub cron: String,
    /// Paused: its fire times pass without a run.
    pub paused: bool,
    /// A run it started is still going.
    pub running: bool,
    /// The next fire times (empty while paused).
    pub next_fires: Vec<OffsetDateTime>,
}

/// The schedules of the loaded agents, each firing on its own task. Dropping it stops them.
pub struct Scheduler {
    shared: Arc<Shared>,
    entries: Mutex<BTreeMap<ScheduleKey, Entry>>,
}

struct Shared {
    handler: Arc<dyn ScheduleHandler>,
    clock: Arc<dyn WallClock>,
}

struct Entry {
    state: Arc<State>,
    task: JoinHandle<()>,
}

/// What the task and the API share about one schedule.
struct State {
    key: ScheduleKey,
    cron: Cron,
    paused: AtomicBool,
    running: Arc<AtomicBool>,
}

impl Scheduler {
    /// A scheduler on the system clock, with no schedules yet.
    pub fn new(handler: Arc<dyn ScheduleHandler>) -> Self {
        Self::with_clock(handler, Arc::new(SystemClock))
    }

    /// A scheduler reading time from `clock`.
    pub fn with_clock(handler: Arc<dyn ScheduleHandler>, clock: Arc<dyn WallClock>) -> Self {
        Scheduler { shared: Arc::new(Shared { handler, clock }), entries: Mutex::new(BTreeMap::new()) }
    }

    /// Makes `schedules` the set of schedules (at start and on every reload). A schedule
    /// whose key and expression are unchanged keeps its task, its pause and its running run;
    /// the others are stopped or started. Must be called inside a tokio runtime.
    pub fn set_schedules(&self, schedules: impl IntoIterator<Item = (ScheduleKey, Cron)>) {
        let wanted: HashMap<ScheduleKey, Cron> = schedules.into_iter().collect();
        let mut entries = self.lock();
        entries.retain(|key, entry| {
            let keep = wanted.get(key).is_some_and(|cron| cron.text() == entry.state.cron.text());
            if !keep {
                entry.task.abort();
            }
            keep
        });
        for (key, cron) in wanted {
            if entries.contains_key(&key) {
                continue;
            }
            let state = Arc::new(State {
                key: key.clone(),
                cron,
                paused: AtomicBool::new(false),
                running: Arc::new(AtomicBool::new(false)),
            });
            let task = tokio::spawn(run_schedule(self.shared.clone(), state.clone()));
            entries.insert(key, Entry { state, task });
        }
    }

    /// Pauses a schedule: its fire times pass without a run. False if there is no such schedule.
    pub fn pause(&self, key: &ScheduleKey) -> bool {
        self.with_state(key, |s| s.paused.store(true, Ordering::SeqCst)).is_some()
    }

    /// Resumes a paused schedule from its next fire time (missed fires are not replayed).
    pub fn resume(&self, key: &ScheduleKey) -> bool {
        self.with_state(key, |s| s.paused.store(false, Ordering::SeqCst)).is_some()
    }

    /// Fires a schedule now, paused or not, unless its previous run is still going.
    pub fn trigger_now(&self, key: &ScheduleKey) -> TriggerNow {
        let now = self.shared.clock.now();
        match self.with_state(key, |s| s.clone()) {
            Some(state) if self.shared.start(&state, now, FireReason::Manual) => TriggerNow::Fired,
            Some(_) => TriggerNow::Busy,
            None => TriggerNow::Unknown,
        }
    }

    /// Every schedule with its next `n` fire times, ordered by agent and trigger.
    pub fn statuses(&self, n: usize) -> Vec<ScheduleStatus> {
        let now = self.shared.clock.now();
        self.lock().values().map(|e| status(&e.state, now, n)).collect()
    }

    /// One schedule with its next `n` fire times.
    pub fn status(&self, key: &ScheduleKey, n: usize) -> Option<ScheduleStatus> {
        let now = self.shared.clock.now();
        self.with_state(key, |s| status(s, now, n))
    }

    /// Stops every schedule (runs already started are the service's to finish).
    pub fn shutdown(&self) {
        for (_, entry) in std::mem::take(&mut *self.lock()) {
            entry.task.abort();
        }
    }

    fn with_state<T>(&self, key: &ScheduleKey, f: impl FnOnce(&Arc<State>) -> T) -> Option<T> {
        self.lock().get(key).map(|e| f(&e.state))
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<ScheduleKey, Entry>> {
        // A panic elsewhere while holding the lock leaves the map itself consistent.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Shared {
    /// Hands the handler a fire, or reports it skipped when the previous run still goes.
    fn start(&self, state: &State, scheduled_at: OffsetDateTime, reason: FireReason) -> bool {
        if state.running.swap(true, Ordering::SeqCst) {
            self.skip(state, scheduled_at, reason, SkipCause::StillRunning);
            return false;
        }
        let guard = RunGuard(state.running.clone());
        self.handler.fire(Fire {
            key: state.key.clone(),
            cron: state.cron.text().into(),
            scheduled_at,
            reason,
            guard,
        });
        true
    }

    fn skip(&self, state: &State, scheduled_at: OffsetDateTime, reason: FireReason, cause: SkipCause) {
        self.handler.skipped(Skipped { key: state.key.clone(), scheduled_at, reason, cause });
    }
}

/// One schedule's task: sleep until the next fire time, fire, repeat.
async fn run_schedule(shared: Arc<Shared>, state: Arc<State>) {
    let mut after = shared.clock.now();
    while let Some(next) = state.cron.next_after(after) {
        loop {
            let now = shared.clock.now();
            if now >= next {
                break;
            }
            let wait = std::time::Duration::try_from(next - now).unwrap_or_default();
            tokio::time::sleep(wait.min(MAX_SLEEP)).await;
        }
        let now = shared.clock.now();
        // The next fire is computed from now: what passed while late is not replayed.
        after = next.max(now);
        if state.paused.load(Ordering::SeqCst) {
            continue;
        }
        if now - next > LATE_LIMIT {
            shared.skip(&state, next, FireReason::Schedule, SkipCause::Late);
            continue;
        }
        shared.start(&state, next, FireReason::Schedule);
    }
}

fn status(state: &State, now: OffsetDateTime, n: usize) -> ScheduleStatus {
    let paused = state.paused.load(Ordering::SeqCst);
    ScheduleStatus {
        key: state.key.clone(),
        cron: state.cron.text().into(),
        paused,
        running: state.running.load(Ordering::SeqCst),
        next_fires: if paused { Vec::new() } else { state.cron.upcoming(now, n) },
    }
}

/// A time as RFC 3339 (`2026-12-03T09:00:00Z`).
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}
