//! The settings blocks of an agent: keys and values of `security` and `resources`, and
//! `resources` against the configuration's limits.

use crate::config::Config;
use crate::diag::suggest::did_you_mean;
use crate::diag::{Code, Diagnostic, Span, codes};
use crate::policy::{self, ResourceWidening};
use crate::security::{Profile, Tier};
use crate::syntax::ast::{Agent, Entry, ExprKind, Setting};

/// The keys a `security` block may hold.
pub const SECURITY_KEYS: [&str; 4] = ["tier", "sandbox", "capabilities", "allowed_executables"];
/// The keys a `resources` block may hold.
pub const RESOURCE_KEYS: [&str; 5] =
    ["max_memory_mb", "max_cpu_seconds", "max_cpu_cores", "timeout", "max_output_bytes"];
/// The `metadata` keys [`check_metadata`] knows; any other key is kept as extra metadata.
pub const METADATA_KEYS: [&str; 5] = ["name", "version", "description", "author", "tags"];

/// Checks the known keys of the first `metadata` block: `name`, `description` and `author`
/// are strings, `version` is a semantic version, `tags` a list of strings. Other keys are
/// kept as extra metadata without comment.
pub fn check_metadata(agent: &Agent, diags: &mut Vec<Diagnostic>) {
    let Some(meta) = agent.metadata() else { return };
    for e in &meta.entries {
        let problem = match e.key.name.as_str() {
            "name" | "description" | "author" => {
                e.value.as_plain_str().is_none().then_some(("a string", "\"My agent\""))
            }
            "version" => match e.value.as_plain_str() {
                Some(v) if is_semver(&v) => None,
                _ => Some(("a semantic version string", "\"1.0.0\"")),
            },
            "tags" => {
                let ok = matches!(&e.value.kind, ExprKind::List(items)
                    if items.iter().all(|i| i.as_plain_str().is_some()));
                (!ok).then_some(("a list of strings", "[\"ops\", \"demo\"]"))
            }
            _ => None,
        };
        if let Some((want, example)) = problem {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_METADATA,
                    format!("metadata `{}` must be {want}", e.key.name),
                )
                .with_primary(e.value.span, format!("not {want}"))
                .with_help(format!("write it like `{}: {example}`", e.key.name)),
            );
        }
    }
}

/// `MAJOR.MINOR.PATCH` with optional `-pre` and `+build` parts.
fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks the first `security` and `resources` blocks of an agent (repeats are reported
/// as duplicates elsewhere).
pub fn check_settings(agent: &Agent, config: &Config, diags: &mut Vec<Diagnostic>) {
    if let Some(sec) = agent.security() {
        unknown_keys(&sec.entries, &SECURITY_KEYS, "security", codes::UNKNOWN_SECURITY_KEY, diags);
        if let Some(tier) = &sec.tier
            && tier.value.is_none()
        {
            diags.push(unknown_word(
                codes::UNKNOWN_TIER,
                "tier",
                tier.raw.as_str(),
                tier.span,
                &Tier::SPELLINGS,
            ));
        }
        if let Some(p) = &sec.sandbox
            && p.value.is_none()
        {
            let names = Profile::ALL.map(Profile::name);
            diags.push(unknown_word(
                codes::UNKNOWN_PROFILE,
                "sandbox profile",
                p.raw.as_str(),
                p.span,
                &names,
            ));
        }
        let lists = [
            ("capabilities", sec.capabilities.is_some()),
            ("allowed_executables", sec.allowed_executables.is_some()),
        ];
        for (key, parsed) in lists {
            if !parsed && let Some(e) = sec.entries.iter().find(|e| e.key.name == key) {
                diags.push(invalid(e, "a list of string literals", &format!("{key}: [\"...\", \"...\"]")));
            }
        }
    }
    if let Some(res) = agent.resources() {
        unknown_keys(&res.entries, &RESOURCE_KEYS, "resources", codes::UNKNOWN_RESOURCE_KEY, diags);
        for (key, setting) in [
            ("max_memory_mb", &res.max_memory_mb),
            ("max_cpu_seconds", &res.max_cpu_seconds),
            ("max_output_bytes", &res.max_output_bytes),
        ] {
            positive_int(&res.entries, key, setting, diags);
        }
        match &res.max_cpu_cores {
            Some(s) => match s.value {
                Some(v) if v.is_nan() || v <= 0.0 => diags.push(not_positive("max_cpu_cores", s.span)),
                Some(_) => {}
                None => diags.push(invalid_setting(
                    "max_cpu_cores",
                    s.span,
                    "a number of cores",
                    "max_cpu_cores: 1.5",
                )),
            },
            None => {
                missing_value(&res.entries, "max_cpu_cores", "a number of cores", "max_cpu_cores: 1.5", diags)
            }
        }
        match &res.timeout_ms {
            Some(s) => match s.value {
                Some(0) => diags.push(not_positive("timeout", s.span)),
                Some(_) => {}
                None => diags.push(invalid_setting("timeout", s.span, "a duration", "timeout: 30s")),
            },
            None => missing_value(&res.entries, "timeout", "a duration", "timeout: 30s", diags),
        }
        // The comparison with the configuration lives in the policy, which the runner uses
        // to clamp the same values.
        for w in policy::resource_widenings(config, res) {
            diags.push(too_wide(&w));
        }
    }
}

fn positive_int(entries: &[Entry], key: &str, setting: &Option<Setting<i64>>, diags: &mut Vec<Diagnostic>) {
    let example = format!("{key}: 512");
    match setting {
        None => missing_value(entries, key, "a positive integer", &example, diags),
        Some(s) => match s.value {
            None => diags.push(invalid_setting(key, s.span, "a positive integer", &example)),
            Some(v) if v <= 0 => diags.push(not_positive(key, s.span)),
            Some(_) => {}
        },
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

fn too_wide(w: &ResourceWidening) -> Diagnostic {
    Diagnostic::error(
        codes::RESOURCE_TOO_WIDE,
        format!(
            "`{}: {}` is wider than the configured limit {} = {}",
            w.key, w.requested, w.config_key, w.configured
        ),
    )
    .with_primary(w.span, format!("above {}", w.configured))
    .with_note("`resources` can only narrow the limits of the configuration, never widen them")
    .with_help(format!("use at most {}, or raise `{}` in the configuration", w.configured, w.config_key))
}

fn unknown_keys(entries: &[Entry], known: &[&str], block: &str, code: Code, diags: &mut Vec<Diagnostic>) {
    for e in entries {
        if known.contains(&e.key.name.as_str()) {
            continue;
        }
        let mut d = Diagnostic::error(code, format!("unknown key `{}` in `{block}`", e.key.name))
            .with_primary(e.key.span, "unknown key")
            .with_note(format!("keys of `{block}`: {}", known.join(", ")));
        if let Some(h) = did_you_mean(&e.key.name, known.iter().copied()) {
            d = d.with_did_you_mean(h);
        }
        diags.push(d);
    }
}

fn unknown_word(code: Code, what: &str, raw: &str, span: Span, known: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::error(code, format!("unknown {what} `{raw}`"))
        .with_primary(span, format!("not a {what}"))
        .with_note(format!("{what}s: {}", known.join(", ")));
    if let Some(h) = did_you_mean(raw, known.iter().copied()) {
        d = d.with_did_you_mean(h);
    }
    d
}
