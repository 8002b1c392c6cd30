//! Integration tests of the tier None runner: real processes, hostile ones included.
//!
//! Every test gets its own working directory and a unique marker variable in the child's
//! environment, so "nothing is left behind" is checked by scanning `/proc` for that marker,
//! whatever other tests run at the same time.

mod allowlist;
mod code_files;
mod containment;
mod env_policy;
mod environment;
mod harden;
mod isolated;
mod leaks;
mod limits;
mod output;
mod spawner;
mod start;
mod supervisor;
mod support;
mod trust;
