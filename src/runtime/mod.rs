//! symbi as a Rust library: run code and commands on a tier, with the same policy and the
//! same sandboxes as `symbi run`.
//!
//! ```no_run
//! use std::collections::HashMap;
//! use symbi::runtime::{Config, SandboxOrchestrator, SecurityTier};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let mut config = Config::default();
//! config.security.allow_native_execution = true;
//! config.security.default_sandbox_tier = SecurityTier::None;
//!
//! let orchestrator = SandboxOrchestrator::new(config)?;
//! let result = orchestrator
//!     .execute_code(SecurityTier::None, "echo 'Hello from native execution!'", HashMap::new())
//!     .await?;
//! println!("Output: {}", result.stdout);
//! # Ok(())
//! # }
//! ```
//!
//! Every call goes through [`crate::policy::decide_call`]: consent to tier None comes only
//! from the configuration, `SYMBIONT_ENV=production` refuses tier None whatever consents, the
//! configuration's allowlist applies on every tier, and the limits are the configuration's,
//! narrowed by [`SandboxOrchestrator::with_limits`] and a call's own timeout. A refusal is a
//! [`SandboxError`] with the code `symbi run` reports (E0301, E0302, E0401, ...).
//! See docs/embedding.md.

mod orchestrator;

pub use crate::config::Config;
pub use crate::eval::Cancel;
pub use crate::policy::{LimitOverrides, Limits};
pub use crate::sandbox::{ExecResult, Program, SandboxError};
pub use crate::security::Tier as SecurityTier;
pub use orchestrator::{CallOptions, SandboxOrchestrator};
