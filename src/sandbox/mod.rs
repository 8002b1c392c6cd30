//! The sandbox layer: every process symbi starts goes through a [`Sandbox`].
//!
//! One trait, one request type and one result type for every tier, so the interpreter
//! does not know (or care) whether a command runs on the host, in Docker or under gVisor.

pub mod argv;
pub mod availability;
pub mod docker;
pub mod env_policy;
pub mod firecracker;
pub mod gvisor;

use crate::security::Tier;
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

/// What to run.
#[derive(Clone, Debug, PartialEq)]
pub enum Program {
    /// An argument vector; `argv[0]` is resolved through the allowlist.
    Argv(Vec<String>),
    /// Source text run by an interpreter (`python3`, `bash`, ...), passed on stdin or in a
    /// file, never as one huge argument.
    Code {
        /// The program text.
        code: String,
        /// The interpreter's name or path, resolved like `argv[0]`.
        interpreter: String,
    },
}

/// Which output stream a chunk came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// The child's stdout.
    Stdout,
    /// The child's stderr.
    Stderr,
}

/// Receives a child's output live, as it is read (before the call ends).
pub trait OutputSink: Send + Sync {
    /// Called with every chunk of kept output, in the order it was read from that stream.
    fn chunk(&self, stream: Stream, bytes: &[u8]);
}

pub use crate::policy::Limits;

/// One execution request, the same for every tier.
#[derive(Clone)]
pub struct ExecRequest {
    /// What to run.
    pub program: Program,
    /// The child's environment beyond the fixed PATH, HOME and LANG. Nothing of the host's
    /// environment is added; names that make a program run other code are refused
    /// ([`env_policy`]).
    pub env: BTreeMap<String, String>,
    /// Bytes for the child's stdin; `None` means `/dev/null`.
    pub stdin: Option<Vec<u8>>,
    /// The working directory (on the host; containers bind-mount it with `local_filesystem`).
    pub working_dir: PathBuf,
    /// The limits.
    pub limits: Limits,
    /// The executables that may run (names or paths, canonicalised by the runner).
    pub allowed_executables: Vec<String>,
    /// The agent declared `network` (containers get a network only then).
    pub network: bool,
    /// The agent declared `local_filesystem` (containers mount the working dir only then).
    pub local_filesystem: bool,
    /// Where output goes live, if anywhere.
    pub sink: Option<Arc<dyn OutputSink>>,
}

/// How the runner contained the call, for the transcript and `symbi doctor`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Containment {
    /// How process counts were limited (`pids-cgroup`, `rlimit-nproc`, `container-pids-limit`,
    /// or `none` with the reason).
    pub processes: String,
    /// How CPU cores were limited (`cpu-cgroup-quota`, `cpu-affinity`, `nano-cpus`, `none`).
    pub cpu_cores: String,
    /// How the process tree is killed at the end (`pids-cgroup-sweep`, `subreaper-sweep`, ...).
    pub teardown: String,
    /// The kernel confinement of a hardened native call (Landlock ABI, seccomp, ...);
    /// empty when the call was not hardened.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hardening: String,
}

/// The outcome of one call: the `ExecResult` record of the language.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ExecResult {
    /// Captured stdout (lossy UTF-8), at most `max_output_bytes` bytes of it.
    pub stdout: String,
    /// Captured stderr (lossy UTF-8).
    pub stderr: String,
    /// The exit status, when the child exited (not when a signal killed it).
    pub exit_code: Option<i32>,
    /// The signal's name (`SIGKILL`, `SIGXCPU`, `SIGXFSZ`) when a signal ended the child.
    pub signal: Option<String>,
    /// Exit status 0, not timed out, not truncated.
    pub success: bool,
    /// The wall-clock timeout ended the call.
    pub timed_out: bool,
    /// Bytes of stdout were dropped at the cap.
    pub stdout_truncated: bool,
    /// Bytes of stderr were dropped at the cap.
    pub stderr_truncated: bool,
    /// Wall time of the call in milliseconds.
    pub duration_ms: u64,
    /// The tier that ran it (serialized as its name: `None`, `Tier1`, ...).
    pub tier: Tier,
    /// The container ran out of memory (containers only; natively an allocation just fails).
    pub oom_killed: bool,
    /// The executable actually run (canonical path natively, `argv[0]` in a container).
    pub executable: String,
    /// How the call was contained.
    pub containment: Containment,
}

/// Why a call could not run (as opposed to running and failing).
#[derive(Clone, Debug, PartialEq)]
pub struct SandboxError {
    /// Stable E04xx code.
    pub code: crate::diag::Code,
    /// One-line message.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Extra facts (what was resolved, what is allowed).
    pub notes: Vec<String>,
}

impl SandboxError {
    /// An error with a registered code and a message.
    pub fn new(code: crate::diag::Code, message: impl Into<String>) -> Self {
        SandboxError { code, message: message.into(), help: None, notes: Vec::new() }
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The diagnostic for this error, pointing at `span` (the call in the agent file).
    pub fn into_diagnostic(self, span: crate::diag::Span) -> crate::diag::Diagnostic {
        let mut d = crate::diag::Diagnostic::error(self.code, self.message).with_primary(span, "");
        d.notes = self.notes;
        d.help = self.help;
        d
    }
}

impl std::fmt::Display for SandboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

impl std::error::Error for SandboxError {}

/// A boxed future, so `Sandbox` can be used as `dyn Sandbox`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An isolation tier's runner.
///
/// Dropping the returned future cancels the call: every process or container it started
/// is killed and removed.
pub trait Sandbox: Send + Sync {
    /// The tier this sandbox implements.
    fn tier(&self) -> Tier;

    /// Runs one request to completion (or timeout, or cap).
    fn execute(&self, request: ExecRequest) -> BoxFuture<'_, Result<ExecResult, SandboxError>>;

    /// Checks, before a run starts anything, what every call will need (a container tier's
    /// engine, runtime and image), so a trigger never half-runs. Nothing to check by default.
    fn prepare(&self) -> BoxFuture<'_, Result<(), SandboxError>> {
        Box::pin(async { Ok(()) })
    }
}

pub mod native;
pub mod select;
mod signal;

pub use select::for_tier;
pub use signal::signal_name;
