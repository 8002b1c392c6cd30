//! The configuration as the rest of symbi sees it: typed, defaulted, validated.

use crate::security::Tier;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where a configuration value came from (for `symbi doctor` and the run transcript).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "from", rename_all = "lowercase")]
pub enum Origin {
    /// The built-in default.
    Default,
    /// A config file (its path).
    File(PathBuf),
    /// An environment variable (its name).
    Env(String),
    /// A command-line flag (its spelling).
    Cli(String),
}

impl std::fmt::Display for Origin {
    /// "default", the file's path, the variable's name or the flag, for `symbi doctor`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Env(var) => f.write_str(var),
            Origin::Cli(flag) => f.write_str(flag),
        }
    }
}

/// The whole configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// `[security]`
    pub security: SecurityConfig,
    /// `[native_execution]` (also written `[security.native_execution]`).
    pub native_execution: NativeExecutionConfig,
    /// `[docker]`
    pub docker: DockerConfig,
    /// `[gvisor]`
    pub gvisor: GvisorConfig,
    /// `[firecracker]`
    pub firecracker: FirecrackerConfig,
    /// `[storage]`
    pub storage: StorageConfig,
    /// `[api]`: the service of `symbi up`.
    pub api: ApiConfig,
    /// `[logging]`: the service's log lines.
    pub logging: LoggingConfig,
    /// `[runtime]`: the interpreter's bounds.
    pub runtime: RuntimeConfig,
    /// `SYMBIONT_ENV=production`: tier None is refused whatever else consents to it.
    pub production: bool,
    /// The file this was loaded from, if any.
    pub path: Option<PathBuf>,
    /// How that file was chosen (`named by --config`, ...), for the run header.
    pub found_by: String,
    /// The `config.toml` beside the agent file that was not read because its folder is not
    /// trusted (or it changed since): every command that loads it warns with [`W0501`].
    ///
    /// [`W0501`]: crate::diag::codes::CONFIG_UNTRUSTED
    pub ignored: Option<super::Ignored>,
    /// Where each set value came from, by dotted key (`native_execution.max_memory_mb`).
    /// Keys absent here have their default.
    pub origins: BTreeMap<String, Origin>,
}

/// `[security]`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SecurityConfig {
    /// Consent to tier None.
    pub allow_native_execution: bool,
    /// The tier used when neither CLI nor agent names one.
    pub default_sandbox_tier: Tier,
}

/// `[native_execution]`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NativeExecutionConfig {
    /// Consent to tier None (either this or `security.allow_native_execution`).
    pub enabled: bool,
    /// Interpreter for `execute_code` when none is given.
    pub default_executable: String,
    /// The working directory of native calls (and the one mounted at `/workspace`).
    pub working_directory: PathBuf,
    /// Apply OS-level limits at all.
    pub enforce_resource_limits: bool,
    /// RLIMIT_AS in MiB.
    pub max_memory_mb: Option<u64>,
    /// RLIMIT_CPU in seconds.
    pub max_cpu_seconds: Option<u64>,
    /// CPU cores.
    pub max_cpu_cores: Option<f64>,
    /// Wall-clock timeout of one call in seconds.
    pub max_execution_time_seconds: u64,
    /// Executables that may run (names resolved through the fixed PATH, or paths).
    pub allowed_executables: Vec<String>,
    /// Variables a request's `env` may set although
    /// [`env_policy`](crate::sandbox::env_policy) refuses them by default (exact names).
    pub allowed_env: Vec<String>,
    /// Confine `Permissive` agents on tier None too, as `Moderate` ones always are.
    pub harden: bool,
    /// Folders hardened calls may write besides their working directory and `TMPDIR`.
    pub writable_paths: Vec<PathBuf>,
    /// Folders and files hardened calls may read besides the system folders.
    pub readable_paths: Vec<PathBuf>,
    /// Bytes kept per output stream of one call.
    pub max_output_bytes: u64,
    /// RLIMIT_FSIZE in MiB.
    pub max_file_size_mb: Option<u64>,
    /// RLIMIT_NOFILE.
    pub max_open_files: Option<u64>,
    /// Processes per call (pids cgroup / RLIMIT_NPROC / container pids limit).
    pub max_processes: Option<u64>,
}

/// `[docker]`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DockerConfig {
    /// The image Tier1/Tier2 calls run in.
    pub image: String,
    /// The engine's address; `None` means `DOCKER_HOST`, else the local socket.
    pub host: Option<String>,
    /// The user the container runs as, when the image has it (`None`: the image's default).
    pub user: Option<String>,
    /// Size of the tmpfs at `/tmp`, in MiB.
    pub tmpfs_mb: u64,
}

/// `[gvisor]`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GvisorConfig {
    /// The Docker runtime name of gVisor.
    pub runtime: String,
}

/// `[firecracker]`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FirecrackerConfig {
    /// The `firecracker` binary (name or path).
    pub binary: String,
    /// The guest kernel image.
    pub kernel: Option<PathBuf>,
    /// The guest root filesystem image.
    pub rootfs: Option<PathBuf>,
    /// vCPUs per micro-VM.
    pub vcpus: u32,
    /// Guest memory in MiB.
    pub memory_mb: u64,
}

/// `[storage]`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StorageConfig {
    /// The audit log of executions (JSON lines).
    pub audit_log: PathBuf,
    /// The SQLite database of `symbi up`'s runs.
    pub runs_db: PathBuf,
    /// How many finished runs the database keeps (the oldest are deleted first).
    pub keep_runs: u64,
}

/// `[logging]`: how `symbi up` writes its own log lines on stderr.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoggingConfig {
    /// The least severe level written: `debug`, `info`, `warn` or `error`.
    pub level: String,
    /// `pretty` or `compact` (text lines) or `json` (one object per line).
    pub format: String,
}

/// `[api]`: the HTTP service of `symbi up`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiConfig {
    /// The address to bind.
    pub host: String,
    /// The port (0: a free port chosen by the system).
    pub port: u16,
    /// How long `?wait=true` waits for a run, in seconds.
    pub timeout_seconds: u64,
    /// The largest request body accepted, in bytes.
    pub max_body_size: u64,
    /// Runs executing at once.
    pub max_concurrent_runs: u64,
    /// Runs accepted and waiting for a slot; beyond this, 429.
    pub max_queued_runs: u64,
    /// On SIGTERM/SIGINT, how long running runs may take to finish before they are cancelled.
    pub shutdown_grace_seconds: u64,
}

/// `[runtime]`: bounds of the interpreter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuntimeConfig {
    /// Iterations of one `while` loop before it is stopped.
    pub max_loop_iterations: u64,
    /// Nested user-function calls before recursion is stopped.
    pub max_call_depth: u32,
    /// Nested `emit`s before they are stopped.
    pub max_emit_depth: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            security: SecurityConfig { allow_native_execution: false, default_sandbox_tier: Tier::default() },
            native_execution: NativeExecutionConfig {
                enabled: false,
                default_executable: "bash".into(),
                working_directory: default_working_directory(),
                enforce_resource_limits: true,
                max_memory_mb: Some(2048),
                max_cpu_seconds: Some(300),
                max_cpu_cores: Some(4.0),
                max_execution_time_seconds: 300,
                allowed_executables: ["bash", "sh", "python3", "python", "node"].map(String::from).to_vec(),
                allowed_env: Vec::new(),
                harden: false,
                writable_paths: Vec::new(),
                readable_paths: Vec::new(),
                max_output_bytes: 10 * 1024 * 1024,
                max_file_size_mb: Some(1024),
                max_open_files: Some(1024),
                max_processes: Some(256),
            },
            docker: DockerConfig { image: "python:3.12-slim".into(), host: None, user: None, tmpfs_mb: 64 },
            gvisor: GvisorConfig { runtime: "runsc".into() },
            firecracker: FirecrackerConfig {
                binary: "firecracker".into(),
                kernel: None,
                rootfs: None,
                vcpus: 1,
                memory_mb: 256,
            },
            storage: StorageConfig {
                audit_log: PathBuf::from("/tmp/symbi/audit.jsonl"),
                runs_db: PathBuf::from("data/runs.db"),
                keep_runs: 10_000,
            },
            logging: LoggingConfig { level: "info".into(), format: "pretty".into() },
            api: ApiConfig {
                host: "127.0.0.1".into(),
                port: 8080,
                timeout_seconds: 30,
                max_body_size: 1024 * 1024,
                max_concurrent_runs: 16,
                max_queued_runs: 1024,
                shutdown_grace_seconds: 30,
            },
            runtime: RuntimeConfig {
                max_loop_iterations: 1_000_000,
                max_call_depth: 200,
                max_emit_depth: 16,
            },
            production: false,
            path: None,
            found_by: "no file: the built-in defaults".into(),
            ignored: None,
            origins: BTreeMap::new(),
        }
    }
}

/// The default working directory of native calls: `/tmp/symbi-<euid>/native`. A directory
/// per user, created 0700 by the runner; every part below `/tmp` must be owned by that user
/// (the runner checks), so another user who created it first gets a refusal (E0411), never
/// a say in what runs there. Not under `$HOME` (as root that is `/root`, a refused root) nor
/// under `/run` (a small tmpfs that the system itself needs).
pub fn default_working_directory() -> PathBuf {
    PathBuf::from(format!("/tmp/symbi-{}/native", nix::unistd::geteuid().as_raw()))
}

impl Config {
    /// Where the value of a dotted key came from; keys never set report [`Origin::Default`].
    pub fn origin(&self, key: &str) -> Origin {
        self.origins.get(key).cloned().unwrap_or(Origin::Default)
    }
}
