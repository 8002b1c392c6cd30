//! Typed values of configuration keys, and how each dotted key lands in [`Config`].
//!
//! The file and the environment both produce `(dotted key, Value)` pairs; this is the one
//! place that maps them onto fields, so both sources behave the same.

use super::model::Config;
use crate::security::Tier;
use std::path::PathBuf;

/// A validated value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// An integer in the key's range.
    Int(u64),
    /// A limit; `None` is `"unlimited"`.
    Limit(Option<u64>),
    /// CPU cores; `None` is `"unlimited"`.
    Cores(Option<f64>),
    /// A string.
    Str(String),
    /// A path.
    Path(PathBuf),
    /// A tier.
    Tier(Tier),
    /// A list of strings.
    List(Vec<String>),
    /// A valid value of a key symbi does not use yet.
    Unused,
}

/// Sets the field of `key` (`native_execution.max_memory_mb`, ...) to `value`. Keys that
/// do not name a field (unused sections) and mismatched values are left alone; validation
/// already guarantees the match.
pub fn apply(cfg: &mut Config, key: &str, value: Value) {
    use Value::*;
    let n = &mut cfg.native_execution;
    match (key, value) {
        ("security.allow_native_execution", Bool(b)) => cfg.security.allow_native_execution = b,
        ("security.default_sandbox_tier", Tier(t)) => cfg.security.default_sandbox_tier = t,
        ("native_execution.enabled", Bool(b)) => n.enabled = b,
        ("native_execution.default_executable", Str(s)) => n.default_executable = s,
        ("native_execution.working_directory", Path(p)) => n.working_directory = p,
        ("native_execution.enforce_resource_limits", Bool(b)) => n.enforce_resource_limits = b,
        ("native_execution.max_memory_mb", Limit(l)) => n.max_memory_mb = l,
        ("native_execution.max_cpu_seconds", Limit(l)) => n.max_cpu_seconds = l,
        ("native_execution.max_cpu_cores", Cores(c)) => n.max_cpu_cores = c,
        ("native_execution.max_execution_time_seconds", Int(i)) => n.max_execution_time_seconds = i,
        ("native_execution.allowed_executables", List(l)) => n.allowed_executables = l,
        ("native_execution.allowed_env", List(l)) => n.allowed_env = l,
        ("native_execution.harden", Bool(b)) => n.harden = b,
        ("native_execution.writable_paths", List(l)) => {
            n.writable_paths = l.into_iter().map(PathBuf::from).collect()
        }
        ("native_execution.readable_paths", List(l)) => {
            n.readable_paths = l.into_iter().map(PathBuf::from).collect()
        }
        ("native_execution.max_output_bytes", Int(i)) => n.max_output_bytes = i,
        ("native_execution.max_file_size_mb", Limit(l)) => n.max_file_size_mb = l,
        ("native_execution.max_open_files", Limit(l)) => n.max_open_files = l,
        ("native_execution.max_processes", Limit(l)) => n.max_processes = l,
        ("docker.image", Str(s)) => cfg.docker.image = s,
        ("docker.host", Str(s)) => cfg.docker.host = Some(s),
        ("docker.user", Str(s)) => cfg.docker.user = Some(s),
        ("docker.tmpfs_mb", Int(i)) => cfg.docker.tmpfs_mb = i,
        ("gvisor.runtime", Str(s)) => cfg.gvisor.runtime = s,
        ("firecracker.binary", Path(p)) => cfg.firecracker.binary = p.to_string_lossy().into_owned(),
        ("firecracker.kernel", Path(p)) => cfg.firecracker.kernel = Some(p),
        ("firecracker.rootfs", Path(p)) => cfg.firecracker.rootfs = Some(p),
        ("firecracker.vcpus", Int(i)) => cfg.firecracker.vcpus = clamp_u32(i),
        ("firecracker.memory_mb", Int(i)) => cfg.firecracker.memory_mb = i,
        ("storage.audit_log", Path(p)) => cfg.storage.audit_log = p,
        ("storage.runs_db", Path(p)) => cfg.storage.runs_db = p,
        ("storage.keep_runs", Int(i)) => cfg.storage.keep_runs = i,
        ("api.host", Str(s)) => cfg.api.host = s,
        ("logging.level", Str(s)) => cfg.logging.level = s,
        ("logging.format", Str(s)) => cfg.logging.format = s,
        ("api.port", Int(i)) => cfg.api.port = u16::try_from(i).unwrap_or(u16::MAX),
        ("api.timeout_seconds", Int(i)) => cfg.api.timeout_seconds = i,
        ("api.max_body_size", Int(i)) => cfg.api.max_body_size = i,
        ("api.max_concurrent_runs", Int(i)) => cfg.api.max_concurrent_runs = i,
        ("api.max_queued_runs", Int(i)) => cfg.api.max_queued_runs = i,
        ("api.shutdown_grace_seconds", Int(i)) => cfg.api.shutdown_grace_seconds = i,
        ("runtime.max_loop_iterations", Int(i)) => cfg.runtime.max_loop_iterations = i,
        ("runtime.max_call_depth", Int(i)) => cfg.runtime.max_call_depth = clamp_u32(i),
        ("runtime.max_emit_depth", Int(i)) => cfg.runtime.max_emit_depth = clamp_u32(i),
        _ => {}
    }
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}
