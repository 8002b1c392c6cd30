//! [`SandboxOrchestrator`]: one configuration, the sandbox of each tier started on first
//! use, and every call decided by the policy before it reaches a sandbox.

use super::{Cancel, Config, ExecResult, LimitOverrides, Program, SandboxError, SecurityTier};
use crate::config::{EnvVars, is_production};
use crate::diag::codes;
use crate::policy::{self, Decision};
use crate::sandbox::native::workdir::{Owner, prepare_for};
use crate::sandbox::{self, ExecRequest, Sandbox};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a call may add to its program and environment.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// Bytes for the child's stdin; `None` means `/dev/null`.
    pub stdin: Option<Vec<u8>>,
    /// A wall-clock timeout for this call; it can only shorten the configured one.
    pub timeout: Option<Duration>,
    /// Ends the call when set, killing every process it started (the error is E0320).
    pub cancel: Option<Cancel>,
}

/// Runs code and commands on a tier, as `symbi run` runs an agent's calls.
pub struct SandboxOrchestrator {
    config: Config,
    overrides: LimitOverrides,
    /// The sandbox of each tier once started; a failure is not kept, so a later call
    /// retries (after the engine is started, say).
    sandboxes: Mutex<HashMap<SecurityTier, Arc<dyn Sandbox>>>,
}

impl std::fmt::Debug for SandboxOrchestrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxOrchestrator").field("overrides", &self.overrides).finish_non_exhaustive()
    }
}

impl SandboxOrchestrator {
    /// An orchestrator with `config`. `SYMBIONT_ENV=production` in the process environment
    /// sets the production guard even when `config` was built in code, as `symbi run` does;
    /// nothing else of the environment is read (load the configuration with
    /// [`crate::config::load`] to get symbi's files and variables).
    pub fn new(mut config: Config) -> Result<Self, SandboxError> {
        config.production |= is_production(&EnvVars::from_process());
        Ok(SandboxOrchestrator { config, overrides: LimitOverrides::default(), sandboxes: Mutex::default() })
    }

    /// The same orchestrator with narrower limits (memory, cores, timeout) than the
    /// configuration's; wider values are ignored, as on `symbi run`'s command line.
    pub fn with_limits(mut self, overrides: LimitOverrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// The configuration calls are decided with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The policy's decision for a call on `tier` (tier, consent, allowlist, grants, limits).
    pub fn decision(&self, tier: SecurityTier) -> Decision {
        policy::decide_call(&self.config, tier, &self.overrides)
    }

    /// Runs `code` with the configuration's `native_execution.default_executable` (`bash` by
    /// default) on `tier`, its text on stdin.
    pub async fn execute_code(
        &self,
        tier: SecurityTier,
        code: &str,
        env: HashMap<String, String>,
    ) -> Result<ExecResult, SandboxError> {
        let interpreter = self.config.native_execution.default_executable.clone();
        self.execute(tier, Program::Code { code: code.into(), interpreter }, env, CallOptions::default())
            .await
    }

    /// Runs a command line on `tier`, split into words as `execute_native` splits it (no
    /// shell runs it).
    pub async fn execute_native(
        &self,
        tier: SecurityTier,
        command: &str,
        env: HashMap<String, String>,
    ) -> Result<ExecResult, SandboxError> {
        let argv = crate::sandbox::argv::split(command).map_err(|e| {
            SandboxError::new(
                codes::COMMAND_LINE_UNSPLITTABLE,
                format!("the command line cannot be split: {}", e.message),
            )
        })?;
        self.execute(tier, Program::Argv(argv), env, CallOptions::default()).await
    }

    /// Runs `program` on `tier` with `env` and `options`. Dropping the returned future also
    /// cancels the call and kills what it started.
    pub async fn execute(
        &self,
        tier: SecurityTier,
        program: Program,
        env: HashMap<String, String>,
        options: CallOptions,
    ) -> Result<ExecResult, SandboxError> {
        let decision = self.decision(tier);
        if let Some(refusal) = decision.refusal() {
            return Err(SandboxError::new(refusal.code(), refusal.message()).with_help(refusal.help()));
        }
        let sandbox = self.sandbox(tier)?;
        let working_dir =
            prepare_for(&self.config.native_execution.working_directory, Owner::for_tier(tier))?;
        let mut limits = decision.limits.clone();
        if let Some(timeout) = options.timeout {
            limits.timeout = limits.timeout.min(timeout);
        }
        let request = ExecRequest {
            program,
            env: env.into_iter().collect(),
            stdin: options.stdin,
            working_dir,
            limits,
            allowed_executables: decision.allowlist,
            network: decision.network,
            local_filesystem: decision.filesystem,
            sink: None,
        };
        let call = sandbox.execute(request);
        match options.cancel {
            None => call.await,
            Some(cancel) => tokio::select! {
                biased;
                _ = cancel.cancelled() => Err(cancelled()),
                result = call => result,
            },
        }
    }

    fn sandbox(&self, tier: SecurityTier) -> Result<Arc<dyn Sandbox>, SandboxError> {
        let mut started = self.sandboxes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sandbox) = started.get(&tier) {
            return Ok(sandbox.clone());
        }
        let sandbox = sandbox::for_tier(tier, &self.config)?;
        started.insert(tier, sandbox.clone());
        Ok(sandbox)
    }
}

fn cancelled() -> SandboxError {
    SandboxError::new(codes::CALL_CANCELLED, "the call was cancelled by its caller")
        .with_note("every process the call started was killed")
}
