//! The service's state and the life of a run: accepted (recorded before the answer), queued
//! for a slot, executed through [`crate::eval::launch`] exactly as `symbi run` would, then
//! finished and recorded with its output and events.

use super::catalog::{Catalog, Refused};
use super::error::{ApiError, did_you_mean};
use super::fires::Fires;
use super::live::{LiveRun, LiveTranscript};
use super::metrics::Metrics;
use super::roots::Roots;
use super::store::{RunRecord, RunStatus, RunStore};
use super::submit::{Fire, Submit};
use crate::config::Config;
use crate::eval::audit::now_rfc3339;
use crate::eval::launch::{Caller, Launch, launch};
use crate::eval::{Flow, Value};
use crate::policy::{LimitOverrides, TierChoice};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tokio::sync::Semaphore;

/// Everything the routes share.
pub struct Service {
    /// The configuration (fixed for the life of the service).
    pub cfg: Arc<Config>,
    /// The paths given to `symbi up` and its `--exclude` patterns, walked again on reload.
    pub roots: Roots,
    /// The agents being served.
    catalog: RwLock<Arc<Catalog>>,
    /// The run history.
    pub store: Arc<dyn RunStore>,
    /// Runs accepted and not yet finished, by id.
    live: Mutex<HashMap<String, Arc<LiveRun>>>,
    /// One permit per run that may execute at once.
    slots: Arc<Semaphore>,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// SIGTERM/SIGINT arrived: new runs get 503.
    draining: AtomicBool,
    /// Serving (readiness).
    ready: AtomicBool,
    /// The bearer token, when `SYMBIONT_API_TOKEN` is set.
    pub token: Option<String>,
    /// The service's runtime: requests, the store's answers, event streams, schedules.
    pub handle: tokio::runtime::Handle,
    /// The runtime that drives the runs' sandboxes (their processes' pipes and exits), on
    /// threads of lower priority ([`super::priority`]): a run's I/O never queues ahead of a
    /// request on the service's own workers.
    runs: tokio::runtime::Handle,
    /// Makes run ids unique within a microsecond.
    sequence: AtomicU64,
    /// Serialises reloads.
    reloading: tokio::sync::Mutex<()>,
    /// Runs finished since start, to prune the store every [`PRUNE_EVERY`] runs.
    finished: AtomicU64,
    /// The schedules of the served agents.
    pub scheduler: crate::schedule::Scheduler,
    /// The scheduler's handler (which run each schedule started last).
    pub fires: Arc<Fires>,
}

/// How many finished runs between two prunes of the store to `storage.keep_runs`.
const PRUNE_EVERY: u64 = 1000;

impl Service {
    /// The service for `catalog`, recording runs in `store`.
    pub fn new(
        cfg: Config,
        roots: Roots,
        catalog: Catalog,
        store: Arc<dyn RunStore>,
        token: Option<String>,
        handle: tokio::runtime::Handle,
        runs: tokio::runtime::Handle,
    ) -> Arc<Self> {
        let slots = usize::try_from(cfg.api.max_concurrent_runs).unwrap_or(1).max(1);
        Arc::new_cyclic(|service: &std::sync::Weak<Service>| {
            let submit: std::sync::Weak<dyn Submit> = service.clone();
            let fires = Arc::new(Fires::new(submit, handle.clone()));
            let scheduler = crate::schedule::Scheduler::new(fires.clone());
            Service {
                cfg: Arc::new(cfg),
                roots,
                catalog: RwLock::new(Arc::new(catalog)),
                store,
                live: Mutex::new(HashMap::new()),
                slots: Arc::new(Semaphore::new(slots)),
                metrics: Metrics::default(),
                draining: AtomicBool::new(false),
                ready: AtomicBool::new(false),
                token,
                handle,
                runs,
                sequence: AtomicU64::new(0),
                reloading: tokio::sync::Mutex::new(()),
                finished: AtomicU64::new(0),
                scheduler,
                fires,
            }
        })
    }

    /// Makes the schedules of the current catalog the scheduler's (inside the runtime).
    pub fn schedule_all(&self) {
        self.scheduler.set_schedules(self.catalog().schedules());
    }

    /// The catalog now.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().map(|c| c.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Serving and not draining.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst) && !self.is_draining()
    }

    /// Marks the service as serving.
    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }

    /// Shutting down.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Re-walks and re-checks the files; refused files keep their previous version.
    pub async fn reload(&self) -> Vec<Refused> {
        let _one = self.reloading.lock().await;
        let (roots, cfg, previous) = (self.roots.clone(), self.cfg.clone(), self.catalog());
        let loaded = tokio::task::spawn_blocking(move || Catalog::load(&roots, &cfg, Some(&previous))).await;
        let Ok(loaded) = loaded else { return Vec::new() };
        for refused in &loaded.refused {
            super::log::warn(&format!(
                "reload: `{}` refused, its previous version keeps serving",
                refused.file
            ));
            eprint!("{}", refused.rendered);
        }
        super::log::info(&format!("reload: serving {} agents", loaded.catalog.agents.len()));
        if let Ok(mut slot) = self.catalog.write() {
            *slot = Arc::new(loaded.catalog);
        }
        if !self.is_draining() {
            self.schedule_all();
        }
        loaded.refused
    }

    /// A live run, or the recorded one.
    pub fn run(&self, id: &str) -> Result<Option<RunRecord>, ApiError> {
        if let Some(live) = self.live_run(id) {
            return Ok(Some(live.snapshot()));
        }
        self.store.get(id).map_err(ApiError::store)
    }

    /// The live run `id`, if it has not finished.
    pub fn live_run(&self, id: &str) -> Option<Arc<LiveRun>> {
        self.live.lock().ok().and_then(|l| l.get(id).cloned())
    }

    /// Every run not yet finished.
    pub fn live_runs(&self) -> Vec<Arc<LiveRun>> {
        self.live.lock().map(|l| l.values().cloned().collect()).unwrap_or_default()
    }

    fn new_id(&self) -> String {
        let micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or_default();
        let seq = self.sequence.fetch_add(1, Ordering::Relaxed) & 0xff_ffff;
        format!("{micros:014x}{seq:06x}")
    }

    /// Accepts a run: checks the target, records it (durably) and queues it. The answer may
    /// only say "accepted" once this returns `Ok`. The wait for the commit parks the request's
    /// task, not a worker thread: the workers go on answering other requests meanwhile.
    pub async fn accept(self: &Arc<Self>, fire: Fire) -> Result<Arc<LiveRun>, ApiError> {
        let (record, program) = self.admit(&fire)?;
        let committed = self.store.insert(&record);
        let service = self.clone();
        // A task of its own: a client that hangs up while the commit is pending drops the
        // request, and a recorded run must start all the same.
        let started = self.handle.spawn(async move {
            committed.wait().await.map_err(ApiError::store)?;
            Ok(service.start(record, program, fire))
        });
        started.await.map_err(ApiError::store)?
    }

    /// [`Service::accept`] for callers outside async code (the scheduler's handler).
    pub fn submit(self: &Arc<Self>, fire: Fire) -> Result<Arc<LiveRun>, ApiError> {
        let (record, program) = self.admit(&fire)?;
        let committed = self.store.insert(&record);
        tokio::task::block_in_place(|| committed.wait_blocking()).map_err(ApiError::store)?;
        Ok(self.start(record, program, fire))
    }

    /// The record of a new run of `fire`, and the program to run, or why it is refused.
    fn admit(&self, fire: &Fire) -> Result<(RunRecord, Arc<super::catalog::Program>), ApiError> {
        if self.is_draining() {
            return Err(ApiError::draining().retry_after(5));
        }
        let catalog = self.catalog();
        let Some(entry) = catalog.agents.get(&fire.agent) else {
            let names: Vec<&str> = catalog.agents.keys().map(String::as_str).collect();
            let message = format!("no agent `{}`", fire.agent);
            return Err(ApiError::not_found(did_you_mean(message, &fire.agent, &names)));
        };
        if !entry.triggers.iter().any(|t| t.name == fire.trigger) {
            let names: Vec<&str> = entry.triggers.iter().map(|t| t.name.as_str()).collect();
            let message = format!("agent `{}` has no trigger `{}`", fire.agent, fire.trigger);
            return Err(ApiError::not_found(did_you_mean(message, &fire.trigger, &names)));
        }
        let queued = self.metrics.queued.load(Ordering::SeqCst);
        if queued >= self.cfg.api.max_queued_runs && self.slots.available_permits() == 0 {
            let message = format!("{queued} runs are already waiting (api.max_queued_runs)");
            return Err(ApiError::new(axum::http::StatusCode::TOO_MANY_REQUESTS, "queue_full", message)
                .retry_after(1));
        }
        let record = RunRecord {
            id: self.new_id(),
            agent: fire.agent.clone(),
            trigger: fire.trigger.clone(),
            source: fire.source.to_string(),
            status: RunStatus::Queued,
            created_at: now_rfc3339(),
            started_at: None,
            finished_at: None,
            exit_code: None,
            error: None,
            output: String::new(),
        };
        Ok((record, entry.program.clone()))
    }

    /// Makes the recorded run live and queues its execution.
    fn start(
        self: &Arc<Self>,
        record: RunRecord,
        program: Arc<super::catalog::Program>,
        fire: Fire,
    ) -> Arc<LiveRun> {
        let cap = usize::try_from(self.cfg.native_execution.max_output_bytes).unwrap_or(usize::MAX);
        let live = LiveRun::new(record, cap);
        if let Ok(mut map) = self.live.lock() {
            map.insert(live.snapshot().id, live.clone());
        }
        self.metrics.accepted(fire.source);
        self.metrics.queued.fetch_add(1, Ordering::SeqCst);
        let service = self.clone();
        let task_live = live.clone();
        self.handle.spawn(async move { service.execute(task_live, program, fire).await });
        live
    }

    /// Waits for a slot, runs the trigger, records the outcome.
    async fn execute(self: Arc<Self>, live: Arc<LiveRun>, program: Arc<super::catalog::Program>, fire: Fire) {
        let permit = tokio::select! {
            permit = self.slots.clone().acquire_owned() => permit.ok(),
            _ = live.cancel.cancelled() => None,
        };
        self.metrics.queued.fetch_sub(1, Ordering::SeqCst);
        let started = Instant::now();
        let Some(_permit) = permit else {
            let why = Some("cancelled before it started".to_string());
            return self.finish(&live, RunStatus::Cancelled, None, why, started).await;
        };
        self.metrics.running.fetch_add(1, Ordering::SeqCst);
        let record = {
            let Ok(mut record) = live.record.lock() else { return };
            record.status = RunStatus::Running;
            record.started_at = Some(now_rfc3339());
            record.clone()
        };
        // Not waited for: a crash loses at most this mark (the run is then found `queued` and
        // interrupted all the same), and the final state is queued behind it.
        drop(self.store.update(&record, None));
        let cfg = self.cfg.clone();
        let handle = self.runs.clone();
        let transcript = Arc::new(LiveTranscript::new(live.clone(), program.sources()));
        // The first event, as `symbi run --format json` prints it.
        crate::eval::Transcript::event(&*transcript, crate::eval::Event::configuration(&cfg));
        let cancel = live.cancel.clone();
        let payload = Value::from_json(&fire.input);
        let caller = Caller { source: fire.source.to_string(), address: fire.address.clone() };
        let (agent, trigger) = (fire.agent.clone(), fire.trigger.clone());
        let outcome = super::priority::on_run_thread(move || {
            let Some(agent) = program.agent(&agent) else {
                return Err(Flow::Error(Box::new(crate::diag::Diagnostic::error(
                    crate::diag::codes::NO_SUCH_TARGET,
                    format!("the file no longer defines agent `{agent}`"),
                ))));
            };
            launch(Launch {
                cfg: &cfg,
                choice: TierChoice::default(),
                overrides: LimitOverrides::default(),
                file: &program.file,
                path: &program.path,
                source: &program.source,
                agent,
                trigger: &trigger,
                payload,
                transcript,
                cancel,
                handle,
                caller: Some(caller),
            })
        })
        .await;
        self.metrics.running.fetch_sub(1, Ordering::SeqCst);
        let (status, exit, error) = match outcome {
            Ok(Ok(())) => (RunStatus::Succeeded, Some(0), None),
            Ok(Err(Flow::Interrupted(_))) => (RunStatus::Cancelled, None, Some("cancelled".to_string())),
            Ok(Err(Flow::Error(d))) => {
                (RunStatus::Failed, Some(1), Some(format!("error[{}]: {}", d.code, d.message)))
            }
            Ok(Err(_)) => (RunStatus::Failed, Some(1), Some("the handler ended abnormally".to_string())),
            Err(e) => (RunStatus::Failed, Some(1), Some(format!("the run's thread failed: {e}"))),
        };
        self.finish(&live, status, exit, error, started).await;
    }

    /// Writes `record` (and its events) and waits for the commit; a failure is logged.
    async fn record(&self, record: &RunRecord, events: Option<String>) {
        if let Err(e) = self.store.update(record, events.as_deref()).wait().await {
            super::log::warn(&format!("run {}: {e}", record.id));
        }
    }

    /// Records the final state, wakes subscribers and forgets the live run.
    async fn finish(
        &self,
        live: &Arc<LiveRun>,
        status: RunStatus,
        exit_code: Option<i32>,
        error: Option<String>,
        started: Instant,
    ) {
        let record = {
            let Ok(mut record) = live.record.lock() else { return };
            record.status = status;
            record.exit_code = exit_code;
            record.error = error;
            record.finished_at = Some(now_rfc3339());
            record.output = live.output();
            record.clone()
        };
        self.record(&record, Some(live.events_text())).await;
        self.metrics.finished(status.as_str(), &record.source, started.elapsed().as_secs_f64());
        super::log::debug(&format!(
            "run {} of {}/{} ({}): {}",
            record.id,
            record.agent,
            record.trigger,
            record.source,
            status.as_str()
        ));
        if self.finished.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            let (store, keep) = (self.store.clone(), self.cfg.storage.keep_runs);
            self.handle.spawn_blocking(move || {
                if let Err(e) = store.prune(keep) {
                    super::log::warn(&e.to_string());
                }
            });
        }
        // Forgotten before subscribers wake: whoever reads next finds it in the store.
        if let Ok(mut map) = self.live.lock() {
            map.remove(&record.id);
        }
        live.finish();
    }

    /// Cancels run `id`: 202 when it was live, 409 when it had finished, 404 when unknown.
    pub fn cancel(&self, id: &str) -> Result<RunRecord, ApiError> {
        if let Some(live) = self.live_run(id) {
            live.cancel.cancel(libc::SIGTERM);
            return Ok(live.snapshot());
        }
        match self.store.get(id).map_err(ApiError::store)? {
            Some(record) => Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "run_finished",
                format!("run `{id}` has already finished ({})", record.status.as_str()),
            )),
            None => Err(ApiError::not_found(format!("no run `{id}`"))),
        }
    }

    /// SIGTERM/SIGINT: refuse new runs, let the accepted ones finish within
    /// `api.shutdown_grace_seconds`, then cancel the rest and wait for them to end.
    pub async fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
        // No schedule fires any more; runs it started are drained like the others.
        self.scheduler.shutdown();
        let grace = std::time::Duration::from_secs(self.cfg.api.shutdown_grace_seconds);
        let runs = self.live_runs();
        super::log::info(&format!("draining: {} runs in flight", runs.len()));
        let all = futures_util::future::join_all(runs.iter().map(|r| r.finished()));
        if tokio::time::timeout(grace, all).await.is_err() {
            let rest = self.live_runs();
            super::log::warn(&format!("grace period over: cancelling {} runs", rest.len()));
            for run in &rest {
                run.cancel.cancel(libc::SIGTERM);
            }
            let all = futures_util::future::join_all(rest.iter().map(|r| r.finished()));
            let _ = tokio::time::timeout(std::time::Duration::from_secs(30), all).await;
        }
    }
}

impl Submit for Service {
    fn submit(self: Arc<Self>, fire: Fire) -> Result<Arc<LiveRun>, ApiError> {
        Service::submit(&self, fire)
    }
}
