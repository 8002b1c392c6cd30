//! The container spec of one call: the isolation settings of Tier1 and Tier2.
//!
//! Pure data in, pure data out, so every setting is unit-tested without an engine: memory
//! with swap equal to it, nano-CPUs, a pids limit, rlimits, a read-only root with a tmpfs
//! `/tmp`, no capabilities, `no-new-privileges`, a non-root user, network `none` unless the
//! agent declared `network`, `/workspace` only with `local_filesystem`, an explicit env.

use super::errors;
use crate::diag::codes;
use crate::sandbox::{ExecRequest, Program, SandboxError, argv};
use bollard::models::{ContainerCreateBody, HostConfig, ResourcesUlimits};
use std::collections::HashMap;

/// The label every symbi container carries, so tests and `docker ps` can find them.
pub const MANAGED_LABEL: &str = "dev.symbi.managed";

/// The fixed PATH of every call (the image's own PATH is replaced, never extended).
pub const CONTAINER_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The uid:gid used when neither the configuration nor the image names a non-root user.
pub const FALLBACK_USER: &str = "65534:65534";

/// Where the working directory appears inside the container.
pub const WORKSPACE: &str = "/workspace";

/// Host pids per guest process allowed to gVisor's Sentry (the backstop cgroup limit).
pub const GVISOR_PIDS_PER_PROCESS: i64 = 16;

/// The smallest pids cgroup limit a gVisor sandbox starts and works under.
pub const GVISOR_MIN_PIDS: i64 = 512;

/// Per-tier settings that do not come from the request.
#[derive(Clone, Debug, PartialEq)]
pub struct SpecSettings {
    /// The image.
    pub image: String,
    /// `[docker] user`, when set.
    pub user: Option<String>,
    /// Size of the tmpfs at `/tmp` in MiB.
    pub tmpfs_mb: u64,
    /// The OCI runtime (`runsc` for Tier2); `None` is the engine's default.
    pub runtime: Option<String>,
    /// CPUs the engine can hand out.
    pub engine_cpus: u64,
    /// The image's default user (`""` is root).
    pub image_user: String,
}

/// The argv a request runs, and the bytes for its stdin.
pub fn argv_and_stdin(request: &ExecRequest) -> Result<(Vec<String>, Option<Vec<u8>>), SandboxError> {
    let (argv, stdin) = match &request.program {
        Program::Argv(argv) => (argv.clone(), request.stdin.clone()),
        // The program text goes on stdin, never as one huge argument; a request cannot
        // have both (the interpreter reads its program from stdin).
        Program::Code { code, interpreter } => {
            if request.stdin.is_some() {
                return Err(SandboxError::new(
                    codes::CODE_WITH_STDIN,
                    "a program text and separate stdin bytes cannot both be given in a container",
                )
                .with_help("pass the input inside the program text"));
            }
            // The interpreter is split as the native tier splits it (`python3 -u`).
            (argv::split_for_sandbox(interpreter)?, Some(code.clone().into_bytes()))
        }
    };
    if argv.is_empty() {
        return Err(SandboxError::new(codes::EMPTY_COMMAND, "the command line is empty")
            .with_help("pass a command, such as `echo hi`"));
    }
    Ok((argv, stdin))
}

/// Checks `argv0` against the allowlist with the policy's container rule
/// ([`container_allows`](crate::policy::container_allows)), which the checker applies too.
pub fn check_allowed(argv0: &str, allowed: &[String]) -> Result<(), SandboxError> {
    if crate::policy::container_allows(allowed, argv0) {
        Ok(())
    } else {
        Err(errors::executable_not_allowed(argv0, allowed))
    }
}

/// Whether a user spec (`name`, `uid`, `uid:gid`, `name:group`) names root, as the user or
/// as the group (a setgid-root file is root's group for whoever runs it).
pub fn is_root_user(user: &str) -> bool {
    let mut parts = user.trim().split(':').map(str::trim);
    let is_root = |p: &str| p == "root" || (!p.is_empty() && p.trim_start_matches('0').is_empty());
    let who = parts.next().unwrap_or("");
    who.is_empty() || is_root(who) || parts.any(is_root)
}

/// The user the container runs as, never root: `[docker] user` (refused earlier by
/// [`check_request`] when it names root); else, with `/workspace`, the owner of the working
/// directory when that owner is not root (so files written there belong to it); else the
/// image's user when it is not root; else `nobody` (65534:65534).
pub fn choose_user(settings: &SpecSettings, workspace_owner: Option<(u32, u32)>) -> String {
    if let Some(u) = settings.user.as_ref().filter(|u| !u.trim().is_empty() && !is_root_user(u)) {
        return u.trim().to_string();
    }
    if let Some((uid, gid)) = workspace_owner.filter(|(uid, _)| *uid != 0) {
        // A workspace in root's group still gets no file of root's group from a container.
        let gid = if gid == 0 { 65534 } else { gid };
        return format!("{uid}:{gid}");
    }
    let image_user = settings.image_user.trim();
    if is_root_user(image_user) { FALLBACK_USER.to_string() } else { image_user.to_string() }
}

/// Refuses what would let a container call run as root or run another program than the
/// allowlist checked: `[docker] user` naming root (E0458), and `PATH` in the request's
/// environment (E0459), since the engine looks `argv[0]` up in the container's `PATH`.
pub fn check_request(request: &ExecRequest, settings: &SpecSettings) -> Result<(), SandboxError> {
    if let Some(user) = settings.user.as_ref().filter(|u| !u.trim().is_empty() && is_root_user(u)) {
        return Err(errors::root_user(user));
    }
    if request.env.contains_key("PATH") {
        return Err(errors::path_in_env(request.env.get("PATH").map_or("", String::as_str)));
    }
    Ok(())
}

/// The create body for `request`.
pub fn container_body(
    request: &ExecRequest,
    settings: &SpecSettings,
    argv: Vec<String>,
    with_stdin: bool,
    workspace_owner: Option<(u32, u32)>,
) -> ContainerCreateBody {
    // PATH is always the fixed one: the engine resolves `argv[0]` through it, so a PATH
    // from the request would choose which program an allowlisted name runs.
    let mut env = vec![format!("PATH={CONTAINER_PATH}"), "HOME=/tmp".to_string(), "LANG=C.UTF-8".to_string()];
    env.extend(
        request
            .env
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "PATH" | "HOME" | "LANG"))
            .map(|(k, v)| format!("{k}={v}")),
    );
    if let Some(lang) = request.env.get("LANG") {
        env[2] = format!("LANG={lang}");
    }

    let mut host = HostConfig {
        readonly_rootfs: Some(true),
        cap_drop: Some(vec!["ALL".to_string()]),
        security_opt: Some(vec!["no-new-privileges".to_string()]),
        tmpfs: Some(HashMap::from([(
            "/tmp".to_string(),
            format!("rw,nosuid,nodev,size={}m,mode=1777", settings.tmpfs_mb.max(1)),
        )])),
        network_mode: Some(if request.network { "bridge" } else { "none" }.to_string()),
        runtime: settings.runtime.clone(),
        privileged: Some(false),
        ..Default::default()
    };
    apply_limits(&mut host, request, settings);
    let working_dir = if request.local_filesystem {
        host.binds = Some(vec![format!("{}:{WORKSPACE}:rw", request.working_dir.display())]);
        WORKSPACE
    } else {
        "/tmp"
    };

    ContainerCreateBody {
        image: Some(settings.image.clone()),
        entrypoint: Some(Vec::new()),
        cmd: Some(argv),
        env: Some(env),
        user: Some(choose_user(settings, workspace_owner)),
        working_dir: Some(working_dir.to_string()),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        attach_stdin: Some(with_stdin),
        open_stdin: Some(with_stdin),
        stdin_once: Some(with_stdin),
        tty: Some(false),
        network_disabled: Some(!request.network),
        labels: Some(HashMap::from([(MANAGED_LABEL.to_string(), "true".to_string())])),
        host_config: Some(host),
        ..Default::default()
    }
}

/// Memory (swap equal to it), nano-CPUs, pids and rlimits, when limits are enforced.
fn apply_limits(host: &mut HostConfig, request: &ExecRequest, settings: &SpecSettings) {
    let limits = &request.limits;
    if !limits.enforce {
        return;
    }
    if let Some(mb) = limits.max_memory_mb {
        let bytes = i64::try_from(mb.saturating_mul(1024 * 1024)).unwrap_or(i64::MAX);
        host.memory = Some(bytes);
        host.memory_swap = Some(bytes);
    }
    if let Some(cores) = limits.max_cpu_cores.filter(|c| c.is_finite() && *c > 0.0) {
        // The engine refuses more CPUs than it has; asking for more means "all of them".
        let cores = cores.min(settings.engine_cpus.max(1) as f64);
        host.nano_cpus = Some((cores * 1e9) as i64);
    }
    let mut ulimits = vec![ulimit("core", 0)];
    if let Some(n) = limits.max_processes {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        if settings.runtime.is_some() {
            // Under gVisor the pids cgroup counts the Sentry's own host threads (a sandbox
            // cannot even start under ~64), so guest processes are limited by RLIMIT_NPROC,
            // which gVisor's kernel enforces per sandbox; the cgroup stays as a backstop.
            ulimits.push(ulimit("nproc", n as u64));
            host.pids_limit = Some(n.saturating_mul(GVISOR_PIDS_PER_PROCESS).max(GVISOR_MIN_PIDS));
        } else {
            host.pids_limit = Some(n);
        }
    }
    if let Some(n) = limits.max_open_files {
        ulimits.push(ulimit("nofile", n));
    }
    if let Some(n) = limits.max_file_size_bytes {
        ulimits.push(ulimit("fsize", n));
    }
    if let Some(n) = limits.max_cpu_seconds {
        ulimits.push(ulimit("cpu", n));
    }
    host.ulimits = Some(ulimits);
}

fn ulimit(name: &str, value: u64) -> ResourcesUlimits {
    let v = i64::try_from(value).unwrap_or(i64::MAX);
    ResourcesUlimits { name: Some(name.to_string()), soft: Some(v), hard: Some(v) }
}
