//! The settings blocks of an agent: keys and values of `security` and `resources`, and
//! `resources` against the configuration's limits.

use super::codes;
use super::suggest::{did_you_mean, help_for};
use crate::config::Config;
use crate::diag::{Diagnostic, Span};
use crate::security::{Profile, Tier};
use crate::syntax::ast::{Agent, Entry, Setting};

const SECURITY_KEYS: [&str; 4] = ["tier", "sandbox", "capabilities", "allowed_executables"];
const RESOURCE_KEYS: [&str; 5] = ["max_memory_mb", "max_cpu_seconds", "max_cpu_cores", "timeout", "max_output_bytes"];

/// Checks the first `security` and `resources` blocks of an agent (repeats are reported
/// as duplicates elsewhere).
pub fn check_settings(agent: &Agent, config: &Config, diags: &mut Vec<Diagnostic>) {
    if let Some(sec) = agent.security() {
        unknown_keys(&sec.entries, &SECURITY_KEYS, "security", codes::UNKNOWN_SECURITY_KEY, diags);
        if let Some(tier) = &sec.tier
            && tier.value.is_none()
        {
            diags.push(unknown_word(codes::UNKNOWN_TIER, "tier", tier.raw.as_str(), tier.span, &Tier::SPELLINGS));
        }
        if let Some(p) = &sec.sandbox
            && p.value.is_none()
        {
            let names = Profile::ALL.map(Profile::name);
            diags.push(unknown_word(codes::UNKNOWN_PROFILE, "sandbox profile", p.raw.as_str(), p.span, &names));
        }
        let lists = [("capabilities", sec.capabilities.is_some()), ("allowed_executables", sec.allowed_executables.is_some())];
        for (key, parsed) in lists {
            if !parsed && let Some(e) = sec.entries.iter().find(|e| e.key.name == key) {
                diags.push(invalid(e, "a list of string literals", &format!("{key}: [\"...\", \"...\"]")));
            }
        }
    }
    if let Some(res) = agent.resources() {
        unknown_keys(&res.entries, &RESOURCE_KEYS, "resources", codes::UNKNOWN_RESOURCE_KEY, diags);
        let ne = &config.native_execution;
        int_limit(&res.entries, "max_memory_mb", &res.max_memory_mb, ne.max_memory_mb, "native_execution.max_memory_mb", diags);
        int_limit(
            &res.entries,
            "max_cpu_seconds",
            &res.max_cpu_seconds,
            ne.max_cpu_seconds,
            "native_execution.max_cpu_seconds",
            diags,
        );
        int_limit(
            &res.entries,
            "max_output_bytes",
            &res.max_output_bytes,
            Some(ne.max_output_bytes),
            "native_execution.max_output_bytes",
            diags,
        );
        match &res.max_cpu_cores {
            Some(s) => match s.value {
                Some(v) if !(v > 0.0) => diags.push(not_positive("max_cpu_cores", s.span)),
                Some(v) => {
                    if let Some(limit) = ne.max_cpu_cores
                        && v > limit
                    {
                        diags.push(too_wide("max_cpu_cores", &s.raw, s.span, "native_execution.max_cpu_cores", &limit.to_string()));
                    }
                }
                None => diags.push(invalid_setting("max_cpu_cores", s.span, "a number of cores", "max_cpu_cores: 1.5")),
            },
            None => missing_value(&res.entries, "max_cpu_cores", "a number of cores", "max_cpu_cores: 1.5", diags),
        }
        match &res.timeout_ms {
            Some(s) => match s.value {
                Some(0) => diags.push(not_positive("timeout", s.span)),
                Some(ms) => {
                    let limit_ms = ne.max_execution_time_seconds.saturating_mul(1000);
                    if ms > limit_ms {
                        let shown = format!("{}s", ne.max_execution_time_seconds);
                        diags.push(too_wide("timeout", &s.raw, s.span, "native_execution.max_execution_time_seconds", &shown));
                    }
                }
                None => diags.push(invalid_setting("timeout", s.span, "a duration", "timeout: 30s")),
            },
            None => missing_value(&res.entries, "timeout", "a duration", "timeout: 30s", diags),
        }
    }
}

fn int_limit(
    entries: &[Entry],
    key: &str,
    setting: &Option<Setting<i64>>,
    limit: Option<u64>,
    config_key: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let example = format!("{key}: 512");
    let Some(s) = setting else {
        missing_value(entries, key, "a positive integer", &example, diags);
        return;
    };
    match s.value {
        None => diags.push(invalid_setting(key, s.span, "a positive integer", &example)),
        Some(v) if v <= 0 => diags.push(not_positive(key, s.span)),
        Some(v) => {
            if let Some(limit) = limit
                && u64::try_from(v).is_ok_and(|v| v > limit)
            {
                diags.push(too_wide(key, &s.raw, s.span, config_key, &limit.to_string()));
            }
        }
    }
}

/// A key that is present but whose value the parser could not type (no `Setting` at all).
fn missing_value(entries: &[Entry], key: &str, want: &str, example: &str, diags: &mut Vec<Diagnostic>) {
    if let Some(e) = entries.iter().find(|e| e.key.name == key) {
        diags.push(invalid(e, want, example));
    }
}

fn invalid(e: &Entry, want: &str, example: &str) -> Diagnostic {
    invalid_setting(&e.key.name, e.value.span, want, example)
}

fn invalid_setting(key: &str, span: Span, want: &str, example: &str) -> Diagnostic {
    Diagnostic::error(codes::INVALID_SETTING, format!("`{key}` must be {want}"))
        .with_primary(span, format!("not {want}"))
        .with_help(format!("write it like `{example}`"))
}

fn not_positive(key: &str, span: Span) -> Diagnostic {
    Diagnostic::error(codes::INVALID_SETTING, format!("`{key}` must be greater than zero"))
        .with_primary(span, "zero or negative")
        .with_help(format!("give `{key}` a positive value, or leave it out to use the configured limit"))
}

fn too_wide(key: &str, raw: &str, span: Span, config_key: &str, limit: &str) -> Diagnostic {
    Diagnostic::error(
        codes::RESOURCE_TOO_WIDE,
        format!("`{key}: {raw}` is wider than the configured limit {config_key} = {limit}"),
    )
    .with_primary(span, format!("above {limit}"))
    .with_note("`resources` can only narrow the limits of the configuration, never widen them")
    .with_help(format!("use at most {limit}, or raise `{config_key}` in the configuration"))
}

fn unknown_keys(entries: &[Entry], known: &[&str], block: &str, code: &'static str, diags: &mut Vec<Diagnostic>) {
    for e in entries {
        if known.contains(&e.key.name.as_str()) {
            continue;
        }
        let mut d = Diagnostic::error(code, format!("unknown key `{}` in `{block}`", e.key.name))
            .with_primary(e.key.span, "unknown key")
            .with_note(format!("keys of `{block}`: {}", known.join(", ")));
        if let Some(h) = help_for(did_you_mean(&e.key.name, known.iter().copied())) {
            d = d.with_help(h);
        }
        diags.push(d);
    }
}

fn unknown_word(code: &'static str, what: &str, raw: &str, span: Span, known: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::error(code, format!("unknown {what} `{raw}`"))
        .with_primary(span, format!("not a {what}"))
        .with_note(format!("{what}s: {}", known.join(", ")));
    if let Some(h) = help_for(did_you_mean(raw, known.iter().copied())) {
        d = d.with_help(h);
    }
    d
}
