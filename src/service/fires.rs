//! The scheduler's handler: turns each schedule fire into a run (through [`Submit`]) and
//! keeps the fire's guard until that run ends, so the next fire skips while it runs.

use super::submit::{Fire, Submit};
use crate::schedule::scheduler::rfc3339;
use crate::schedule::{self, ScheduleHandler, ScheduleKey, SkipCause, Skipped};
use std::collections::HashMap;
use std::sync::{Mutex, Weak};

/// Turns the scheduler's fires into runs of the service.
pub struct Fires {
    service: Weak<dyn Submit>,
    /// The runtime that waits for each scheduled run's end.
    handle: tokio::runtime::Handle,
    /// The run each schedule started last (so a manual fire can answer with its id).
    last_run: Mutex<HashMap<ScheduleKey, String>>,
}

impl Fires {
    /// The handler of `service` (held weakly: the service owns the scheduler).
    pub fn new(service: Weak<dyn Submit>, handle: tokio::runtime::Handle) -> Self {
        Fires { service, handle, last_run: Mutex::new(HashMap::new()) }
    }

    /// The id of the run `key` started last.
    pub fn last_run(&self, key: &ScheduleKey) -> Option<String> {
        self.last_run.lock().ok().and_then(|m| m.get(key).cloned())
    }
}

impl ScheduleHandler for Fires {
    fn fire(&self, fire: schedule::Fire) {
        let Some(service) = self.service.upgrade() else { return };
        let key = fire.key.clone();
        let request = Fire {
            agent: key.agent.clone(),
            trigger: key.trigger.clone(),
            input: fire.payload(),
            source: "schedule",
            address: None,
        };
        match service.submit(request) {
            Ok(live) => {
                if let Ok(mut map) = self.last_run.lock() {
                    map.insert(key, live.snapshot().id);
                }
                // The guard is held until the run ends: the next fire skips while it runs.
                let guard = fire.guard;
                self.handle.spawn(async move {
                    live.finished().await;
                    drop(guard);
                });
            }
            Err(e) => super::log::warn(&format!(
                "schedule {}/{}: the fire of {} was not accepted: {}",
                key.agent,
                key.trigger,
                rfc3339(fire.scheduled_at),
                e.message
            )),
        }
    }

    fn skipped(&self, skipped: Skipped) {
        let why = match skipped.cause {
            SkipCause::StillRunning => "its previous run is still going",
            SkipCause::Late => "the service reached it too late",
        };
        super::log::info(&format!(
            "schedule {}/{}: fire of {} ({}) skipped: {why}",
            skipped.key.agent,
            skipped.key.trigger,
            rfc3339(skipped.scheduled_at),
            skipped.reason.as_str()
        ));
    }
}
