//! `GET /api/v1/runs/{id}/events`: the run's events as server-sent events. Each `data:` is
//! one JSON object as `symbi run --format json` prints it; a late subscriber gets every event
//! so far first; the stream ends after the run's final event.

use super::error::ApiError;
use super::live::LiveRun;
use super::state::Service;
use axum::extract::{Path, State};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::sync::Arc;

/// The route.
pub async fn events(
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if let Some(live) = service.live_run(&id) {
        return Ok(Sse::new(follow(live)).into_response());
    }
    let stored = service.store.events(&id).map_err(ApiError::store)?;
    match (stored, service.store.get(&id).map_err(ApiError::store)?) {
        (events, Some(_)) => {
            let lines: Vec<Result<Event, Infallible>> =
                events.unwrap_or_default().lines().map(|l| Ok(Event::default().data(l))).collect();
            Ok(Sse::new(stream::iter(lines)).into_response())
        }
        (_, None) => Err(ApiError::not_found(format!("no run `{id}`"))),
    }
}

/// Every event of `live` from the first, then each new one, until it finishes.
fn follow(live: Arc<LiveRun>) -> impl Stream<Item = Result<Event, Infallible>> {
    let rx = live.subscribe();
    stream::unfold((live, rx, 0usize, false), |(live, mut rx, next, ended)| async move {
        if ended {
            return None;
        }
        loop {
            let (batch, done) = live.events_from(next);
            if !batch.is_empty() {
                let next = next + batch.len();
                let events: Vec<Result<Event, Infallible>> =
                    batch.iter().map(|e| Ok(Event::default().data(e.as_ref()))).collect();
                // `done` was read before the batch: a finished run's batch is its last.
                return Some((stream::iter(events), (live, rx, next, done)));
            }
            if done {
                return None;
            }
            if rx.changed().await.is_err() {
                return None;
            }
        }
    })
    .flatten()
}
