//! The limit flags of `symbi run` that ask for more than the configuration allows.
//!
//! [`super::resolve_limits`] already keeps the smaller value, so such a flag is lowered to the
//! configured ceiling; this names each one, so the run can say so instead of quietly running
//! with less than was typed.

use super::LimitOverrides;
use crate::config::{Config, Origin};
use crate::syntax::spelling::format_duration;

/// One flag above its configured ceiling, with values spelt as the flag takes them
/// (`4G`, `90s`, `1.5`).
#[derive(Clone, Debug, PartialEq)]
pub struct LoweredFlag {
    /// The flag (`--max-memory`).
    pub flag: &'static str,
    /// What it asked for.
    pub asked: String,
    /// The ceiling the run uses instead.
    pub ceiling: String,
    /// The configuration key that sets the ceiling.
    pub key: &'static str,
    /// Where that key's value came from: `the built-in default`, `set in FILE`, `set by VAR`.
    pub set_by: String,
}

/// Every limit flag in `cli` that asks for more than `cfg` allows, in the order of the flags'
/// help (`--max-memory`, `--max-cpu`, `--timeout`). A ceiling that is unset (no limit) lowers
/// nothing.
pub fn lowered_flags(cfg: &Config, cli: &LimitOverrides) -> Vec<LoweredFlag> {
    let native = &cfg.native_execution;
    let mut out = Vec::new();
    let mut lowered = |flag, key: &'static str, asked, ceiling| {
        out.push(LoweredFlag { flag, asked, ceiling, key, set_by: set_by(&cfg.origin(key)) });
    };
    if let (Some(asked), Some(ceiling)) = (cli.max_memory_mb, native.max_memory_mb)
        && asked > ceiling
    {
        lowered("--max-memory", "native_execution.max_memory_mb", memory(asked), memory(ceiling));
    }
    if let (Some(asked), Some(ceiling)) = (cli.max_cpu_cores, native.max_cpu_cores)
        && asked > ceiling
    {
        lowered("--max-cpu", "native_execution.max_cpu_cores", format!("{asked}"), format!("{ceiling}"));
    }
    let ceiling = native.max_execution_time_seconds;
    if let Some(asked) = cli.timeout_seconds
        && asked > ceiling
    {
        lowered("--timeout", "native_execution.max_execution_time_seconds", seconds(asked), seconds(ceiling));
    }
    out
}

/// MiB as `--max-memory` takes them: whole GiB as `G`, else `M`.
fn memory(mb: u64) -> String {
    if mb >= 1024 && mb.is_multiple_of(1024) { format!("{}G", mb / 1024) } else { format!("{mb}M") }
}

/// Seconds as `--timeout` takes them (`90s`, `5m`, `2h`).
fn seconds(s: u64) -> String {
    format_duration(s.saturating_mul(1000))
}

fn set_by(origin: &Origin) -> String {
    match origin {
        Origin::Default => "the built-in default".to_string(),
        Origin::File(path) => format!("set in {}", path.display()),
        Origin::Env(var) => format!("set by {var}"),
        Origin::Cli(flag) => format!("set by {flag}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overrides(memory: Option<u64>, cores: Option<f64>, timeout: Option<u64>) -> LimitOverrides {
        LimitOverrides { max_memory_mb: memory, max_cpu_cores: cores, timeout_seconds: timeout }
    }

    #[test]
    fn flags_above_the_ceiling_are_named_with_the_key_and_where_it_was_set() {
        let mut cfg = Config::default();
        cfg.native_execution.max_memory_mb = Some(2048);
        cfg.native_execution.max_cpu_cores = Some(2.0);
        cfg.native_execution.max_execution_time_seconds = 300;
        cfg.origins.insert("native_execution.max_cpu_cores".into(), Origin::File("/etc/c.toml".into()));
        cfg.origins
            .insert("native_execution.max_execution_time_seconds".into(), Origin::Env("SYMBIONT_X".into()));
        let lowered = lowered_flags(&cfg, &overrides(Some(4096), Some(2.5), Some(3600)));
        let rows: Vec<_> = lowered
            .iter()
            .map(|l| (l.flag, l.asked.as_str(), l.ceiling.as_str(), l.set_by.as_str()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("--max-memory", "4G", "2G", "the built-in default"),
                ("--max-cpu", "2.5", "2", "set in /etc/c.toml"),
                ("--timeout", "1h", "5m", "set by SYMBIONT_X"),
            ]
        );
        assert_eq!(lowered[0].key, "native_execution.max_memory_mb");
        assert_eq!(lowered[2].key, "native_execution.max_execution_time_seconds");
    }

    #[test]
    fn flags_at_or_below_the_ceiling_and_unset_ceilings_lower_nothing() {
        let mut cfg = Config::default();
        cfg.native_execution.max_memory_mb = Some(1536);
        cfg.native_execution.max_cpu_cores = None;
        assert!(lowered_flags(&cfg, &overrides(Some(1536), Some(64.0), Some(300))).is_empty());
        assert!(lowered_flags(&cfg, &overrides(None, None, None)).is_empty());
        let lowered = lowered_flags(&cfg, &overrides(Some(2000), None, None));
        assert_eq!((lowered[0].asked.as_str(), lowered[0].ceiling.as_str()), ("2000M", "1536M"));
    }
}
