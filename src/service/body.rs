//! A request's body: read within `api.max_body_size`, and parsed as JSON.

use super::error::ApiError;
use super::state::Service;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};

/// The raw body of a request, within `api.max_body_size` (else 413).
pub async fn read_body(service: &Service, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let limit = usize::try_from(service.cfg.api.max_body_size).unwrap_or(usize::MAX);
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than api.max_body_size ({limit} bytes)"),
        )
    };
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit).await.map_err(|_| too_large())
}

/// A body as JSON; empty (or only whitespace) is `null`, anything else not JSON is 400.
pub fn parse_json(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("the body is not JSON: {e}"))
    })
}
