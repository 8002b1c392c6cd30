//! Precedence: environment variable > file > default, with the origin of every value.

use super::{case, load_case};
use std::path::PathBuf;
use symbi::config::trust::TrustStore;
use symbi::config::{
    Discovered, EnvVars, Ignored, IgnoredReason, Origin, discover, discover_for_file, discover_in, load,
    load_discovered, load_for_file, load_in, sha256_hex, user_config,
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
fn config_beside_the_agent_file_counts_only_in_a_trusted_folder_and_when_nothing_else_names_one() {
    let dir = tempfile::tempdir().unwrap();
    let agent = dir.path().join("agent.symbi");
    // A HOME of this test's own holds the trust store.
    let home = dir.path().join("home").display().to_string();
    let user = EnvVars::from_pairs([("HOME", home.as_str())]);
    assert_eq!(discover_for_file(&agent, None, &user), Discovered::Defaults.into());
    assert_eq!(
        discover_for_file(std::path::Path::new("agent.symbi"), None, &user),
        Discovered::Defaults.into()
    );

    let beside = dir.path().join("config.toml");
    let text =
        "[native_execution]\nworking_directory = \"work\"\n[storage]\naudit_log = \"logs/audit.jsonl\"\n";
    std::fs::write(&beside, text).unwrap();
    // Not trusted: not read, and reported.
    let found = discover_for_file(&agent, None, &user);
    assert_eq!(found.found, Discovered::Defaults);
    assert_eq!(found.ignored, Some(Ignored { path: beside.clone(), reason: IgnoredReason::NotTrusted }));
    let cfg = load_for_file(&agent, None, &user).unwrap();
    assert_eq!(cfg.path, None);
    assert_eq!(cfg.storage.audit_log, PathBuf::from(&home).join(".local/state/symbi/audit.jsonl"));
    assert!(cfg.ignored_warning().is_some_and(|d| d.code == "W0501"));
    // Without a home there is no trust store: still not read, and the reason says so.
    let found = discover_for_file(&agent, None, &EnvVars::default());
    assert!(matches!(found.ignored.map(|i| i.reason), Some(IgnoredReason::NoTrustStore(_))));

    let mut store = TrustStore::open(&user).unwrap();
    store.trust(std::fs::canonicalize(dir.path()).unwrap(), sha256_hex(text.as_bytes()));
    store.save().unwrap();
    let found = discover_for_file(&agent, None, &user);
    assert!(matches!(&found.found, Discovered::Trusted { path, .. } if *path == beside), "{found:?}");
    let cfg = load_for_file(&agent, None, &user).unwrap();
    // A relative working directory is relative to the config file's folder.
    assert_eq!(cfg.native_execution.working_directory, dir.path().join("work"));
    assert_eq!(cfg.storage.audit_log, dir.path().join("logs/audit.jsonl"));
    assert_eq!(cfg.path, Some(beside.clone()));
    assert_eq!(cfg.ignored, None);

    // A file swapped after discovery is not read with the trust discovery found.
    let swapped = discover_for_file(&agent, None, &user);
    std::fs::write(&beside, "[security]\nallow_native_execution = true\n").unwrap();
    let cfg = load_discovered(swapped, &user).unwrap();
    assert!(!cfg.security.allow_native_execution);
    assert_eq!(cfg.ignored.map(|i| i.reason), Some(IgnoredReason::Changed));

    let named = case("seed_option1.toml");
    assert_eq!(
        discover_for_file(&agent, Some(&named), &user),
        Discovered::Named { path: named.clone(), by: "--config" }.into()
    );
    let env = EnvVars::from_pairs([("SYMBIONT_CONFIG", COMPLETE)]);
    assert!(matches!(
        discover_for_file(&agent, None, &env).found,
        Discovered::Named { by: "SYMBIONT_CONFIG", .. }
    ));
}

#[test]
fn the_user_configuration_directory_comes_after_every_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().display().to_string();
    let env = EnvVars::from_pairs([("HOME", home.as_str())]);
    let user = dir.path().join(".config/symbi/config.toml");
    assert_eq!(user_config(&env), Some(user.clone()));
    assert_eq!(discover_in(dir.path(), None, &env), Discovered::Defaults);
    std::fs::create_dir_all(user.parent().unwrap()).unwrap();
    std::fs::write(&user, "[docker]\nimage = \"mine:1\"\n").unwrap();
    assert_eq!(discover_in(dir.path(), None, &env), Discovered::User(user.clone()));
    assert_eq!(load_in(dir.path(), None, &env).unwrap().docker.image, "mine:1");
    let xdg = EnvVars::from_pairs([("HOME", home.as_str()), ("XDG_CONFIG_HOME", "/xdg")]);
    assert_eq!(user_config(&xdg), Some(PathBuf::from("/xdg/symbi/config.toml")));
    // ./config.toml comes first.
    let local = dir.path().join("config.toml");
    std::fs::write(&local, "").unwrap();
    assert_eq!(discover_in(dir.path(), None, &env), Discovered::Local(local));
}
