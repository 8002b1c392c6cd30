//! The errors users hit on the container tiers, as [`SandboxError`]s with help (E0450-E0479).
//!
//! Every constructor names the thing that is wrong (socket path, image, runtime) and says how
//! to fix it, because these errors are read by people who did not write the agent's sandbox.

use crate::diag::codes::{
    CONTAINER_EXECUTABLE_NOT_ALLOWED, ENGINE_ERROR, ENGINE_UNREACHABLE, IMAGE_MISSING, OOM_KILLED,
    PATH_IN_ENV, ROOT_USER, RUNTIME_MISSING, WORKSPACE_UNUSABLE,
};
use crate::sandbox::SandboxError;

/// E0450: nothing answers at `address`.
pub fn engine_unreachable(address: &str, detail: &str) -> SandboxError {
    SandboxError::new(ENGINE_UNREACHABLE, format!("no Docker engine is reachable at `{address}`"))
        .with_note(format!("the engine said: {detail}"))
        .with_note(
            "the address comes from `[docker] host` in the configuration, else DOCKER_HOST, \
             else unix:///var/run/docker.sock",
        )
        .with_help(
            "start the engine (`systemctl start docker` or `dockerd &`), or point `[docker] host` \
             / DOCKER_HOST at a running one; `symbi doctor` shows what this host offers",
        )
}

/// E0451: `image` is not on the engine (nothing is pulled implicitly).
pub fn image_missing(image: &str) -> SandboxError {
    SandboxError::new(
        IMAGE_MISSING,
        format!("the container image `{image}` is not present on the Docker engine"),
    )
    .with_note("symbi never pulls images; the image must already be on the engine")
    .with_help(format!(
        "pull it (`docker pull {image}`), build it (the project's test image: \
             `ci/images/build-test-image.sh {image}`), or set `[docker] image` to an image \
             that `docker images` lists"
    ))
}

/// E0452: the gVisor runtime `runtime` is not among the engine's runtimes.
pub fn runtime_missing(runtime: &str, registered: &[String]) -> SandboxError {
    let list = if registered.is_empty() { "none".to_string() } else { registered.join(", ") };
    SandboxError::new(
        RUNTIME_MISSING,
        format!("the gVisor runtime `{runtime}` is not registered with the Docker engine"),
    )
    .with_note(format!("registered runtimes: {list}"))
    .with_help(format!(
        "install gVisor (`apt-get install runsc`), add \
         \"runtimes\": {{\"{runtime}\": {{\"path\": \"/usr/bin/runsc\", \"runtimeArgs\": [\"--network=host\"]}}}} \
         to /etc/docker/daemon.json and reload the engine (`kill -HUP $(pidof dockerd)`); \
         or set `[gvisor] runtime` to a registered name"
    ))
}

/// E0452 as well: the runtime is registered but could not start the container.
pub fn runtime_failed(runtime: &str, detail: &str) -> SandboxError {
    let mut err = SandboxError::new(
        RUNTIME_MISSING,
        format!("the gVisor runtime `{runtime}` could not start the container"),
    )
    .with_note(format!("the engine said: {detail}"));
    if detail.contains("root network namespace") {
        err = err.with_help(
            "this gVisor release mistakes the container's network namespace for the host's on \
             recent kernels; register it with `\"runtimeArgs\": [\"--network=host\"]` (the \
             container still gets Docker's own namespace: `none` or a bridge) and reload the engine",
        );
    } else {
        err = err.with_help("check `runsc --version` and the engine's log (`journalctl -u docker`)");
    }
    err
}

/// E0453: the container was OOM-killed at `limit_mb`; callers report it beside the result.
pub fn oom_killed(limit_mb: Option<u64>) -> SandboxError {
    let limit = limit_mb.map_or("its memory limit".to_string(), |mb| format!("its memory limit of {mb} MiB"));
    SandboxError::new(OOM_KILLED, format!("the container ran out of memory and was killed at {limit}"))
        .with_note("memory and swap are limited to the same value: a container cannot swap")
        .with_help(
            "raise `native_execution.max_memory_mb` (or `--max-memory`), or make the program use less memory",
        )
}

/// E0454: an engine request failed while `doing` (creating, starting, ...).
pub fn engine_error(doing: &str, detail: &str) -> SandboxError {
    SandboxError::new(ENGINE_ERROR, format!("the Docker engine failed while {doing}"))
        .with_note(format!("the engine said: {detail}"))
        .with_help(
            "the container was removed; retry, and check the engine with `docker info` and `symbi doctor`",
        )
}

/// E0401: `argv0` is not allowed for this call.
pub fn executable_not_allowed(argv0: &str, allowed: &[String]) -> SandboxError {
    let list = if allowed.is_empty() { "nothing".to_string() } else { allowed.join(", ") };
    SandboxError::new(CONTAINER_EXECUTABLE_NOT_ALLOWED, format!("`{argv0}` is not an allowed executable"))
        .with_note(format!("allowed: {list}"))
        .with_help(
            "add it to `native_execution.allowed_executables` (and the agent's \
             `allowed_executables`, if it has one); a name matches that name only, a path that path only",
        )
}

/// E0457: the working directory cannot be bind-mounted.
pub fn workspace_unusable(path: &std::path::Path, detail: &str) -> SandboxError {
    SandboxError::new(
        WORKSPACE_UNUSABLE,
        format!("the working directory `{}` cannot be mounted at /workspace", path.display()),
    )
    .with_note(detail.to_string())
    .with_help("set `native_execution.working_directory` to an existing absolute directory")
}

/// E0458: `[docker] user` is root; a container's processes never run as uid 0.
pub fn root_user(user: &str) -> SandboxError {
    SandboxError::new(
        ROOT_USER,
        format!("`[docker] user = \"{user}\"` names root, and containers never run as root"),
    )
    .with_note(
        "files a root process writes into /workspace belong to root on the host, and a setuid bit \
             on one of them hands root to every local user",
    )
    .with_help(
        "set `[docker] user` to an unprivileged `uid:gid` (such as \"1000:1000\"), or remove it to run \
             as the workspace's owner, the image's non-root user, or nobody (65534:65534)",
    )
}

/// E0459: the request sets `PATH` in a container call.
pub fn path_in_env(value: &str) -> SandboxError {
    SandboxError::new(PATH_IN_ENV, "a container call cannot set `PATH` in its environment")
        .with_note(format!("PATH asked: {value}"))
        .with_note(
            "the allowlist is checked by name and the engine looks the name up in the container's PATH, \
             so a PATH of the caller's choice could run a planted program under an allowed name",
        )
        .with_help(
            "drop `PATH` from `env`; the container's PATH is fixed to \
             /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin (name a program elsewhere by its \
             absolute path, and allow that path)",
        )
}
