//! The errors users hit, each with its code, naming what is wrong.

use super::harness::{self, request, run_err};
use crate::support::engine;
use symbi::sandbox::docker::DockerSandbox;
use symbi::sandbox::firecracker;
use symbi::security::Tier;

#[tokio::test]
async fn an_unreachable_engine_is_e0450_naming_the_address() {
    let mut cfg = harness::config();
    cfg.docker.host = Some("unix:///nonexistent/docker.sock".into());
    let err = DockerSandbox::tier1(&cfg, None).err();
    let err = err.unwrap_or_else(|| panic!("a missing socket must fail"));
    assert_eq!(err.code, "E0450");
    assert!(err.message.contains("/nonexistent/docker.sock"), "{err}");
    assert!(err.help.as_deref().is_some_and(|h| h.contains("DOCKER_HOST")));
    // A TCP address where nothing listens fails at the first call, with the same code.
    cfg.docker.host = Some("tcp://127.0.0.1:1".into());
    let sb = DockerSandbox::tier1(&cfg, None).unwrap_or_else(|e| panic!("{e}"));
    let err = run_err(&sb, request(&["echo", "hi"])).await;
    assert_eq!(err.code, "E0450", "{err}");
}

#[tokio::test]
#[cfg_attr(not(symbi_docker), ignore = "needs a Docker engine (probed at build time, see build.rs)")]
async fn a_missing_image_is_e0451_naming_it() {
    if !engine::ready() {
        return;
    }
    let mut cfg = harness::config();
    cfg.docker.image = "symbi-no-such-image:never".into();
    let err = run_err(&harness::sandbox_with(Tier::Tier1, &cfg), request(&["echo", "hi"])).await;
    assert_eq!(err.code, "E0451");
    assert!(err.message.contains("symbi-no-such-image:never"), "{err}");
    assert!(err.help.as_deref().is_some_and(|h| h.contains("build-test-image.sh")));
}

#[tokio::test]
#[cfg_attr(not(symbi_docker), ignore = "needs a Docker engine (probed at build time, see build.rs)")]
async fn an_unregistered_runtime_is_e0452_listing_the_registered_ones() {
    if !engine::ready() {
        return;
    }
    let mut cfg = harness::config();
    cfg.gvisor.runtime = "runsc-missing".into();
    let err = run_err(&harness::sandbox_with(Tier::Tier2, &cfg), request(&["echo", "hi"])).await;
    assert_eq!(err.code, "E0452");
    assert!(err.message.contains("runsc-missing"), "{err}");
    assert!(err.notes.iter().any(|n| n.contains("runc")), "{:?}", err.notes);
}

#[tokio::test]
async fn an_executable_outside_the_allowlist_is_refused_before_any_container() {
    let sb = DockerSandbox::tier1(&harness::config(), None);
    let Ok(sb) = sb else { return };
    let err = run_err(&sb, request(&["/tmp/x/sh", "-c", "true"])).await;
    assert_eq!(err.code, "E0495", "a path is not the name `sh`: {err}");
    let err = run_err(&sb, request(&["wget", "http://example.com"])).await;
    assert_eq!(err.code, "E0495");
}

#[test]
fn tier3_preflight_names_what_is_missing() {
    let cfg = harness::config();
    let err = firecracker::FirecrackerSandbox::new(&cfg.firecracker).err();
    let err = err.unwrap_or_else(|| panic!("firecracker cannot be complete on this host"));
    assert_eq!(err.code, "E0455");
    assert!(err.message.contains("firecracker binary"), "{err}");
    assert!(err.message.contains("guest kernel") && err.message.contains("guest rootfs"), "{err}");
}

#[test]
fn symbi_run_on_tier3_fails_honestly_and_on_a_missing_engine_never_falls_back() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let agent = "agent A {\n  on trigger \"t\" {\n    execute_native(\"echo hi\")\n  }\n}\n";
    std::fs::write(dir.path().join("a.symbi"), agent).unwrap_or_else(|e| panic!("{e}"));
    let cfg =
        "[security]\nallow_native_execution = true\n\n[native_execution]\nallowed_executables = [\"echo\"]\n";
    std::fs::write(dir.path().join("config.toml"), cfg).unwrap_or_else(|e| panic!("{e}"));
    let run = |tier: &str, docker_host: &str| {
        std::process::Command::new(crate::support::symbi_bin())
            .args(["run", "a.symbi", "--config", "config.toml", "--sandbox-tier", tier])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("DOCKER_HOST", docker_host)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let out = run("tier3", "unix:///var/run/docker.sock");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0455") && stderr.contains("firecracker binary"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hi"), "nothing ran");
    for tier in ["tier1", "tier2"] {
        let out = run(tier, "unix:///nonexistent/docker.sock");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("E0450") && stderr.contains("/nonexistent/docker.sock"), "{stderr}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("hi"), "native consent is no fallback");
    }
}

/// A missing image is found before the trigger starts: nothing of it runs (issue: a trigger
/// never half-runs).
#[test]
#[cfg_attr(not(symbi_docker), ignore = "needs a Docker engine (probed at build time, see build.rs)")]
fn a_run_on_a_missing_image_stops_before_the_trigger_starts() {
    if !engine::ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let agent = dir.path().join("agent.symbi");
    std::fs::write(
        &agent,
        "agent A {\n  security { tier: Tier1 allowed_executables: [\"echo\"] }\n  on trigger \"t\" {\n    \
         print(\"started\")\n    execute_native(\"echo hi\")\n  }\n}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "[native_execution]\nallowed_executables = [\"echo\"]\n[docker]\nimage = \"symbi-no-such-image:never\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = crate::support::symbi(&[
        "run",
        &agent.display().to_string(),
        "--config",
        &config.display().to_string(),
    ]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("E0451") && stderr.contains("symbi-no-such-image:never"), "{stderr}");
    assert!(!stdout.contains("started"), "the trigger ran before the image was checked: {stdout}");
}
