//! Configuration errors through the binary: rendered on stderr, exit status 2.

use crate::support::{root, symbi_bin};
use std::process::Command;

fn check_with(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let (status, _, stderr) = check_out(args, env);
    (status, stderr)
}

fn check_out(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(symbi_bin());
    cmd.arg("check").args(args).current_dir(root()).env("NO_COLOR", "1").env_remove("SYMBIONT_CONFIG");
    for var in symbi::config::OVERRIDES.iter().map(|(v, _)| v).chain(&["SYMBIONT_ENV"]) {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("the symbi binary runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_missing_config_file_is_exit_2() {
    let (status, stderr) = check_with(&["examples", "--config", "tests/cases/config/no_such_file.toml"], &[]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("error[E0501]"), "{stderr}");
}

#[test]
fn a_bad_config_file_is_rendered_on_its_text_with_exit_2() {
    let (status, stderr) =
        check_with(&["examples", "--config", "tests/cases/config/err_unknown_key.toml"], &[]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("E0503"), "{stderr}");
    assert!(stderr.contains("allow_native_exection = true"), "{stderr}");
    assert!(stderr.contains("did you mean `security.allow_native_execution`?"), "{stderr}");
}

#[test]
fn a_malformed_env_var_is_exit_2_naming_it() {
    let (status, stderr) = check_with(&["examples"], &[("SYMBIONT_NATIVE_MAX_CPU_CORES", "four")]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("SYMBIONT_NATIVE_MAX_CPU_CORES"), "{stderr}");
}

#[test]
fn a_config_beside_the_agent_file_is_used_by_check_only_once_trusted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("agent.symbi"),
        "agent A {\n  on trigger \"t\" {\n    print(\"hi\")\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("config.toml"), "[security]\nallow_native_exection = true\n").unwrap();
    let file = dir.path().join("agent.symbi");
    let home = dir.path().join("home");
    let home = home.to_str().unwrap_or_default();
    let env = [("HOME", home), ("XDG_DATA_HOME", ""), ("XDG_CONFIG_HOME", "")];
    // Untrusted: not read at all (so its error is not reported either), and said so.
    let (status, stderr) = check_with(&[file.to_str().unwrap_or_default()], &env);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("warning[W0501]"), "{stderr}");
    assert!(!stderr.contains("E0503"), "{stderr}");
    // Trusted (by writing the store the way `symbi trust` does): read, so its error counts.
    let user = symbi::config::EnvVars::from_pairs([("HOME", home)]);
    let mut store = symbi::config::trust::TrustStore::open(&user).unwrap();
    let text = std::fs::read(dir.path().join("config.toml")).unwrap();
    store.trust(std::fs::canonicalize(dir.path()).unwrap(), symbi::config::sha256_hex(&text));
    store.save().unwrap();
    let (status, stderr) = check_with(&[file.to_str().unwrap_or_default()], &env);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("E0503"), "{stderr}");
}

#[test]
fn check_format_json_prints_config_errors_as_json_lines() {
    let bad = "tests/cases/config/err_unknown_key.toml";
    let (status, stdout, _) = check_out(&["examples", "--format", "json", "--config", bad], &[]);
    assert_eq!(status, Some(2));
    let json: serde_json::Value =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(json["code"], "E0503");
    assert_eq!(json["file"], bad);
    let (status, stdout, _) = check_out(&["examples", "--format", "short", "--config", bad], &[]);
    assert_eq!(status, Some(2));
    assert!(stdout.starts_with(&format!("{bad}:2:1: error[E0503]")), "{stdout}");
}
