//! How a run is asked for: a [`Fire`] handed to a [`Submit`]. The scheduler's handler
//! ([`super::fires::Fires`]) sees the service only through this narrow trait.

use super::error::ApiError;
use super::live::LiveRun;
use std::sync::Arc;

/// A trigger to fire.
pub struct Fire {
    /// The agent.
    pub agent: String,
    /// The trigger.
    pub trigger: String,
    /// Its payload (JSON).
    pub input: serde_json::Value,
    /// `api`, `schedule` or `webhook`.
    pub source: &'static str,
    /// The caller's address.
    pub address: Option<String>,
}

/// Accepts runs: records each one durably and queues it.
pub trait Submit: Send + Sync {
    /// Accepts `fire`; the run may be announced as accepted only once this returns `Ok`.
    fn submit(self: Arc<Self>, fire: Fire) -> Result<Arc<LiveRun>, ApiError>;
}
