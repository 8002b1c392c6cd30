//! Integration tests: Tier1 (Docker) and Tier2 (gVisor) against the real engine, Tier3's
//! preflight, and `symbi doctor`.
//!
//! Under `CI=true` an unreachable engine or a missing test image fails these tests; locally
//! they are skipped with a message. The image is `symbi-test-busybox:latest`, built offline
//! by `ci/images/build-test-image.sh` (the helper builds it when it is missing).

mod cases;
mod cleanup;
mod doctor;
mod engine_failure;
mod errors;
pub mod harness;
mod host_root;
mod isolation;
mod same_agent;
mod watchdog;
