//! Choosing the runner of a tier.

use super::native::NativeSandbox;
use super::{Sandbox, SandboxError};
use crate::config::Config;
use crate::security::Tier;
use std::sync::Arc;

/// The sandbox that runs calls on `tier`, or E0409 when this build has none for it.
pub fn for_tier(tier: Tier, _cfg: &Config) -> Result<Arc<dyn Sandbox>, SandboxError> {
    match tier {
        Tier::None => Ok(Arc::new(NativeSandbox::new())),
        other => Err(SandboxError::new(
            "E0409",
            format!("{} ({}) is not available in this build", other.name(), other.backend()),
        )
        .with_help("run on tier None with `--native` (and consent in the configuration), or use a build with this tier")),
    }
}
