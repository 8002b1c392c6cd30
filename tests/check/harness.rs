//! Running one annotated case file through parse, configuration and check.

use crate::support::root;
use std::path::Path;
use symbi::check::{CheckContext, check_source};
use symbi::cli::TierArgs;
use symbi::config::{Config, EnvVars, load};
use symbi::diag::Diagnostic;
use symbi::diag::render::{Sources, render_human, render_json};

/// What a case file's header asks for.
#[derive(Default)]
pub struct Header {
    /// `// args:` words.
    pub args: Vec<String>,
    /// `// config:` path, relative to the repository root.
    pub config: Option<String>,
    /// `// env:` NAME=VALUE pairs.
    pub env: Vec<(String, String)>,
}

/// Reads the leading `// key: value` comment lines.
pub fn header(text: &str) -> Header {
    let mut h = Header::default();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("//") else { break };
        let Some((key, value)) = rest.split_once(':') else { continue };
        let value = value.trim();
        match key.trim() {
            "args" => h.args.extend(value.split_whitespace().map(String::from)),
            "config" => h.config = Some(value.to_string()),
            "env" => {
                for pair in value.split_whitespace() {
                    if let Some((k, v)) = pair.split_once('=') {
                        h.env.push((k.to_string(), v.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    h
}

/// The outcome of checking one file.
pub struct Outcome {
    /// Syntax and check diagnostics together.
    pub diagnostics: Vec<Diagnostic>,
    /// Human rendering, then JSON lines, for snapshots.
    pub transcript: String,
}

/// Parses and checks `path` as its header says; `base` adjusts the configuration first.
pub fn check_path(path: &Path, base: impl FnOnce(&mut Config)) -> Outcome {
    let text = std::fs::read_to_string(path).expect("case file is readable");
    let h = header(&text);
    let env = EnvVars::from_pairs(h.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let config_path = h.config.as_ref().map(|c| root().join(c));
    let mut config = match load(config_path.as_deref(), &env) {
        Ok(c) => c,
        Err(e) => panic!("the case's configuration loads: {:?}", e.diagnostics),
    };
    base(&mut config);
    let mut tier_args = TierArgs::default();
    let mut agent = None;
    let mut words = h.args.iter();
    while let Some(w) = words.next() {
        match w.as_str() {
            "--native" => tier_args.native = true,
            "--sandbox-tier" => tier_args.sandbox_tier = words.next().cloned(),
            "--agent" => agent = words.next().cloned(),
            other => panic!("unknown header argument {other}"),
        }
    }
    let tier = symbi::cli::tier_flags::tier_choice(&tier_args).expect("header tier flags are valid");
    let ctx = CheckContext { config: &config, tier, agent, variable_types: false };
    // The one path `symbi check` takes: parse, recover, check, leave out follow-ons.
    let diagnostics = check_source(&text, &ctx).diagnostics;

    let name = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    let mut sources = Sources::new(name, text.clone());
    for (n, t) in symbi::stdlib::stdlib().sources() {
        sources.insert(n, t);
    }
    let transcript = format!(
        "{}\n--- json ---\n{}",
        render_human(&diagnostics, &sources, false),
        render_json(&diagnostics, &sources)
    );
    Outcome { diagnostics, transcript }
}

/// The code a case file's name promises (`e0301_x.symbi` → `E0301`), or `None` for `ok_`.
pub fn expected_code(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let code = stem.split('_').next()?;
    let ok = code.len() == 5 && (code.starts_with('e') || code.starts_with('w'));
    ok.then(|| code.to_ascii_uppercase())
}
