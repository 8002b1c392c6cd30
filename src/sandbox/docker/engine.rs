//! The connection to the Docker engine: where it is, and what it offers.
//!
//! The address comes from `[docker] host`, else `DOCKER_HOST`, else the local socket. The
//! client is created without I/O; the first call negotiates the API version (the engines
//! here speak 1.41, older than bollard's default) and checks the image and runtime once.

use super::errors;
use crate::sandbox::SandboxError;
use bollard::{API_DEFAULT_VERSION, Docker};
use std::collections::BTreeMap;
use std::time::Duration;

/// The socket used when neither the configuration nor `DOCKER_HOST` names an engine.
pub const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

/// Seconds bollard lets one request take. Every request symbi makes is also bounded by
/// [`bounded`] (the streams of a call by the call's own deadline), so this is a backstop.
const REQUEST_TIMEOUT_SECS: u64 = 120;

/// How long an engine request may take before symbi gives up on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Inspect, kill, list, remove, the handshake: the engine answers these at once.
    Short,
    /// Create and start: the runtime sets the container up (gVisor takes a few seconds).
    Setup,
}

impl Bound {
    /// The deadline.
    pub fn duration(self) -> Duration {
        match self {
            Bound::Short => Duration::from_secs(20),
            Bound::Setup => Duration::from_secs(90),
        }
    }
}

/// Runs one engine request under `bound`: a wedged engine makes it fail with bollard's
/// timeout error instead of waiting for ever.
pub async fn bounded<T>(
    bound: Bound,
    request: impl std::future::Future<Output = Result<T, bollard::errors::Error>>,
) -> Result<T, bollard::errors::Error> {
    match tokio::time::timeout(bound.duration(), request).await {
        Ok(result) => result,
        Err(_) => Err(bollard::errors::Error::RequestTimeoutError),
    }
}

/// Where the engine is, and why that address was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineAddress {
    /// `unix:///path`, `tcp://host:port` or `http://...`.
    pub address: String,
    /// `config docker.host`, `DOCKER_HOST` or `default`.
    pub from: &'static str,
}

/// Chooses the engine address: `[docker] host`, else `DOCKER_HOST`, else the local socket.
pub fn address(config_host: Option<&str>, docker_host_env: Option<&str>) -> EngineAddress {
    match (config_host.filter(|h| !h.is_empty()), docker_host_env.filter(|h| !h.is_empty())) {
        (Some(h), _) => EngineAddress { address: h.to_string(), from: "config docker.host" },
        (None, Some(h)) => EngineAddress { address: h.to_string(), from: "DOCKER_HOST" },
        (None, None) => EngineAddress { address: DEFAULT_SOCKET.to_string(), from: "default" },
    }
}

/// Creates a client for `addr` (no I/O yet, apart from checking that a socket file exists).
pub fn connect(addr: &EngineAddress) -> Result<Docker, SandboxError> {
    let a = addr.address.as_str();
    let result = if a.starts_with("unix://") || a.starts_with('/') {
        Docker::connect_with_unix(a, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else if a.starts_with("tcp://") || a.starts_with("http://") {
        Docker::connect_with_http(a, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else {
        return Err(errors::engine_unreachable(
            a,
            "unsupported address scheme (use unix:///path/to/docker.sock or tcp://host:port)",
        ));
    };
    result.map_err(|e| errors::engine_unreachable(a, &e.to_string()))
}

/// What the engine told us when we first talked to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineFacts {
    /// The engine's version (`20.10.24+dfsg1`).
    pub version: String,
    /// The API version both sides speak.
    pub api_version: String,
    /// CPUs the engine can hand out (nano-CPUs above this are refused by the engine).
    pub cpus: u64,
    /// The runtimes registered with the engine.
    pub runtimes: Vec<String>,
    /// The default runtime.
    pub default_runtime: String,
    /// cgroup version (`1` or `2`).
    pub cgroup_version: String,
}

/// Negotiates the API version and reads the engine's facts.
pub async fn handshake(docker: Docker, addr: &EngineAddress) -> Result<(Docker, EngineFacts), SandboxError> {
    let unreachable = |e: bollard::errors::Error| errors::engine_unreachable(&addr.address, &e.to_string());
    let docker = bounded(Bound::Short, docker.negotiate_version()).await.map_err(unreachable)?;
    let info = bounded(Bound::Short, docker.info()).await.map_err(unreachable)?;
    let version = bounded(Bound::Short, docker.version()).await.map_err(unreachable)?;
    let runtimes: BTreeMap<String, _> = info.runtimes.clone().unwrap_or_default().into_iter().collect();
    let facts = EngineFacts {
        version: version.version.unwrap_or_default(),
        api_version: version.api_version.unwrap_or_default(),
        cpus: info.ncpu.map_or(1, |n| n.max(1) as u64),
        runtimes: runtimes.into_keys().collect(),
        default_runtime: info.default_runtime.unwrap_or_default(),
        cgroup_version: info.cgroup_version.map(|v| v.to_string()).unwrap_or_default(),
    };
    Ok((docker, facts))
}

/// Checks that `image` is on the engine; E0451 names it when it is not.
pub async fn image_present(docker: &Docker, image: &str) -> Result<ImageFacts, SandboxError> {
    match bounded(Bound::Short, docker.inspect_image(image)).await {
        Ok(inspect) => Ok(ImageFacts {
            id: inspect.id.unwrap_or_default(),
            user: inspect.config.and_then(|c| c.user).unwrap_or_default(),
        }),
        Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => {
            Err(errors::image_missing(image))
        }
        Err(e) => Err(errors::engine_error(&format!("inspecting the image `{image}`"), &e.to_string())),
    }
}

/// What the image declares that the container spec needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageFacts {
    /// The image id.
    pub id: String,
    /// The image's default user (`""` means root).
    pub user: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;

    #[test]
    fn config_host_wins_over_docker_host() {
        let a = address(Some("tcp://10.0.0.1:2375"), Some("unix:///x.sock"));
        assert_eq!(a.address, "tcp://10.0.0.1:2375");
        assert_eq!(a.from, "config docker.host");
        let b = address(None, Some("unix:///x.sock"));
        assert_eq!((b.address.as_str(), b.from), ("unix:///x.sock", "DOCKER_HOST"));
        let c = address(Some(""), None);
        assert_eq!((c.address.as_str(), c.from), (DEFAULT_SOCKET, "default"));
    }

    #[test]
    fn a_missing_socket_is_e0450_naming_the_path() {
        let addr = address(Some("unix:///nonexistent/docker.sock"), None);
        let err = connect(&addr).err().map(|e| (e.code, e.message));
        assert_eq!(
            err,
            Some((
                codes::ENGINE_UNREACHABLE,
                "no Docker engine is reachable at `unix:///nonexistent/docker.sock`".to_string()
            ))
        );
        let bad = address(Some("ftp://x"), None);
        assert_eq!(connect(&bad).err().map(|e| e.code), Some(codes::ENGINE_UNREACHABLE));
    }
}
