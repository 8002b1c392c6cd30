//! Integration tests: the checker, driven by annotated case files.
//!
//! Each `tests/cases/check/*.symbi` file may begin with header comments:
//!
//! ```text
//! // args: --native | --sandbox-tier tier2 | --agent Name
//! // config: tests/cases/check/some.toml
//! // env: SYMBIONT_ENV=production
//! ```
//!
//! A file named `e0301_*.symbi` or `w0004_*.symbi` must produce that code (and its human
//! and JSON renderings are snapshotted); a file named `ok_*.symbi` must produce nothing at
//! all. Adding a test is adding a file.

mod cases;
mod cli;
mod examples;
mod files;
mod harness;
mod recovery;
mod scale;
mod stdlib;
