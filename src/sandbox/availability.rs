//! Which tiers this host can run, and why not: the facts behind `symbi doctor`.
//!
//! Every container tier is checked for real: the engine is asked for its version and
//! runtimes, the image is looked up, and a `true` container is run on the tier, so a
//! runtime that is registered but cannot start containers is reported as unavailable.

use super::docker::DockerSandbox;
use super::firecracker;
use super::{ExecRequest, Limits, Program, Sandbox};
use crate::config::Config;
use crate::diag::{Code, codes};
use crate::security::Tier;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// One fact about a tier: what was checked, whether it holds, and the detail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked (`engine`, `image`, `runtime`, `smoke test`, ...).
    pub what: String,
    /// It holds.
    pub ok: bool,
    /// The version, path, or what went wrong.
    pub detail: String,
}

impl Check {
    fn new(what: &str, ok: bool, detail: impl Into<String>) -> Self {
        Check { what: what.into(), ok, detail: detail.into() }
    }
}

/// The verdict on one tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TierReport {
    /// The tier.
    pub tier: Tier,
    /// The technology (`native`, `Docker`, ...).
    pub backend: &'static str,
    /// Calls can run on this tier here.
    pub available: bool,
    /// The checks, in the order they were made.
    pub checks: Vec<Check>,
}

/// Checks every tier; `docker_host_env` is the value of `DOCKER_HOST`.
pub async fn tiers(cfg: &Config, docker_host_env: Option<&str>) -> Vec<TierReport> {
    // The policy's consent rule, production guard included; `doctor` has no tier flags.
    let consent = crate::policy::native_consent(&crate::policy::TierChoice::default(), cfg);
    let native = TierReport {
        tier: Tier::None,
        backend: Tier::None.backend(),
        available: true,
        checks: vec![Check::new(
            "consent",
            consent.is_ok(),
            match &consent {
                Ok(_) => "native execution is allowed by the configuration",
                Err(crate::policy::ConsentRefusal::Production) => {
                    "refused: SYMBIONT_ENV=production refuses native execution whatever consents"
                }
                Err(crate::policy::ConsentRefusal::NotConsented) => {
                    "not consented to: pass --native, or set security.allow_native_execution = true"
                }
            },
        )],
    };
    let tier1 = container_tier(Tier::Tier1, cfg, docker_host_env).await;
    let tier2 = container_tier(Tier::Tier2, cfg, docker_host_env).await;
    let fc_checks: Vec<Check> = firecracker::requirements(&cfg.firecracker)
        .into_iter()
        .map(|r| Check { what: r.what, ok: r.ok, detail: r.detail })
        .collect();
    let tier3 = TierReport {
        tier: Tier::Tier3,
        backend: Tier::Tier3.backend(),
        // Even with every part present this build does not run micro-VMs.
        available: false,
        checks: fc_checks
            .into_iter()
            .chain([Check::new("micro-VM execution", false, "not part of this build")])
            .collect(),
    };
    vec![native, tier1, tier2, tier3]
}

async fn container_tier(tier: Tier, cfg: &Config, docker_host_env: Option<&str>) -> TierReport {
    let mut checks = Vec::new();
    let made = match tier {
        Tier::Tier2 => DockerSandbox::tier2(cfg, docker_host_env),
        _ => DockerSandbox::tier1(cfg, docker_host_env),
    };
    let available = match made {
        Err(e) => {
            checks.push(Check::new("engine", false, e.message));
            false
        }
        Ok(sb) => {
            let addr = sb.address().clone();
            match sb.preflight().await {
                Err(e) => {
                    checks.push(Check::new(
                        "engine",
                        e.code != codes::ENGINE_UNREACHABLE,
                        format!("{} (from {})", addr.address, addr.from),
                    ));
                    if tier == Tier::Tier2 && e.code == codes::IMAGE_MISSING {
                        // The runtime is checked before the image.
                        checks.push(Check::new(
                            "runtime",
                            true,
                            format!("`{}` is registered", cfg.gvisor.runtime),
                        ));
                    }
                    checks.push(Check::new(preflight_step(e.code), false, e.message));
                    false
                }
                Ok(facts) => {
                    checks.push(Check::new(
                        "engine",
                        true,
                        format!(
                            "Docker {} (API {}) at {} (from {})",
                            facts.version, facts.api_version, addr.address, addr.from
                        ),
                    ));
                    if tier == Tier::Tier2 {
                        checks.push(Check::new(
                            "runtime",
                            true,
                            format!("`{}` is registered", cfg.gvisor.runtime),
                        ));
                    }
                    checks.push(Check::new("image", true, format!("`{}` is present", cfg.docker.image)));
                    let smoke = smoke_test(&sb).await;
                    let ok = smoke.ok;
                    checks.push(smoke);
                    ok
                }
            }
        }
    };
    TierReport { tier, backend: tier.backend(), available, checks }
}

fn preflight_step(code: Code) -> &'static str {
    match code {
        codes::IMAGE_MISSING => "image",
        codes::RUNTIME_MISSING => "runtime",
        _ => "engine",
    }
}

/// Runs `true` in a container of the tier: registered is not the same as working.
async fn smoke_test(sb: &DockerSandbox) -> Check {
    let request = ExecRequest {
        program: Program::Argv(vec!["true".into()]),
        env: BTreeMap::new(),
        stdin: None,
        working_dir: std::env::temp_dir(),
        limits: Limits { timeout: Duration::from_secs(30), ..Limits::default() },
        allowed_executables: vec!["true".into()],
        network: false,
        local_filesystem: false,
        sink: None,
    };
    match sb.execute(request).await {
        Ok(r) if r.success => {
            Check::new("smoke test", true, format!("`true` ran in a container in {} ms", r.duration_ms))
        }
        Ok(r) => {
            Check::new("smoke test", false, format!("`true` failed in the container: {}", r.stderr.trim()))
        }
        Err(e) => Check::new("smoke test", false, format!("{}: {}", e.code, e.message)),
    }
}

/// Native containment mechanisms of this host beyond what the native runner uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostMechanisms {
    /// Namespace kinds the kernel offers (`/proc/self/ns`).
    pub namespaces: Vec<String>,
    /// Unprivileged user namespaces are allowed.
    pub user_namespaces: bool,
    /// Landlock's ABI version, if the kernel has Landlock enabled.
    pub landlock_abi: Option<i64>,
}

/// Reads namespaces and Landlock support from the kernel (nothing is changed).
pub fn host_mechanisms() -> HostMechanisms {
    let mut namespaces: Vec<String> = std::fs::read_dir("/proc/self/ns")
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    namespaces.sort();
    let max_userns = std::fs::read_to_string("/proc/sys/user/max_user_namespaces").unwrap_or_default();
    let user_namespaces = max_userns.trim().parse::<u64>().is_ok_and(|n| n > 0);
    HostMechanisms { namespaces, user_namespaces, landlock_abi: landlock_abi() }
}

fn landlock_abi() -> Option<i64> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute pointer, size 0 and the VERSION flag the call only
    // returns the ABI version (or an error); it creates no file descriptor.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    (v > 0).then_some(v)
}
