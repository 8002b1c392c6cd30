//! `symbi up` over real HTTP on 127.0.0.1 (ephemeral ports), with real native processes and
//! a real SQLite file; fault tests kill the service and look for what it left behind.

mod api;
mod auth;
mod containers;
mod events;
mod harness;
mod lifecycle;
mod logging;
mod priority;
mod reload;
mod roots;
mod sources;
mod store;
