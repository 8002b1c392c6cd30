//! `symbi doctor` tells the truth about this host.

use crate::support::engine::{self, IMAGE};
use crate::support::{root, symbi_bin};
use serde_json::Value;
use std::process::Command;

fn doctor_json(config: &std::path::Path, env: &[(&str, &str)]) -> Value {
    let mut cmd = Command::new(symbi_bin());
    cmd.args(["doctor", "--format", "json", "--config"]).arg(config).current_dir(root());
    cmd.env_remove("SYMBIONT_CONFIG").env_remove("DOCKER_HOST");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("symbi doctor: {e}"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("doctor's JSON: {e}"))
}

fn tier<'a>(report: &'a Value, name: &str) -> &'a Value {
    let tiers = report["tiers"].as_array().map(Vec::as_slice).unwrap_or_default();
    tiers.iter().find(|t| t["tier"] == name).unwrap_or_else(|| panic!("no {name} in {report}"))
}

fn config_file(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("config.toml");
    std::fs::write(&path, format!("[docker]\nimage = \"{IMAGE}\"\n")).unwrap_or_else(|e| panic!("{e}"));
    path
}

#[test]
#[cfg_attr(not(symbi_docker), ignore = "needs a Docker engine (probed at build time, see build.rs)")]
fn doctor_reports_each_tier_containment_and_config_origins() {
    if !engine::ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = config_file(&dir);
    let report = doctor_json(&path, &[("SYMBIONT_NATIVE_MAX_MEMORY_MB", "512")]);
    for t in ["Tier1", "Tier2"] {
        assert_eq!(tier(&report, t)["available"], true, "{}", tier(&report, t));
    }
    let t2 = tier(&report, "Tier2").to_string();
    assert!(t2.contains("`runsc` is registered") && t2.contains("smoke test"), "{t2}");
    let t3 = tier(&report, "Tier3");
    assert_eq!(t3["available"], false);
    assert!(t3.to_string().contains("firecracker binary"), "{t3}");
    assert!(report["native_containment"]["processes"].is_string());
    assert!(report["host"]["namespaces"].as_array().is_some_and(|n| n.iter().any(|x| x == "pid")));
    let values = report["config"]["values"].as_array().cloned().unwrap_or_default();
    let find = |key: &str| values.iter().find(|v| v["key"] == key).cloned().unwrap_or(Value::Null);
    assert_eq!(find("docker.image")["origin"]["kind"], "file");
    assert_eq!(find("native_execution.max_memory_mb")["value"], 512);
    assert_eq!(find("native_execution.max_memory_mb")["origin"]["from"], "SYMBIONT_NATIVE_MAX_MEMORY_MB");
    assert_eq!(find("gvisor.runtime")["origin"]["kind"], "default");
}

#[test]
fn doctor_says_why_without_an_engine() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = config_file(&dir);
    let report = doctor_json(&path, &[("DOCKER_HOST", "unix:///nonexistent/docker.sock")]);
    let t1 = tier(&report, "Tier1");
    assert_eq!(t1["available"], false);
    assert!(t1.to_string().contains("/nonexistent/docker.sock"), "{t1}");
    assert_eq!(tier(&report, "Tier2")["available"], false);
}

#[test]
fn doctor_human_output_names_every_tier() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = config_file(&dir);
    let out = Command::new(symbi_bin())
        .args(["doctor", "--config"])
        .arg(&path)
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "None (native)",
        "Tier1 (Docker)",
        "Tier2 (gVisor)",
        "Tier3 (Firecracker)",
        "landlock:",
        "docker.image",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(text.contains(&format!("file {}", path.display())), "{text}");
}
