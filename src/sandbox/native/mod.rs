//! Tier None: running a process directly on the host, contained as far as the host allows.
//!
//! There is no isolation on this tier, so the runner is strict about what it does control:
//! which executables may run ([`resolve`]), where ([`workdir`]), with which environment
//! (a fixed PATH, HOME and LANG plus the request's own variables, nothing of symbi's),
//! under which limits ([`limits`], [`cgroup`]), and that every process a call starts is
//! gone when the call ends ([`cgroup`], `sweep`). Where symbi may create namespaces, each
//! call runs in its own PID and mount namespace (`pidns`): the child cannot reach symbi,
//! and its whole tree dies with the call and with symbi. How each was achieved on this host
//! is reported in [`ExecResult::containment`](crate::sandbox::ExecResult).
//!
//! Codes: E0401 executable not allowed, E0402 executable not found, E0403 command line
//! cannot be split, E0404 empty command, E0405 working directory not absolute, E0406
//! working directory refused, E0407 working directory unusable, E0408 process could not be
//! started, E0410 program text cannot be staged, E0411 working directory not trusted (owner or
//! mode), E0412 environment variable refused; E0480–E0483 a hardened call the host cannot
//! confine ([`harden`]).

mod active;
mod call;
mod caps;
pub mod cgroup;
mod code;
mod environment;
pub mod harden;
pub mod limits;
pub mod output;
mod pidns;
mod probe;
mod process;
pub mod resolve;
mod spawned;
mod spawner;
mod start;
mod sweep;
mod warm;
pub mod workdir;

pub use active::terminate_all;
pub use cgroup::release_pooled as release_groups;
pub use probe::{HostContainment, probe};
pub use spawner::{pid as spawner_pid, running as spawner_running, start as start_spawner};
pub use warm::warm_up;

use crate::sandbox::{BoxFuture, ExecRequest, ExecResult, Sandbox, SandboxError};
use crate::security::Tier;

/// The tier None runner.
#[derive(Clone, Debug)]
pub struct NativeSandbox {
    /// Use the host's cgroups when they are usable.
    use_cgroups: bool,
    /// Refused variable names the configuration allows (`native_execution.allowed_env`).
    allowed_env: Vec<String>,
    /// Give each call its own PID and mount namespace when the host allows it.
    use_namespaces: bool,
    /// Confine every call with Landlock, seccomp and no capabilities ([`harden`]).
    hardening: Option<harden::Settings>,
}

impl Default for NativeSandbox {
    fn default() -> Self {
        NativeSandbox::new()
    }
}

impl NativeSandbox {
    /// A runner that uses every containment mechanism the host offers.
    pub fn new() -> Self {
        pidns::guard_symbi();
        NativeSandbox { use_cgroups: true, allowed_env: Vec::new(), use_namespaces: true, hardening: None }
    }

    /// A runner that never touches cgroups: process counts fall back to RLIMIT_NPROC, cores
    /// to CPU affinity and teardown to process-group kill plus a subreaper sweep. For hosts
    /// where symbi must not create cgroups, and to exercise the fallback.
    pub fn without_cgroups() -> Self {
        pidns::guard_symbi();
        NativeSandbox { use_cgroups: false, allowed_env: Vec::new(), use_namespaces: true, hardening: None }
    }

    /// The same runner, letting requests set these otherwise refused variables
    /// ([`env_policy`](crate::sandbox::env_policy)).
    pub fn with_allowed_env(mut self, names: Vec<String>) -> Self {
        self.allowed_env = names;
        self
    }

    /// This runner without PID and mount namespaces: the containment of a host where symbi
    /// may not create them (an unprivileged symbi), to exercise that fallback.
    pub fn without_namespaces(self) -> Self {
        NativeSandbox { use_namespaces: false, ..self }
    }

    /// This runner, hardened: every call confined by the kernel before `exec`, or refused
    /// where the host cannot ([`harden`]).
    pub fn hardened(self, settings: harden::Settings) -> Self {
        NativeSandbox { hardening: Some(settings), ..self }
    }
}

impl Sandbox for NativeSandbox {
    fn tier(&self) -> Tier {
        Tier::None
    }

    fn execute(&self, request: ExecRequest) -> BoxFuture<'_, Result<ExecResult, SandboxError>> {
        let (use_cgroups, use_namespaces) = (self.use_cgroups, self.use_namespaces);
        let allowed_env = self.allowed_env.clone();
        let hardening = self.hardening.clone();
        Box::pin(async move {
            call::run(request, use_cgroups, use_namespaces, &allowed_env, hardening.as_ref()).await
        })
    }
}
