//! The environment variables symbi reads, captured once so loading stays a pure function
//! of its inputs (and tests never touch the process environment).

use super::apply::Value;
use crate::diag::Diagnostic;
use crate::diag::codes::CONFIG_BAD_ENV;
use crate::diag::suggest::did_you_mean;
use crate::security::Tier;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A snapshot of environment variables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvVars(pub BTreeMap<String, String>);

impl EnvVars {
    /// The variables of this process whose names and values are UTF-8.
    pub fn from_process() -> Self {
        EnvVars(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        )
    }

    /// Builds a snapshot from pairs (for tests and embedding).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        EnvVars(pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    /// The value of `name`; an empty value counts as unset, as shells commonly use it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// `SYMBIONT_CONFIG`: the config file when `--config` is not given.
pub const CONFIG_VAR: &str = "SYMBIONT_CONFIG";
/// `SYMBIONT_ENV`: `production` (or `prod`) refuses tier None.
pub const ENV_VAR: &str = "SYMBIONT_ENV";

/// The variables that override a configuration key: (variable, dotted key).
pub const OVERRIDES: [(&str, &str); 7] = [
    ("SYMBIONT_ALLOW_NATIVE_EXECUTION", "security.allow_native_execution"),
    ("SYMBIONT_DEFAULT_SANDBOX_TIER", "security.default_sandbox_tier"),
    ("SYMBIONT_NATIVE_MAX_MEMORY_MB", "native_execution.max_memory_mb"),
    ("SYMBIONT_NATIVE_MAX_CPU_CORES", "native_execution.max_cpu_cores"),
    ("SYMBIONT_NATIVE_WORKING_DIR", "native_execution.working_directory"),
    ("SYMBIONT_API_HOST", "api.host"),
    ("SYMBIONT_API_PORT", "api.port"),
];

/// One override read from the environment.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvOverride {
    /// The variable.
    pub var: &'static str,
    /// The dotted key it sets.
    pub key: &'static str,
    /// The parsed value.
    pub value: Value,
}

/// Reads every override that is set; a malformed value is a diagnostic naming the variable
/// (all of them are reported, not only the first).
pub fn overrides(env: &EnvVars) -> (Vec<EnvOverride>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (var, key) in OVERRIDES {
        let Some(raw) = env.get(var) else { continue };
        match parse(var, raw.trim()) {
            Ok(value) => found.push(EnvOverride { var, key, value }),
            Err((expected, help)) => problems.push(
                Diagnostic::error(
                    CONFIG_BAD_ENV,
                    format!("environment variable {var} has an invalid value `{raw}`"),
                )
                .with_note(format!("{var} must be {expected}"))
                .with_help(help),
            ),
        }
    }
    (found, problems)
}

fn parse(var: &str, raw: &str) -> Result<Value, (&'static str, String)> {
    match var {
        "SYMBIONT_ALLOW_NATIVE_EXECUTION" => parse_bool(raw)
            .map(Value::Bool)
            .ok_or(("true or false (also 1/0, yes/no, on/off)", format!("export {var}=true"))),
        "SYMBIONT_DEFAULT_SANDBOX_TIER" => Tier::parse(raw).map(Value::Tier).ok_or_else(|| {
            let help = match did_you_mean(raw, Tier::SPELLINGS) {
                Some(best) => format!("did you mean {var}={best}?"),
                None => format!("export {var}=Tier1"),
            };
            ("None, Tier1, Tier2 or Tier3 (aliases: native, docker, gvisor, firecracker)", help)
        }),
        "SYMBIONT_NATIVE_MAX_MEMORY_MB" => parse_limit(raw)
            .map(Value::Limit)
            .ok_or(("a positive whole number of MiB, or unlimited", format!("export {var}=2048"))),
        "SYMBIONT_NATIVE_MAX_CPU_CORES" => parse_cores(raw)
            .map(Value::Cores)
            .ok_or(("a positive number of cores, or unlimited", format!("export {var}=4.0"))),
        "SYMBIONT_API_HOST" => Ok(Value::Str(raw.to_string())),
        "SYMBIONT_API_PORT" => raw
            .parse::<u16>()
            .map(|p| Value::Int(u64::from(p)))
            .map_err(|_| ("a port number 0..65535 (0: any free port)", format!("export {var}=8080"))),
        _ => {
            if raw.starts_with('/') {
                Ok(Value::Path(PathBuf::from(raw)))
            } else {
                Err(("an absolute path", format!("export {var}=/tmp/symbiont-native")))
            }
        }
    }
}

/// `true/false`, `1/0`, `yes/no`, `on/off`, case-insensitively.
fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A positive integer, or `unlimited` (`Some(None)`).
fn parse_limit(raw: &str) -> Option<Option<u64>> {
    if raw.eq_ignore_ascii_case("unlimited") {
        return Some(None);
    }
    raw.parse::<u64>().ok().filter(|n| *n >= 1 && *n <= i64::MAX as u64).map(Some)
}

/// A positive finite number, or `unlimited`.
fn parse_cores(raw: &str) -> Option<Option<f64>> {
    if raw.eq_ignore_ascii_case("unlimited") {
        return Some(None);
    }
    raw.parse::<f64>().ok().filter(|c| c.is_finite() && *c > 0.0).map(Some)
}

/// `SYMBIONT_ENV` names production (`production` or `prod`, any case).
pub fn is_production(env: &EnvVars) -> bool {
    env.get(ENV_VAR).is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "production" | "prod"))
}

/// Where the audit log goes when `storage.audit_log` is not set: the user's state directory
/// (`$XDG_STATE_HOME/symbi/audit.jsonl`, else `$HOME/.local/state/symbi/audit.jsonl`), which
/// is writable on a fresh machine and outside the working directory agents can write to;
/// without a usable home, `/tmp/symbi/audit.jsonl`.
pub fn default_audit_log(env: &EnvVars) -> PathBuf {
    if let Some(state) = env.get("XDG_STATE_HOME").filter(|p| p.starts_with('/')) {
        return PathBuf::from(state).join("symbi").join("audit.jsonl");
    }
    if let Some(home) = env.get("HOME").filter(|p| p.starts_with('/') && *p != "/") {
        return PathBuf::from(home).join(".local/state/symbi/audit.jsonl");
    }
    PathBuf::from("/tmp/symbi/audit.jsonl")
}
