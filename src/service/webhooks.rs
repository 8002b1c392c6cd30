//! `POST /api/v1/webhooks/{agent}/{trigger}`: a trigger declared `on webhook "name" secret
//! "VAR"` fired by a request signed GitHub's way (`X-Hub-Signature-256: sha256=<hex>`, the
//! HMAC-SHA256 of the raw body under the secret in `$VAR`). No bearer token: the signature
//! is the authentication. The secret comes from the service's environment and is never
//! logged; an unset or empty variable authenticates nothing (401, with a warning in the log).

use super::body::{parse_json, read_body};
use super::error::{ApiError, did_you_mean};
use super::state::Service;
use super::submit::Fire;
use crate::webhook::signature::{SIGNATURE_HEADER, verify};
use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// The route.
pub async fn fire(
    State(service): State<Arc<Service>>,
    Path((agent, trigger)): Path<(String, String)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if service.is_draining() {
        return Err(ApiError::draining().retry_after(5));
    }
    let catalog = service.catalog();
    let hooks: Vec<String> = catalog
        .agents
        .values()
        .flat_map(|a| {
            a.triggers.iter().filter(|t| t.kind == "webhook").map(move |t| format!("{}/{}", a.name, t.name))
        })
        .collect();
    let secret_var = catalog
        .agents
        .get(&agent)
        .and_then(|a| a.triggers.iter().find(|t| t.name == trigger && t.kind == "webhook"))
        .map(|t| t.secret.clone().unwrap_or_default());
    let Some(secret_var) = secret_var else {
        let wanted = format!("{agent}/{trigger}");
        let names: Vec<&str> = hooks.iter().map(String::as_str).collect();
        return Err(ApiError::not_found(did_you_mean(format!("no webhook `{wanted}`"), &wanted, &names)));
    };
    let bytes = read_body(&service, &headers, body).await?;
    let secret = std::env::var(&secret_var).unwrap_or_default();
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    if let Err(e) = verify(secret.as_bytes(), &bytes, signature) {
        super::log::warn(&format!("webhook {agent}/{trigger} from {peer}: refused: {e}"));
        let message = format!("the request is not signed with this webhook's secret: {e}");
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_signature", message));
    }
    let input = parse_json(&bytes)?;
    let run = service
        .accept(Fire { agent, trigger, input, source: "webhook", address: Some(peer.to_string()) })
        .await?;
    let id = run.snapshot().id;
    Ok((StatusCode::ACCEPTED, Json(json!({"run_id": id, "status": "queued"}))).into_response())
}
