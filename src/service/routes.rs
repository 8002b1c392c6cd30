//! The HTTP routes of the API (docs/api.md; `openapi.json` describes the same paths).

use super::body::{parse_json, read_body};
use super::error::{ApiError, did_you_mean};
use super::state::Service;
use super::store::{RunFilter, RunStatus};
use super::submit::Fire;
use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// Every route: (method, path in OpenAPI's `{param}` form). The router is built from the
/// same calls; a test keeps this list, the router and `openapi.json` in step.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/health/live"),
    ("get", "/api/v1/health/ready"),
    ("get", "/api/v1/agents"),
    ("post", "/api/v1/agents/{agent}/triggers/{trigger}"),
    ("get", "/api/v1/runs"),
    ("get", "/api/v1/runs/{id}"),
    ("get", "/api/v1/runs/{id}/events"),
    ("post", "/api/v1/runs/{id}/cancel"),
    ("post", "/api/v1/reload"),
    ("get", "/api/v1/schedules"),
    ("post", "/api/v1/schedules/{agent}/{trigger}/pause"),
    ("post", "/api/v1/schedules/{agent}/{trigger}/resume"),
    ("post", "/api/v1/schedules/{agent}/{trigger}/trigger"),
    ("post", "/api/v1/webhooks/{agent}/{trigger}"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/metrics"),
];

type Shared = State<Arc<Service>>;

/// The application: open routes (health; webhooks, authenticated by their signature), the
/// rest behind the bearer token.
pub fn router(service: Arc<Service>) -> axum::Router {
    let protected = axum::Router::new()
        .route("/api/v1/agents", get(agents))
        .route("/api/v1/agents/{agent}/triggers/{trigger}", post(fire))
        .route("/api/v1/runs", get(runs))
        .route("/api/v1/runs/{id}", get(run))
        .route("/api/v1/runs/{id}/events", get(super::sse::events))
        .route("/api/v1/runs/{id}/cancel", post(cancel))
        .route("/api/v1/reload", post(reload))
        .route("/api/v1/schedules", get(super::schedules::list))
        .route("/api/v1/schedules/{agent}/{trigger}/pause", post(super::schedules::pause))
        .route("/api/v1/schedules/{agent}/{trigger}/resume", post(super::schedules::resume))
        .route("/api/v1/schedules/{agent}/{trigger}/trigger", post(super::schedules::trigger))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/metrics", get(metrics))
        .route_layer(axum::middleware::from_fn_with_state(service.clone(), super::auth::require_token));
    axum::Router::new()
        .route("/api/v1/health/live", get(live))
        .route("/api/v1/health/ready", get(ready))
        .route("/api/v1/webhooks/{agent}/{trigger}", post(super::webhooks::fire))
        .merge(protected)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(service)
}

async fn live() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

async fn ready(State(service): Shared) -> Response {
    if service.is_ready() {
        Json(json!({"status": "ready"})).into_response()
    } else {
        let status = if service.is_draining() { "draining" } else { "starting" };
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": status}))).into_response()
    }
}

async fn agents(State(service): Shared) -> Json<serde_json::Value> {
    let catalog = service.catalog();
    let agents: Vec<_> = catalog
        .agents
        .values()
        .map(|a| {
            json!({
                "name": a.name,
                "file": a.program.path.display().to_string(),
                "tier": a.tier,
                "triggers": a.triggers,
            })
        })
        .collect();
    Json(json!({ "agents": agents }))
}

async fn fire(
    State(service): Shared,
    Path((agent, trigger)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let wait = match query.get("wait").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!("`wait` must be true or false, not `{other}`")));
        }
    };
    if service.is_draining() {
        return Err(ApiError::draining().retry_after(5));
    }
    let input = parse_json(&read_body(&service, &headers, body).await?)?;
    let run = service
        .accept(Fire { agent, trigger, input, source: "api", address: Some(peer.to_string()) })
        .await?;
    if wait {
        let timeout = std::time::Duration::from_secs(service.cfg.api.timeout_seconds);
        if tokio::time::timeout(timeout, run.finished()).await.is_ok() {
            return Ok((StatusCode::OK, Json(run.snapshot())).into_response());
        }
        return Ok((StatusCode::ACCEPTED, Json(run.snapshot())).into_response());
    }
    let id = run.snapshot().id;
    Ok((StatusCode::ACCEPTED, Json(json!({"run_id": id, "status": "queued"}))).into_response())
}

async fn run(State(service): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    match service.run(&id)? {
        Some(record) => Ok(Json(record).into_response()),
        None => Err(ApiError::not_found(format!("no run `{id}`"))),
    }
}

/// The largest page of `GET /runs`.
const MAX_LIMIT: usize = 1000;

async fn runs(
    State(service): Shared,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    const KNOWN: [&str; 5] = ["agent", "trigger", "status", "limit", "cursor"];
    if let Some(unknown) = query.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        let message = format!("unknown parameter `{unknown}`");
        return Err(ApiError::bad_request(did_you_mean(message, unknown, &KNOWN)));
    }
    let status = match query.get("status") {
        None => None,
        Some(s) => Some(RunStatus::parse(s).ok_or_else(|| {
            let names: Vec<&str> = RunStatus::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::bad_request(format!("`status` must be one of {}, not `{s}`", names.join(", ")))
        })?),
    };
    let limit = match query.get("limit") {
        None => 50,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "`limit` must be a whole number 1..{MAX_LIMIT}, not `{l}`"
                )));
            }
        },
    };
    let filter = RunFilter {
        agent: query.get("agent").cloned(),
        trigger: query.get("trigger").cloned(),
        status,
        before: query.get("cursor").cloned(),
        limit: limit + 1,
    };
    let service2 = service.clone();
    let mut found = tokio::task::spawn_blocking(move || service2.store.list(&filter))
        .await
        .map_err(ApiError::store)?
        .map_err(ApiError::store)?;
    let more = found.len() > limit;
    found.truncate(limit);
    // Runs still in flight are shown as they stand now, not as last recorded.
    for record in &mut found {
        if let Some(live) = service.live_run(&record.id) {
            *record = live.snapshot();
        }
    }
    let next = if more { found.last().map(|r| r.id.clone()) } else { None };
    Ok(Json(json!({"runs": found, "next_cursor": next})).into_response())
}

async fn cancel(State(service): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let record = service.cancel(&id)?;
    Ok((StatusCode::ACCEPTED, Json(json!({"run_id": record.id, "status": "cancelling"}))).into_response())
}

async fn reload(State(service): Shared) -> Response {
    let refused = service.reload().await;
    let agents = service.catalog().agents.len();
    let status = if refused.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, Json(json!({"agents": agents, "refused": refused}))).into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], super::openapi::DOCUMENT).into_response()
}

async fn metrics(State(service): Shared) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], service.metrics.render()).into_response()
}

async fn not_found(uri: Uri) -> ApiError {
    let path = uri.path();
    let templates: Vec<&str> = ROUTES.iter().map(|(_, p)| *p).collect();
    ApiError::not_found(did_you_mean(format!("no route `{path}`"), path, &templates))
}

async fn method_not_allowed(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("`{}` does not answer this method (see /api/v1/openapi.json)", uri.path()),
    )
}
