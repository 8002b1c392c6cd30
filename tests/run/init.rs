//! `symbi init DIR`: the starter files check clean and run as written, with the consent of
//! the config.toml it writes (the folder is trusted by the same act); nothing is overwritten.

use crate::support::symbi_bin;
use std::path::Path;
use std::process::{Command, Output};

/// `symbi ARGS` in `tmp`, with no configuration, trust store or state of the machine's user.
fn symbi(tmp: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(symbi_bin());
    cmd.args(args).current_dir(tmp);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_") || k.starts_with("XDG_")) {
        cmd.env_remove(k);
    }
    cmd.env("NO_COLOR", "1")
        .env("HOME", tmp.join("home"))
        .env("XDG_DATA_HOME", tmp.join("data"))
        .env("XDG_STATE_HOME", tmp.join("state"))
        .env("XDG_CONFIG_HOME", tmp.join("config-home"));
    cmd.output().unwrap_or_else(|e| panic!("symbi runs: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn init_writes_an_agent_that_checks_clean_and_runs() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = symbi(tmp.path(), &["init", "starter"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    for name in ["agent.symbi", "greet.py", "config.toml"] {
        assert!(tmp.path().join("starter").join(name).is_file(), "{name} written");
    }
    let config = std::fs::read_to_string(tmp.path().join("starter/config.toml")).unwrap_or_default();
    assert!(config.contains("allow_native_execution = true"), "consents explicitly: {config}");

    let out = symbi(tmp.path(), &["check", "starter/agent.symbi"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stderr).contains("no problems"), "{}", text(&out.stderr));
    let out = symbi(tmp.path(), &["fmt", "--check", "starter/agent.symbi"]);
    assert_eq!(out.status.code(), Some(0), "the starter is formatted: {}", text(&out.stderr));

    // No --native: the config.toml beside the agent consents, as the user's own file.
    let out = symbi(tmp.path(), &["run", "starter/agent.symbi", "-i", r#"{"name": "Ada Lovelace"}"#]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{}{stderr}", text(&out.stdout));
    assert!(text(&out.stdout).contains("hello, Ada Lovelace"), "{}", text(&out.stdout));
    assert!(stderr.contains("in a trusted folder"), "{stderr}");
}

#[test]
fn init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path().join("mine");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("agent.symbi"), "// my own work\n").unwrap_or_else(|e| panic!("{e}"));
    let out = symbi(tmp.path(), &["init", "mine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("[E0003]"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("agent.symbi")).unwrap_or_default(), "// my own work\n");
    assert!(!dir.join("config.toml").exists(), "nothing was written");
}
