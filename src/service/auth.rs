//! Bearer-token authentication of the API (`SYMBIONT_API_TOKEN`).
//!
//! Both sides are hashed before the constant-time comparison, so neither the token's bytes
//! nor its length can be learnt from response times.

use super::error::ApiError;
use super::state::Service;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// `Authorization: Bearer <token>` matches `expected`.
pub fn authorized(header_value: Option<&str>, expected: &str) -> bool {
    let given = header_value.and_then(|v| v.strip_prefix("Bearer ")).unwrap_or_default();
    let (a, b) =
        (crate::config::sha256_hex(given.as_bytes()), crate::config::sha256_hex(expected.as_bytes()));
    bool::from(a.as_bytes().ct_eq(b.as_bytes())) && !given.is_empty()
}

/// Refuses requests without the token (when one is configured) with 401.
pub async fn require_token(State(service): State<Arc<Service>>, request: Request, next: Next) -> Response {
    if let Some(expected) = &service.token {
        let given = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if !authorized(given, expected) {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this route needs `Authorization: Bearer <token>` (the value of SYMBIONT_API_TOKEN)",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_passes() {
        assert!(authorized(Some("Bearer s3cret"), "s3cret"));
        assert!(!authorized(Some("Bearer s3cre"), "s3cret"));
        assert!(!authorized(Some("Bearer s3cret "), "s3cret"));
        assert!(!authorized(Some("s3cret"), "s3cret"));
        assert!(!authorized(Some("Basic s3cret"), "s3cret"));
        assert!(!authorized(None, "s3cret"));
    }
}
