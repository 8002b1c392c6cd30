//! Shared setup of the container tests: configurations, requests and sandboxes (the engine
//! itself is `support::engine`'s).

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use symbi::config::Config;
use symbi::sandbox::docker::DockerSandbox;
use symbi::sandbox::{ExecRequest, ExecResult, Limits, OutputSink, Program, Sandbox, SandboxError, Stream};
use symbi::security::Tier;

use crate::support::engine::IMAGE;

/// The test configuration: the test image, the local engine.
pub fn config() -> Config {
    let mut cfg = Config::default();
    cfg.docker.image = IMAGE.to_string();
    cfg
}

/// The sandbox of `tier` (Tier1 or Tier2) with the test configuration.
pub fn sandbox(tier: Tier) -> DockerSandbox {
    sandbox_with(tier, &config())
}

/// The sandbox of `tier` with `cfg`.
pub fn sandbox_with(tier: Tier, cfg: &Config) -> DockerSandbox {
    let host = std::env::var("DOCKER_HOST").ok();
    let made = match tier {
        Tier::Tier2 => DockerSandbox::tier2(cfg, host.as_deref()),
        _ => DockerSandbox::tier1(cfg, host.as_deref()),
    };
    match made {
        Ok(mut s) => {
            // This test binary is not symbi: the watchdog is the real binary's.
            s.set_watchdog_program(crate::support::symbi_bin());
            s
        }
        Err(e) => panic!("cannot create the {tier} sandbox: {e} {:?}", e.notes),
    }
}

/// A fresh directory under /var/tmp (a file system that honours setuid bits, unlike a
/// `nosuid` /tmp would), owned by `owner` with `mode`.
pub fn workspace(owner: (u32, u32), mode: u32) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir_in("/var/tmp").unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::os::unix::fs::chown(dir.path(), Some(owner.0), Some(owner.1))
        .unwrap_or_else(|e| panic!("chown: {e}"));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod: {e}"));
    dir
}

/// Small, fast limits for tests.
pub fn limits() -> Limits {
    Limits {
        max_memory_mb: Some(128),
        max_cpu_cores: Some(1.0),
        timeout: Duration::from_secs(30),
        max_output_bytes: 1024 * 1024,
        max_processes: Some(64),
        ..Limits::default()
    }
}

/// A request running `argv`, with every busybox applet the tests use allowed.
pub fn request(argv: &[&str]) -> ExecRequest {
    ExecRequest {
        program: Program::Argv(argv.iter().map(|s| s.to_string()).collect()),
        env: BTreeMap::new(),
        stdin: None,
        working_dir: std::env::temp_dir().join("symbi-docker-tests"),
        limits: limits(),
        allowed_executables: ["sh", "echo", "env", "false", "cat", "sleep", "id", "ip"]
            .map(String::from)
            .to_vec(),
        network: false,
        local_filesystem: false,
        sink: None,
    }
}

/// A request running `sh -c script`.
pub fn sh(script: &str) -> ExecRequest {
    request(&["sh", "-c", script])
}

/// Runs `req` on `sandbox`, panicking with the error's text when it cannot run.
pub async fn run(sandbox: &dyn Sandbox, req: ExecRequest) -> ExecResult {
    match sandbox.execute(req).await {
        Ok(r) => r,
        Err(e) => panic!("{e}\nnotes: {:?}\nhelp: {:?}", e.notes, e.help),
    }
}

/// Runs `req` and returns the error it must fail with.
pub async fn run_err(sandbox: &dyn Sandbox, req: ExecRequest) -> SandboxError {
    match sandbox.execute(req).await {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => e,
    }
}

/// Records chunks with the time they arrived.
#[derive(Default)]
pub struct Recorder {
    /// `(when, stream, bytes)`.
    pub chunks: Mutex<Vec<(Instant, Stream, Vec<u8>)>>,
}

impl OutputSink for Recorder {
    fn chunk(&self, stream: Stream, bytes: &[u8]) {
        if let Ok(mut c) = self.chunks.lock() {
            c.push((Instant::now(), stream, bytes.to_vec()));
        }
    }
}

impl Recorder {
    /// A new shared recorder.
    pub fn shared() -> Arc<Recorder> {
        Arc::new(Recorder::default())
    }
}

/// Ids of the containers (running or not) that `docker ps --filter <filter>` lists.
pub fn containers(filter: &str) -> Vec<String> {
    let out = Command::new("docker").args(["ps", "-aq", "--filter", filter]).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

/// Ids of containers this test process created that still exist (running or not).
pub fn leftover_containers() -> Vec<String> {
    containers(&format!("name=symbi-{}-", std::process::id()))
}

/// Defines one `#[tokio::test]` per container tier from one async body taking the tier;
/// `per_tier!(exclusive name, body)` for a test that counts containers.
#[macro_export]
macro_rules! per_tier {
    (exclusive $name:ident, $body:expr) => {
        $crate::per_tier!(@exclusive $name, $body);
    };
    ($name:ident, $body:expr) => {
        $crate::per_tier!(@shared $name, $body);
    };
    (@$lock:ident $name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(symbi_docker),
                ignore = "needs a Docker engine (probed at build time, see build.rs)"
            )]
            async fn tier1() {
                let Some(_engine) = $crate::support::engine::$lock() else { return };
                ($body)(symbi::security::Tier::Tier1).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(all(symbi_docker, symbi_gvisor)),
                ignore = "needs Docker with gVisor's runsc (probed at build time, see build.rs)"
            )]
            async fn tier2() {
                let Some(_engine) = $crate::support::engine::$lock() else { return };
                ($body)(symbi::security::Tier::Tier2).await;
            }
        }
    };
}
