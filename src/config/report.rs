//! The effective configuration as a list of `key = value (origin)` rows, for `symbi doctor`
//! and the run transcript: every key symbi uses, its value, and where the value came from.

use super::model::{Config, Origin};
use super::schema;
use serde::Serialize;
use std::path::Path;

/// One key of the effective configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EffectiveValue {
    /// The dotted key (`native_execution.max_memory_mb`).
    pub key: String,
    /// The value written as TOML would write it (`2048`, `"unlimited"`, `["bash", "sh"]`);
    /// keys without a value (`docker.host` unset) read `unset`.
    pub value: String,
    /// Where it came from.
    pub origin: Origin,
}

/// Every key symbi uses, in the order of the key table, with its value and origin; keys of
/// sections symbi only validates are left out. `production` (from `SYMBIONT_ENV`) comes last.
pub fn effective_values(cfg: &Config) -> Vec<EffectiveValue> {
    let mut out = Vec::new();
    for section in schema::SECTIONS.iter().filter(|s| s.used) {
        for key in schema::table_keys(section.kind).unwrap_or_default() {
            if !key.used || matches!(key.kind, schema::Kind::Table(_)) {
                continue;
            }
            let dotted = format!("{}.{}", section.name, key.name);
            if let Some(value) = value_of(cfg, &dotted) {
                out.push(EffectiveValue { origin: cfg.origin(&dotted), key: dotted, value });
            }
        }
    }
    out.push(EffectiveValue {
        key: "production".into(),
        value: cfg.production.to_string(),
        origin: cfg.origin("production"),
    });
    out
}

fn text(s: &str) -> String {
    format!("{s:?}")
}

fn paths(list: &[std::path::PathBuf]) -> String {
    format!("[{}]", list.iter().map(|p| path(p)).collect::<Vec<_>>().join(", "))
}

fn path(p: &Path) -> String {
    text(&p.to_string_lossy())
}

fn limit(l: Option<u64>) -> String {
    l.map_or_else(|| text("unlimited"), |v| v.to_string())
}

fn optional(v: Option<String>) -> String {
    v.unwrap_or_else(|| "unset".into())
}

/// The value of a dotted key, written as TOML would write it.
pub fn value_of(cfg: &Config, key: &str) -> Option<String> {
    let n = &cfg.native_execution;
    let v = match key {
        "security.allow_native_execution" => cfg.security.allow_native_execution.to_string(),
        "security.default_sandbox_tier" => text(cfg.security.default_sandbox_tier.name()),
        "native_execution.enabled" => n.enabled.to_string(),
        "native_execution.default_executable" => text(&n.default_executable),
        "native_execution.working_directory" => path(&n.working_directory),
        "native_execution.enforce_resource_limits" => n.enforce_resource_limits.to_string(),
        "native_execution.max_memory_mb" => limit(n.max_memory_mb),
        "native_execution.max_cpu_seconds" => limit(n.max_cpu_seconds),
        "native_execution.max_cpu_cores" => {
            n.max_cpu_cores.map_or_else(|| text("unlimited"), |c| format!("{c:?}"))
        }
        "native_execution.max_execution_time_seconds" => n.max_execution_time_seconds.to_string(),
        "native_execution.allowed_executables" => {
            format!("[{}]", n.allowed_executables.iter().map(|e| text(e)).collect::<Vec<_>>().join(", "))
        }
        "native_execution.allowed_env" => {
            format!("[{}]", n.allowed_env.iter().map(|e| text(e)).collect::<Vec<_>>().join(", "))
        }
        "native_execution.harden" => n.harden.to_string(),
        "native_execution.writable_paths" => paths(&n.writable_paths),
        "native_execution.readable_paths" => paths(&n.readable_paths),
        "native_execution.max_output_bytes" => n.max_output_bytes.to_string(),
        "native_execution.max_file_size_mb" => limit(n.max_file_size_mb),
        "native_execution.max_open_files" => limit(n.max_open_files),
        "native_execution.max_processes" => limit(n.max_processes),
        "docker.image" => text(&cfg.docker.image),
        "docker.host" => optional(cfg.docker.host.as_deref().map(text)),
        "docker.user" => optional(cfg.docker.user.as_deref().map(text)),
        "docker.tmpfs_mb" => cfg.docker.tmpfs_mb.to_string(),
        "gvisor.runtime" => text(&cfg.gvisor.runtime),
        "firecracker.binary" => text(&cfg.firecracker.binary),
        "firecracker.kernel" => optional(cfg.firecracker.kernel.as_deref().map(path)),
        "firecracker.rootfs" => optional(cfg.firecracker.rootfs.as_deref().map(path)),
        "firecracker.vcpus" => cfg.firecracker.vcpus.to_string(),
        "firecracker.memory_mb" => cfg.firecracker.memory_mb.to_string(),
        "storage.audit_log" => path(&cfg.storage.audit_log),
        "storage.runs_db" => path(&cfg.storage.runs_db),
        "storage.keep_runs" => cfg.storage.keep_runs.to_string(),
        "api.host" => text(&cfg.api.host),
        "logging.level" => text(&cfg.logging.level),
        "logging.format" => text(&cfg.logging.format),
        "api.port" => cfg.api.port.to_string(),
        "api.timeout_seconds" => cfg.api.timeout_seconds.to_string(),
        "api.max_body_size" => cfg.api.max_body_size.to_string(),
        "api.max_concurrent_runs" => cfg.api.max_concurrent_runs.to_string(),
        "api.max_queued_runs" => cfg.api.max_queued_runs.to_string(),
        "api.shutdown_grace_seconds" => cfg.api.shutdown_grace_seconds.to_string(),
        "runtime.max_loop_iterations" => cfg.runtime.max_loop_iterations.to_string(),
        "runtime.max_call_depth" => cfg.runtime.max_call_depth.to_string(),
        "runtime.max_emit_depth" => cfg.runtime.max_emit_depth.to_string(),
        _ => return None,
    };
    Some(v)
}
