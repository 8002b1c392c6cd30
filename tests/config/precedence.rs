//! Precedence: environment variable > file > default, with the origin of every value.

use super::{case, load_case};
use std::path::PathBuf;
use symbi::config::{
    Discovered, EnvVars, Origin, discover, discover_for_file, discover_in, load, load_for_file, load_in,
};
use symbi::security::Tier;

const COMPLETE: &str = "tests/cases/config/seed_complete.toml";

#[test]
fn defaults_without_file_or_env() {
    let cfg = load(None, &EnvVars::default()).unwrap();
    assert_eq!(cfg.native_execution.max_memory_mb, Some(2048));
    assert_eq!(cfg.security.default_sandbox_tier, Tier::Tier1);
    assert!(!cfg.production);
    assert!(cfg.origins.is_empty());
    assert_eq!(cfg.path, None);
}

#[test]
fn env_beats_file_beats_default() {
    let from_file = load_case("seed_option1.toml", &[]).unwrap();
    assert_eq!(from_file.security.default_sandbox_tier, Tier::None);
    assert_eq!(from_file.native_execution.max_memory_mb, Some(2048));

    let env = [
        ("SYMBIONT_DEFAULT_SANDBOX_TIER", "gvisor"),
        ("SYMBIONT_NATIVE_MAX_MEMORY_MB", "512"),
        ("SYMBIONT_NATIVE_MAX_CPU_CORES", "1.5"),
        ("SYMBIONT_NATIVE_WORKING_DIR", "/srv/agents"),
        ("SYMBIONT_ALLOW_NATIVE_EXECUTION", "false"),
    ];
    let cfg = load_case("seed_option1.toml", &env).unwrap();
    assert_eq!(cfg.security.default_sandbox_tier, Tier::Tier2);
    assert_eq!(cfg.native_execution.max_memory_mb, Some(512));
    assert_eq!(cfg.native_execution.max_cpu_cores, Some(1.5));
    assert_eq!(cfg.native_execution.working_directory, PathBuf::from("/srv/agents"));
    assert!(!cfg.security.allow_native_execution);
    assert_eq!(
        cfg.origin("native_execution.max_memory_mb"),
        Origin::Env("SYMBIONT_NATIVE_MAX_MEMORY_MB".into())
    );
    // Keys no variable touches keep the file's value and origin.
    assert_eq!(cfg.native_execution.allowed_executables, ["python3", "node", "bash"]);
    assert_eq!(cfg.origin("native_execution.allowed_executables"), Origin::File(case("seed_option1.toml")));
}

#[test]
fn env_values_are_read_leniently_where_unambiguous() {
    let env = [
        ("SYMBIONT_ALLOW_NATIVE_EXECUTION", "YES"),
        ("SYMBIONT_NATIVE_MAX_MEMORY_MB", "unlimited"),
        ("SYMBIONT_DEFAULT_SANDBOX_TIER", ""),
    ];
    let cfg = load(None, &EnvVars::from_pairs(env)).unwrap();
    assert!(cfg.security.allow_native_execution);
    assert_eq!(cfg.native_execution.max_memory_mb, None);
    // An empty variable counts as unset.
    assert_eq!(cfg.origin("security.default_sandbox_tier"), Origin::Default);
}

#[test]
fn production_is_read_from_symbiont_env() {
    for (value, production) in [("production", true), ("PROD", true), ("development", false), ("", false)] {
        let cfg = load(None, &EnvVars::from_pairs([("SYMBIONT_ENV", value)])).unwrap();
        assert_eq!(cfg.production, production, "SYMBIONT_ENV={value}");
    }
}

#[test]
fn config_flag_beats_symbiont_config() {
    let env = EnvVars::from_pairs([("SYMBIONT_CONFIG", COMPLETE)]);
    let named = case("seed_option1.toml");
    assert_eq!(discover(Some(&named), &env), Discovered::Named { path: named.clone(), by: "--config" });
    assert_eq!(
        discover(None, &env),
        Discovered::Named { path: PathBuf::from(COMPLETE), by: "SYMBIONT_CONFIG" }
    );
    let cfg = load(None, &env).unwrap();
    assert_eq!(cfg.native_execution.default_executable, "python3");
}

#[test]
fn audit_log_defaults_to_the_state_directory() {
    let at = |env: &[(&str, &str)]| {
        load(None, &EnvVars::from_pairs(env.iter().copied())).unwrap().storage.audit_log
    };
    assert_eq!(at(&[("XDG_STATE_HOME", "/s"), ("HOME", "/h")]), PathBuf::from("/s/symbi/audit.jsonl"));
    assert_eq!(at(&[("HOME", "/h")]), PathBuf::from("/h/.local/state/symbi/audit.jsonl"));
    assert_eq!(at(&[("XDG_STATE_HOME", "relative")]), PathBuf::from("/tmp/symbi/audit.jsonl"));
    assert_eq!(at(&[]), PathBuf::from("/tmp/symbi/audit.jsonl"));
}

#[test]
fn local_config_toml_is_found_and_named_files_beat_it() {
    let dir = tempfile::tempdir().unwrap();
    let none = EnvVars::default();
    assert_eq!(discover_in(dir.path(), None, &none), Discovered::Defaults);
    std::fs::write(dir.path().join("config.toml"), "[docker]\nimage = \"local:1\"\n").unwrap();
    let local = dir.path().join("config.toml");
    assert_eq!(discover_in(dir.path(), None, &none), Discovered::Local(local.clone()));
    let cfg = load_in(dir.path(), None, &none).unwrap();
    assert_eq!(cfg.docker.image, "local:1");
    assert_eq!(cfg.origin("docker.image"), Origin::File(local));

    let env = EnvVars::from_pairs([("SYMBIONT_CONFIG", COMPLETE)]);
    assert_eq!(load_in(dir.path(), None, &env).unwrap().docker.image, "python:3.12-slim");
    let named = case("seed_option1.toml");
    assert_eq!(load_in(dir.path(), Some(&named), &none).unwrap().docker.image, "python:3.12-slim");
}

#[test]
fn config_beside_the_agent_file_counts_only_when_nothing_else_names_one() {
    let dir = tempfile::tempdir().unwrap();
    let agent = dir.path().join("agent.symbi");
    let none = EnvVars::default();
    assert_eq!(discover_for_file(&agent, None, &none), Discovered::Defaults);
    assert_eq!(discover_for_file(std::path::Path::new("agent.symbi"), None, &none), Discovered::Defaults);

    let beside = dir.path().join("config.toml");
    let text =
        "[native_execution]\nworking_directory = \"work\"\n[storage]\naudit_log = \"logs/audit.jsonl\"\n";
    std::fs::write(&beside, text).unwrap();
    assert_eq!(discover_for_file(&agent, None, &none), Discovered::Local(beside.clone()));
    let cfg = load_for_file(&agent, None, &none).unwrap();
    // A relative working directory is relative to the config file's folder.
    assert_eq!(cfg.native_execution.working_directory, dir.path().join("work"));
    assert_eq!(cfg.storage.audit_log, dir.path().join("logs/audit.jsonl"));
    assert_eq!(cfg.path, Some(beside));

    let named = case("seed_option1.toml");
    assert_eq!(
        discover_for_file(&agent, Some(&named), &none),
        Discovered::Named { path: named.clone(), by: "--config" }
    );
    let env = EnvVars::from_pairs([("SYMBIONT_CONFIG", COMPLETE)]);
    assert!(matches!(discover_for_file(&agent, None, &env), Discovered::Named { by: "SYMBIONT_CONFIG", .. }));
}
