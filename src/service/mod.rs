//! `symbi up`: agents as a live service. Triggers fire over HTTP; every run goes through
//! the same checker, policy, sandbox, limits, consent, production guard and audit log as
//! `symbi run` ([`crate::eval::launch`]); runs are recorded in a durable store before they
//! are acknowledged; SIGTERM drains, SIGHUP reloads. The API is documented in docs/api.md.

pub mod auth;
pub mod body;
pub mod catalog;
pub mod checkpoint;
pub mod error;
pub mod fires;
pub mod live;
pub mod log;
pub mod metrics;
pub mod openapi;
pub mod priority;
pub mod roots;
pub mod routes;
pub mod schedules;
pub mod serve;
pub mod sqlite;
pub mod sse;
pub mod state;
pub mod store;
pub mod submit;
pub mod webhooks;
pub mod writer;

pub use state::Service;
