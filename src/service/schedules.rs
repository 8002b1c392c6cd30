//! The schedule routes: list, pause, resume and fire schedules (the scheduler's handler,
//! which turns fires into runs, is `fires::Fires`).

use super::error::{ApiError, did_you_mean};
use super::state::Service;
use crate::schedule::scheduler::rfc3339;
use crate::schedule::{ScheduleKey, TriggerNow};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

/// How many next fire times `GET /api/v1/schedules` shows per schedule.
const NEXT_FIRES: usize = 5;

/// `GET /api/v1/schedules`.
pub async fn list(State(service): State<Arc<Service>>) -> Json<serde_json::Value> {
    let schedules: Vec<_> = service
        .scheduler
        .statuses(NEXT_FIRES)
        .into_iter()
        .map(|s| {
            json!({
                "agent": s.key.agent,
                "trigger": s.key.trigger,
                "schedule": s.cron,
                "paused": s.paused,
                "running": s.running,
                "next_fires": s.next_fires.into_iter().map(rfc3339).collect::<Vec<_>>(),
            })
        })
        .collect();
    Json(json!({ "schedules": schedules }))
}

fn unknown(service: &Service, key: &ScheduleKey) -> ApiError {
    let names: Vec<String> = service
        .scheduler
        .statuses(0)
        .into_iter()
        .map(|s| format!("{}/{}", s.key.agent, s.key.trigger))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let wanted = format!("{}/{}", key.agent, key.trigger);
    ApiError::not_found(did_you_mean(format!("no schedule `{wanted}`"), &wanted, &names))
}

fn state(service: &Service, key: &ScheduleKey) -> Result<Response, ApiError> {
    let status = service.scheduler.status(key, NEXT_FIRES).ok_or_else(|| unknown(service, key))?;
    Ok(Json(json!({
        "agent": status.key.agent,
        "trigger": status.key.trigger,
        "schedule": status.cron,
        "paused": status.paused,
        "running": status.running,
        "next_fires": status.next_fires.into_iter().map(rfc3339).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// `POST /api/v1/schedules/{agent}/{trigger}/pause`.
pub async fn pause(
    State(service): State<Arc<Service>>,
    Path((agent, trigger)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let key = ScheduleKey::new(agent, trigger);
    if !service.scheduler.pause(&key) {
        return Err(unknown(&service, &key));
    }
    super::log::info(&format!("schedule {}/{} paused", key.agent, key.trigger));
    state(&service, &key)
}

/// `POST /api/v1/schedules/{agent}/{trigger}/resume`.
pub async fn resume(
    State(service): State<Arc<Service>>,
    Path((agent, trigger)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let key = ScheduleKey::new(agent, trigger);
    if !service.scheduler.resume(&key) {
        return Err(unknown(&service, &key));
    }
    super::log::info(&format!("schedule {}/{} resumed", key.agent, key.trigger));
    state(&service, &key)
}

/// `POST /api/v1/schedules/{agent}/{trigger}/trigger`: fires now, paused or not.
pub async fn trigger(
    State(service): State<Arc<Service>>,
    Path((agent, trigger)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if service.is_draining() {
        return Err(ApiError::draining().retry_after(5));
    }
    let key = ScheduleKey::new(agent, trigger);
    match service.scheduler.trigger_now(&key) {
        TriggerNow::Fired => match service.fires.last_run(&key) {
            Some(id) => {
                Ok((StatusCode::ACCEPTED, Json(json!({"run_id": id, "status": "queued"}))).into_response())
            }
            None => Err(ApiError::store("the fire was not accepted (see the log)")),
        },
        TriggerNow::Busy => Err(ApiError::new(
            StatusCode::CONFLICT,
            "schedule_running",
            format!(
                "the previous run of `{}/{}` is still going; this fire was skipped",
                key.agent, key.trigger
            ),
        )),
        TriggerNow::Unknown => Err(unknown(&service, &key)),
    }
}
