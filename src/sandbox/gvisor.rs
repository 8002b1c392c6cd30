//! Tier2: the Tier1 container under gVisor's `runsc` runtime (`[gvisor] runtime`).
//!
//! The container spec is exactly Tier1's (see [`super::docker::spec`]); only the OCI
//! runtime differs, so the guest kernel is gVisor's Sentry rather than the host's. The
//! runtime must be registered with the engine; when it is not, every call fails with E0452
//! naming the registered runtimes and how to register it. There is no fallback to Tier1 or
//! to native execution.
//!
//! Debian's `runsc` (release 2022-12) misreads the network namespace Docker creates on
//! recent kernels as the host's ("cannot run with network enabled in root network
//! namespace"); registering it with `runtimeArgs: ["--network=host"]` makes it use the
//! namespace Docker made (`none`: only `lo`; `bridge` with `network`) instead of its own
//! netstack. See docs/containers.md.

use super::docker::DockerSandbox;
use crate::config::Config;
use crate::sandbox::SandboxError;

/// The Tier2 sandbox of `cfg` (`docker_host_env` is the value of `DOCKER_HOST`).
pub fn sandbox(cfg: &Config, docker_host_env: Option<&str>) -> Result<DockerSandbox, SandboxError> {
    DockerSandbox::tier2(cfg, docker_host_env)
}

/// Whether `runtime` is among the engine's registered `runtimes`.
pub fn runtime_registered(runtime: &str, runtimes: &[String]) -> bool {
    runtimes.iter().any(|r| r == runtime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_runtime_is_not_registered() {
        let rts = vec!["runc".to_string(), "runsc".to_string()];
        assert!(runtime_registered("runsc", &rts));
        assert!(!runtime_registered("runsc-debug", &rts));
    }
}
