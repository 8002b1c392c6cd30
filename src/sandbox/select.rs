//! Choosing the runner of a tier.

use super::docker::DockerSandbox;
use super::firecracker::FirecrackerSandbox;
use super::native::{NativeSandbox, harden};
use super::{Sandbox, SandboxError};
use crate::config::Config;
use crate::security::Tier;
use std::sync::Arc;

/// The sandbox that runs calls on `tier`. Each tier either runs for real or fails with a
/// diagnostic saying why (E0450 no engine, E0455 Tier3 preflight); a tier never falls back
/// to another, least of all to native execution.
///
/// `hardened` (from [`policy::hardened`](crate::policy::hardened)) confines every
/// native call with the kernel, or refuses it where the host cannot.
pub fn for_tier(tier: Tier, cfg: &Config, hardened: bool) -> Result<Arc<dyn Sandbox>, SandboxError> {
    let docker_host = std::env::var("DOCKER_HOST").ok();
    match tier {
        Tier::None => {
            let native = &cfg.native_execution;
            let runner = NativeSandbox::new().with_allowed_env(native.allowed_env.clone());
            if !hardened {
                return Ok(Arc::new(runner));
            }
            let settings = harden::Settings {
                writable: native.writable_paths.clone(),
                readable: native.readable_paths.clone(),
            };
            Ok(Arc::new(runner.hardened(settings)))
        }
        Tier::Tier1 => Ok(Arc::new(DockerSandbox::tier1(cfg, docker_host.as_deref())?)),
        Tier::Tier2 => Ok(Arc::new(super::gvisor::sandbox(cfg, docker_host.as_deref())?)),
        Tier::Tier3 => Ok(Arc::new(FirecrackerSandbox::new(&cfg.firecracker)?)),
    }
}
