//! Tier1 (Docker) and, with the `runsc` runtime, Tier2 (gVisor): each call in a fresh
//! one-shot container, driven through the engine's API with `bollard`.
//!
//! - [`engine`] — where the engine is and what it offers;
//! - [`spec`] — the container spec of a call (the isolation settings);
//! - [`lifecycle`] — create, attach, start, wait, kill, remove;
//! - [`capture`] — output caps and the live sink;
//! - [`guard`] — removal on every path;
//! - [`owner`] — which symbi owns a container; removing those of dead owners;
//! - [`watchdog`] — removing a killed symbi's containers within seconds;
//! - [`errors`] — E0450-E0479.

pub mod capture;
pub mod engine;
pub mod errors;
pub mod guard;
mod kernel_oom;
pub mod lifecycle;
pub mod owner;
pub mod spec;
pub mod watchdog;
mod workspace;

#[cfg(test)]
mod spec_tests;

use crate::config::Config;
use crate::sandbox::{BoxFuture, Containment, ExecRequest, ExecResult, Sandbox, SandboxError};
use crate::security::Tier;
use bollard::Docker;
use engine::{EngineAddress, EngineFacts, ImageFacts};
use tokio::sync::OnceCell;

/// What the first call learned about the engine; later calls reuse it.
struct Ready {
    docker: Docker,
    facts: EngineFacts,
    image: ImageFacts,
}

/// A container sandbox: Tier1 with the engine's default runtime, Tier2 with gVisor's.
pub struct DockerSandbox {
    tier: Tier,
    address: EngineAddress,
    docker: Docker,
    image: String,
    user: Option<String>,
    tmpfs_mb: u64,
    runtime: Option<String>,
    watchdog: Option<std::path::PathBuf>,
    /// Refused variable names the configuration allows (`native_execution.allowed_env`).
    allowed_env: Vec<String>,
    ready: OnceCell<Ready>,
}

impl DockerSandbox {
    /// The Tier1 sandbox of `cfg`, talking to the engine named by `[docker] host`, else
    /// `docker_host_env` (the value of `DOCKER_HOST`), else the local socket.
    pub fn tier1(cfg: &Config, docker_host_env: Option<&str>) -> Result<Self, SandboxError> {
        Self::with_runtime(Tier::Tier1, cfg, docker_host_env, None)
    }

    /// The Tier2 sandbox: the same containers under the `[gvisor] runtime` runtime.
    pub fn tier2(cfg: &Config, docker_host_env: Option<&str>) -> Result<Self, SandboxError> {
        Self::with_runtime(Tier::Tier2, cfg, docker_host_env, Some(cfg.gvisor.runtime.clone()))
    }

    fn with_runtime(
        tier: Tier,
        cfg: &Config,
        docker_host_env: Option<&str>,
        runtime: Option<String>,
    ) -> Result<Self, SandboxError> {
        let address = engine::address(cfg.docker.host.as_deref(), docker_host_env);
        let docker = engine::connect(&address)?;
        Ok(DockerSandbox {
            tier,
            address,
            docker,
            image: cfg.docker.image.clone(),
            user: cfg.docker.user.clone(),
            tmpfs_mb: cfg.docker.tmpfs_mb,
            runtime,
            watchdog: watchdog::default_program(),
            allowed_env: cfg.native_execution.allowed_env.clone(),
            ready: OnceCell::new(),
        })
    }

    /// Names the program started as the watchdog (`symbi`, which has the hidden
    /// `__container-watchdog` subcommand); by default this executable when it is symbi.
    pub fn set_watchdog_program(&mut self, program: std::path::PathBuf) {
        self.watchdog = Some(program);
    }

    /// The engine address this sandbox uses.
    pub fn address(&self) -> &EngineAddress {
        &self.address
    }

    /// Talks to the engine once: API version, facts, the image, the runtime. Errors are
    /// not cached, so a call after fixing the problem succeeds.
    pub async fn preflight(&self) -> Result<EngineFacts, SandboxError> {
        self.ready().await.map(|r| r.facts.clone())
    }

    async fn ready(&self) -> Result<&Ready, SandboxError> {
        self.ready
            .get_or_try_init(|| async {
                let (docker, facts) = engine::handshake(self.docker.clone(), &self.address).await?;
                if let Some(rt) = &self.runtime
                    && !facts.runtimes.iter().any(|r| r == rt)
                {
                    return Err(errors::runtime_missing(rt, &facts.runtimes));
                }
                let image = engine::image_present(&docker, &self.image).await?;
                // Leftovers of symbi processes that died are removed before this one adds
                // its own; the watchdog covers this process's death from now on.
                owner::sweep_dead_owners(&docker).await;
                if let Some(program) = &self.watchdog {
                    // Without a watchdog (the executable vanished), the next start's sweep
                    // still removes what a killed symbi leaves.
                    let _ = watchdog::ensure_started(program, &self.address, &owner::Owner::me());
                }
                Ok(Ready { docker, facts, image })
            })
            .await
    }

    async fn run(&self, request: ExecRequest) -> Result<ExecResult, SandboxError> {
        let (argv, stdin) = spec::argv_and_stdin(&request)?;
        let argv0 = argv.first().cloned().unwrap_or_default();
        spec::check_allowed(&argv0, &request.allowed_executables)?;
        let settings = spec::SpecSettings {
            image: self.image.clone(),
            user: self.user.clone(),
            tmpfs_mb: self.tmpfs_mb,
            runtime: self.runtime.clone(),
            engine_cpus: 1,
            image_user: String::new(),
        };
        spec::check_request(&request, &settings)?;
        // The same variables run code in a container as on the host (an allowed `git` with
        // GIT_CONFIG_*, `sh` with ENV): one rule for every tier.
        crate::sandbox::env_policy::check(&request.env, &self.allowed_env)?;
        let ready = self.ready().await?;
        let owner =
            if request.local_filesystem { Some(workspace::prepare(&request.working_dir)?) } else { None };
        let mut request = request;
        if let Some((dir, _)) = &owner {
            request.working_dir = dir.clone();
        }
        let settings = spec::SpecSettings {
            engine_cpus: ready.facts.cpus,
            image_user: ready.image.user.clone(),
            ..settings
        };
        let mut body =
            spec::container_body(&request, &settings, argv, stdin.is_some(), owner.map(|(_, ids)| ids));
        body.labels.get_or_insert_default().extend(owner::Owner::me().labels());
        let params = lifecycle::RunParams {
            docker: &ready.docker,
            image: &self.image,
            runtime: self.runtime.as_deref(),
            stdin,
            limits: &request.limits,
            sink: request.sink.clone(),
        };
        let outcome = lifecycle::run(params, body).await?;
        Ok(self.result(outcome, argv0))
    }

    fn result(&self, o: lifecycle::Outcome, executable: String) -> ExecResult {
        let killed = o.timed_out || o.killed_at_cap || o.oom_killed;
        let (exit_code, signal) = exit_status(o.status, killed);
        // An OOM kill anywhere in the container fails the call, even if its main process
        // went on to exit 0: part of the work was lost.
        let success = exit_code == Some(0)
            && !o.timed_out
            && !o.stdout_truncated
            && !o.stderr_truncated
            && !o.oom_killed;
        ExecResult {
            stdout: o.stdout,
            stderr: o.stderr,
            exit_code,
            signal,
            success,
            timed_out: o.timed_out,
            stdout_truncated: o.stdout_truncated,
            stderr_truncated: o.stderr_truncated,
            duration_ms: o.duration.as_millis() as u64,
            tier: self.tier,
            oom_killed: o.oom_killed,
            executable,
            containment: Containment {
                processes: if self.runtime.is_some() {
                    "rlimit-nproc-in-gvisor+container-pids-limit".into()
                } else {
                    "container-pids-limit".into()
                },
                cpu_cores: "nano-cpus".into(),
                teardown: "container-remove".into(),
                hardening: String::new(),
            },
        }
    }
}

/// Splits the engine's status into an exit code or a signal name. The engine reports a
/// signal `n` as `128 + n`; symbi reports it as the signal, like the native tier does.
pub fn exit_status(status: Option<i64>, killed: bool) -> (Option<i32>, Option<String>) {
    match status {
        // 1-31 are the standard signals, each with a name.
        Some(code) if (129..=128 + 31).contains(&code) => (None, Some(super::signal_name(code as i32 - 128))),
        Some(code) => (i32::try_from(code).ok(), None),
        None if killed => (None, Some("SIGKILL".into())),
        None => (None, None),
    }
}

impl Sandbox for DockerSandbox {
    fn tier(&self) -> Tier {
        self.tier
    }

    fn execute(&self, request: ExecRequest) -> BoxFuture<'_, Result<ExecResult, SandboxError>> {
        Box::pin(self.run(request))
    }

    fn prepare(&self) -> BoxFuture<'_, Result<(), SandboxError>> {
        Box::pin(async { self.ready().await.map(|_| ()) })
    }
}
