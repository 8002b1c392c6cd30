//! Resolving the limits of one call: the configuration (environment already folded in),
//! narrowed by the CLI flags of `symbi run` and by the agent's `resources` block.
//!
//! Neither the CLI nor `resources` can widen a configured limit: the configuration is the
//! operator's ceiling, and an agent file or a command line only asks for less. A wider
//! `resources` value is reported by the checker (see [`resource_widenings`]) and clamped here.

use crate::config::Config;
use crate::diag::Span;
use crate::syntax::ast;
use serde::Serialize;
use std::time::Duration;

const MIB: u64 = 1024 * 1024;

/// What the caller asks for below the configuration: `symbi run`'s `--max-memory`,
/// `--max-cpu` and `--timeout`, or an embedder's own narrower limits.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LimitOverrides {
    /// `--max-memory MB`.
    pub max_memory_mb: Option<u64>,
    /// `--max-cpu CORES`.
    pub max_cpu_cores: Option<f64>,
    /// `--timeout SECONDS`.
    pub timeout_seconds: Option<u64>,
}

/// Resource limits of one call, already resolved from config, env, CLI and `resources`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Limits {
    /// Apply OS-level limits at all (`native_execution.enforce_resource_limits`).
    pub enforce: bool,
    /// Address-space / memory limit in MiB (RLIMIT_AS natively, memory+swap in containers).
    pub max_memory_mb: Option<u64>,
    /// CPU time in seconds (RLIMIT_CPU).
    pub max_cpu_seconds: Option<u64>,
    /// CPU cores (cgroup quota, affinity, or nano-CPUs).
    pub max_cpu_cores: Option<f64>,
    /// Wall-clock timeout of the whole call.
    #[serde(serialize_with = "serialize_duration_ms")]
    pub timeout: Duration,
    /// Bytes kept per stream; beyond it output is dropped and the tree is killed.
    pub max_output_bytes: u64,
    /// Largest file the child may write, in bytes (RLIMIT_FSIZE).
    pub max_file_size_bytes: Option<u64>,
    /// Open file descriptors (RLIMIT_NOFILE).
    pub max_open_files: Option<u64>,
    /// Processes/threads (pids cgroup, RLIMIT_NPROC, container pids limit).
    pub max_processes: Option<u64>,
}

fn serialize_duration_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            enforce: true,
            max_memory_mb: Some(2048),
            max_cpu_seconds: Some(300),
            max_cpu_cores: Some(4.0),
            timeout: Duration::from_secs(300),
            max_output_bytes: 10 * 1024 * 1024,
            max_file_size_bytes: Some(1024 * 1024 * 1024),
            max_open_files: Some(1024),
            max_processes: Some(256),
        }
    }
}

/// The smaller of two optional limits, where `None` means unlimited.
fn narrow(configured: Option<u64>, asked: Option<u64>) -> Option<u64> {
    match (configured, asked) {
        (Some(c), Some(a)) => Some(c.min(a)),
        (c, None) => c,
        (None, a) => a,
    }
}

fn narrow_f(configured: Option<f64>, asked: Option<f64>) -> Option<f64> {
    let asked = asked.filter(|a| a.is_finite() && *a > 0.0);
    match (configured, asked) {
        (Some(c), Some(a)) => Some(c.min(a)),
        (c, None) => c,
        (None, a) => a,
    }
}

/// A `resources` integer as a limit: negative or zero values are not limits (the checker
/// reports them) and are ignored.
fn positive(setting: Option<&ast::Setting<i64>>) -> Option<u64> {
    setting.and_then(|s| s.value).filter(|v| *v > 0).map(|v| v as u64)
}

fn positive_f(setting: Option<&ast::Setting<f64>>) -> Option<f64> {
    setting.and_then(|s| s.value)
}

/// The limits of one call: configuration, then the CLI flags, then `resources`, each of the
/// later ones only lowering a limit.
pub fn resolve_limits(cfg: &Config, cli: &LimitOverrides, resources: Option<&ast::ResourcesBlock>) -> Limits {
    let native = &cfg.native_execution;
    let memory = narrow(native.max_memory_mb, cli.max_memory_mb.filter(|m| *m > 0));
    let memory = narrow(memory, positive(resources.and_then(|r| r.max_memory_mb.as_ref())));
    let cpu_seconds =
        narrow(native.max_cpu_seconds, positive(resources.and_then(|r| r.max_cpu_seconds.as_ref())));
    let cores = narrow_f(native.max_cpu_cores, cli.max_cpu_cores);
    let cores = narrow_f(cores, positive_f(resources.and_then(|r| r.max_cpu_cores.as_ref())));
    let timeout_ms = native.max_execution_time_seconds.saturating_mul(1000);
    let timeout_ms =
        narrow(Some(timeout_ms), cli.timeout_seconds.filter(|t| *t > 0).map(|t| t.saturating_mul(1000)));
    let timeout_ms = narrow(
        timeout_ms,
        resources.and_then(|r| r.timeout_ms.as_ref()).and_then(|s| s.value).filter(|t| *t > 0),
    );
    let output =
        narrow(Some(native.max_output_bytes), positive(resources.and_then(|r| r.max_output_bytes.as_ref())));
    Limits {
        enforce: native.enforce_resource_limits,
        max_memory_mb: memory,
        max_cpu_seconds: cpu_seconds,
        max_cpu_cores: cores,
        timeout: Duration::from_millis(
            timeout_ms.unwrap_or(native.max_execution_time_seconds.saturating_mul(1000)),
        ),
        max_output_bytes: output.unwrap_or(native.max_output_bytes),
        max_file_size_bytes: native.max_file_size_mb.map(|mb| mb.saturating_mul(MIB)),
        max_open_files: native.max_open_files,
        max_processes: native.max_processes,
    }
}

/// A `resources` value above the configured limit (a checker error; the runner clamps it).
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceWidening {
    /// The `resources` key (`max_memory_mb`, `timeout`, ...).
    pub key: &'static str,
    /// The value as written.
    pub span: Span,
    /// The value asked for, as written.
    pub requested: String,
    /// The configured limit, with its unit.
    pub configured: String,
    /// The configuration key that sets the limit.
    pub config_key: &'static str,
}

/// Every `resources` value that is wider than the configuration allows.
pub fn resource_widenings(cfg: &Config, resources: &ast::ResourcesBlock) -> Vec<ResourceWidening> {
    let native = &cfg.native_execution;
    let mut out = Vec::new();
    let mut int =
        |key: &'static str, setting: &Option<ast::Setting<i64>>, limit: Option<u64>, config_key, unit| {
            if let (Some(s), Some(limit)) = (setting, limit)
                && let Some(v) = s.value
                && v > 0
                && v as u64 > limit
            {
                out.push(ResourceWidening {
                    key,
                    span: s.span,
                    requested: s.raw.clone(),
                    configured: format!("{limit}{unit}"),
                    config_key,
                });
            }
        };
    int(
        "max_memory_mb",
        &(resources.max_memory_mb),
        native.max_memory_mb,
        "native_execution.max_memory_mb",
        " MiB",
    );
    int(
        "max_cpu_seconds",
        &(resources.max_cpu_seconds),
        native.max_cpu_seconds,
        "native_execution.max_cpu_seconds",
        " s",
    );
    int(
        "max_output_bytes",
        &(resources.max_output_bytes),
        Some(native.max_output_bytes),
        "native_execution.max_output_bytes",
        " bytes",
    );
    if let (Some(s), Some(limit)) = (&resources.max_cpu_cores, native.max_cpu_cores)
        && let Some(v) = s.value
        && v > limit
    {
        out.push(ResourceWidening {
            key: "max_cpu_cores",
            span: s.span,
            requested: s.raw.clone(),
            configured: format!("{limit} cores"),
            config_key: "native_execution.max_cpu_cores",
        });
    }
    if let Some(s) = &resources.timeout_ms
        && let Some(ms) = s.value
        && ms > native.max_execution_time_seconds.saturating_mul(1000)
    {
        out.push(ResourceWidening {
            key: "timeout",
            span: s.span,
            requested: s.raw.clone(),
            configured: format!("{}s", native.max_execution_time_seconds),
            config_key: "native_execution.max_execution_time_seconds",
        });
    }
    out
}
