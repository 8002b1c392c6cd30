//! Transcripts of `symbi run` on the case files of `tests/cases/run/`, with real native
//! processes. A case file starts with comment lines that say how to run it:
//!
//! ```text
//! // args: --native --input '{"n": 1}'     (after `symbi run FILE`; split like a shell)
//! // config: [security]                    (lines of a config.toml passed with --config)
//! // env: SYMBIONT_ENV=production           (an environment variable; repeatable)
//! ```
//!
//! Each run gets its own working directory and audit log; volatile parts (durations,
//! temporary paths, how the host contained processes) are filtered out of the snapshot.

use crate::support::{root, symbi_bin};
use std::path::Path;
use std::process::Command;

/// What a case file's header asks for.
#[derive(Default)]
pub struct Header {
    pub args: Vec<String>,
    pub config: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// Reads the header comments of a case file.
pub fn header(text: &str) -> Header {
    let mut h = Header::default();
    for line in text.lines().take_while(|l| l.starts_with("//")) {
        let line = line.trim_start_matches('/').trim_start();
        if let Some(args) = line.strip_prefix("args:") {
            h.args = symbi::sandbox::argv::split(args.trim()).unwrap_or_default();
        } else if let Some(cfg) = line.strip_prefix("config:") {
            h.config.push(cfg.trim().to_string());
        } else if let Some(var) = line.strip_prefix("env:")
            && let Some((k, v)) = var.trim().split_once('=')
        {
            h.env.push((k.to_string(), v.to_string()));
        }
    }
    h
}

/// Runs `symbi run` on a case file; returns the filtered transcript.
pub fn transcript(case: &Path) -> String {
    transcript_of("run", case)
}

/// Runs `symbi SUBCOMMAND` (`run` or `check`) on a case file with its header's arguments,
/// configuration and environment; returns the filtered transcript.
pub fn transcript_of(subcommand: &str, case: &Path) -> String {
    let text = std::fs::read_to_string(case).unwrap_or_default();
    let h = header(&text);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let work = tmp.path().join("work");
    let rel = case.strip_prefix(root()).unwrap_or(case);
    let mut cmd = Command::new(symbi_bin());
    cmd.arg(subcommand).arg(rel).args(&h.args).current_dir(root());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_")) {
        cmd.env_remove(k);
    }
    cmd.env("NO_COLOR", "1")
        .env("SYMBIONT_NATIVE_WORKING_DIR", &work)
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        // No configuration or trusted folder of the machine's user takes part.
        .env("XDG_CONFIG_HOME", tmp.path().join("config-home"))
        .env("XDG_DATA_HOME", tmp.path().join("data"));
    if !h.config.is_empty() {
        let path = tmp.path().join("config.toml");
        let _ = std::fs::write(&path, h.config.join("\n") + "\n");
        cmd.arg("--config").arg(&path);
    }
    for (k, v) in &h.env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("symbi runs: {e}"));
    let text = format!(
        "args: {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        h.args.join(" "),
        out.status.code().map(|c| c.to_string()).unwrap_or_else(|| "signal".into()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    text.replace(&tmp.path().display().to_string(), "[TMP]")
}

/// The filters that make a transcript repeatable.
pub fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"after \d+(ms|s|m)\b", "after [duration]"),
        (r#""duration_ms":\d+"#, r#""duration_ms":"[duration]""#),
        (r"symbi: containment: .*", "symbi: containment: [host-dependent]"),
        // A core limit reads as no limit where the host has no more CPUs than it allows.
        (
            r"(?m)^(symbi: (?:limits of each command|  limits): .*?)(?:no core limit \(([\d.]+) ≥ \d+ available\)|([\d.]+) cores?),",
            "${1}[cores ${2}${3}: host-dependent],",
        ),
        (r#""containment":\{[^}]*\}"#, r#""containment":"[host-dependent]""#),
    ]
}

#[test]
fn every_run_case_file_has_its_transcript() {
    insta::with_settings!({
        snapshot_path => root().join("snapshots/run"),
        prepend_module_to_snapshot => false,
        filters => filters(),
    }, {
        insta::glob!(root().join("tests/cases"), "run/*.symbi", |path| {
            insta::assert_snapshot!(transcript(path));
        });
    });
}
