//! The embedding API (`symbi::runtime`) against the real native runner: the same consent,
//! production guard, allowlist and limits as `symbi run`, cancellation that kills the call,
//! and `examples/embed.rs` run as a user runs it.

use crate::support::procs::processes_with;
use crate::support::{root, symbi_bin, within};
use std::collections::HashMap;
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use symbi::policy::LimitOverrides;
use symbi::runtime::{CallOptions, Cancel, Config, Program, SandboxOrchestrator, SecurityTier};

/// A configuration that consents to tier None and runs calls in `dir`.
fn consenting(dir: &std::path::Path) -> Config {
    let mut config = Config::default();
    config.security.allow_native_execution = true;
    config.security.default_sandbox_tier = SecurityTier::None;
    config.native_execution.working_directory = dir.to_path_buf();
    config
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
}

#[test]
fn the_seed_shape_runs_code_natively_with_consent() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let orchestrator = SandboxOrchestrator::new(consenting(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    let result = runtime()
        .block_on(orchestrator.execute_code(
            SecurityTier::None,
            "echo \"hi $WHO\"",
            HashMap::from([("WHO".into(), "there".into())]),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((result.stdout.as_str(), result.exit_code, result.success), ("hi there\n", Some(0), true));
    assert_eq!(result.tier, SecurityTier::None);
}

#[test]
fn without_consent_or_in_production_tier_none_is_refused_like_symbi_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rt = runtime();
    // Naming tier None in code is not consent: only the configuration gives it.
    let mut config = consenting(dir.path());
    config.security.allow_native_execution = false;
    let orchestrator = SandboxOrchestrator::new(config).unwrap_or_else(|e| panic!("{e}"));
    let refused =
        rt.block_on(orchestrator.execute_native(SecurityTier::None, "sh -c 'echo never'", HashMap::new()));
    let refused = refused.err().unwrap_or_else(|| panic!("ran without consent"));
    assert_eq!(refused.code.as_str(), "E0301");
    assert_eq!(refused.message, "native execution (tier None) is not allowed");

    let mut config = consenting(dir.path());
    config.production = true;
    let orchestrator = SandboxOrchestrator::new(config).unwrap_or_else(|e| panic!("{e}"));
    let refused =
        rt.block_on(orchestrator.execute_native(SecurityTier::None, "sh -c 'echo never'", HashMap::new()));
    assert_eq!(refused.err().map(|e| e.code.as_str()), Some("E0302"));
}

#[test]
fn the_configurations_allowlist_applies_on_every_tier() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rt = runtime();
    let orchestrator = SandboxOrchestrator::new(consenting(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    // E0401 natively, E0495 in a container: the runner of each tier says it.
    for (tier, code) in
        [(SecurityTier::None, "E0401"), (SecurityTier::Tier1, "E0495"), (SecurityTier::Tier2, "E0495")]
    {
        let refused = rt.block_on(orchestrator.execute_native(tier, "cat /etc/hostname", HashMap::new()));
        assert_eq!(refused.err().map(|e| e.code.as_str()), Some(code), "{tier}");
    }
    // Tier3 cannot run here and never falls back to another tier.
    let refused =
        rt.block_on(orchestrator.execute_native(SecurityTier::Tier3, "sh -c 'echo never'", HashMap::new()));
    assert_eq!(refused.err().map(|e| e.code.as_str()), Some("E0455"));
}

#[test]
fn limits_only_narrow_and_a_call_timeout_ends_the_call() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rt = runtime();
    let narrower =
        LimitOverrides { max_memory_mb: Some(256), timeout_seconds: Some(2), ..Default::default() };
    let orchestrator = SandboxOrchestrator::new(consenting(dir.path()))
        .unwrap_or_else(|e| panic!("{e}"))
        .with_limits(narrower);
    let decision = orchestrator.decision(SecurityTier::None);
    assert_eq!((decision.limits.max_memory_mb, decision.limits.timeout), (Some(256), Duration::from_secs(2)));
    let wider = LimitOverrides { max_memory_mb: Some(1 << 30), ..Default::default() };
    let orchestrator2 =
        SandboxOrchestrator::new(consenting(dir.path())).unwrap_or_else(|e| panic!("{e}")).with_limits(wider);
    assert_eq!(orchestrator2.decision(SecurityTier::None).limits.max_memory_mb, Some(2048));

    let started = Instant::now();
    let result = rt
        .block_on(orchestrator.execute_native(SecurityTier::None, "sh -c 'sleep 20'", HashMap::new()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(result.timed_out && !result.success, "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "the 2 s timeout did not end the call");
}

#[test]
fn cancelling_a_call_kills_what_it_started() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rt = runtime();
    let orchestrator = SandboxOrchestrator::new(consenting(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    let cancel = Cancel::new();
    let trigger = cancel.clone();
    // A duration no other process uses, to find the child among the host's processes.
    let marker = "sleep 47.123";
    let program = Program::Argv(vec!["sh".into(), "-c".into(), format!("{marker}; echo never")]);
    let options = CallOptions { cancel: Some(cancel), ..Default::default() };
    let started = Instant::now();
    let outcome = rt.block_on(async {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            trigger.cancel(libc::SIGTERM);
        });
        orchestrator.execute(SecurityTier::None, program, HashMap::new(), options).await
    });
    assert_eq!(outcome.err().map(|e| e.code.as_str()), Some("E0320"));
    assert!(started.elapsed() < Duration::from_secs(10));
    let gone = within(Duration::from_secs(5), || processes_with(marker).is_empty());
    assert!(gone.is_some(), "the cancelled call's process is still running");
}

/// Builds `examples/embed.rs` once and runs it with `args` and `env`.
fn embed(args: &[&str], env: &[(&str, &str)]) -> Output {
    static BUILT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let exe = BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--example", "embed"])
            .current_dir(root())
            .status()
            .unwrap_or_else(|e| panic!("cargo runs: {e}"));
        assert!(status.success(), "examples/embed.rs builds");
        // The example sits beside the symbi binary's directory, in `examples/`.
        symbi_bin().parent().map(|d| d.join("examples/embed")).unwrap_or_default()
    });
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(exe);
    cmd.args(args).current_dir(work.path());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_")) {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| panic!("the example runs: {e}"))
}

/// `symbi run` of a tier-None agent with no consent on the command line.
fn symbi_run_native(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("a.symbi");
    let agent = "agent A {\n  security { tier: None capabilities: [\"network\"] }\n  on trigger \"t\" { execute_code(\"echo hi\") }\n}\n";
    std::fs::write(&file, agent).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(symbi_bin());
    cmd.arg("run").arg(&file).current_dir(dir.path()).env("NO_COLOR", "1").env("XDG_CONFIG_HOME", dir.path());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_")) {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_example_prints_native_output_and_refuses_as_symbi_run_does() {
    let out = embed(&[], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Output: Hello from native execution!"), "{stdout}");

    for (args, env, code, message) in [
        (&["--no-consent"][..], &[][..], "E0301", "native execution (tier None) is not allowed"),
        (
            &[][..],
            &[("SYMBIONT_ENV", "production")][..],
            "E0302",
            "native execution (tier None) is refused when SYMBIONT_ENV=production",
        ),
    ] {
        let out = embed(args, env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing ran: {}", String::from_utf8_lossy(&out.stdout));
        assert!(stderr.contains(&format!("error[{code}]: {message}")), "{stderr}");
        let run = symbi_run_native(env);
        assert!(run.contains(&format!("error[{code}]: {message}")), "symbi run says otherwise:\n{run}");
    }
}
