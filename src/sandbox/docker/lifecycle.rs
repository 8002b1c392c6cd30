//! One container's life: create, attach before start, start, wait under the deadline,
//! kill on timeout or output cap, inspect, remove.
//!
//! Attaching before starting matters: a container that prints and exits in a millisecond
//! would otherwise finish before anyone reads its output. Removal is owned by a
//! [`ContainerGuard`] from the moment the container exists, so an error or a dropped future
//! removes it too.
//!
//! The attach stream is read until the end, even after a kill: the engine writes a
//! container's output into it and blocks while nobody reads, and a blocked engine answers
//! neither the kill nor anything else about that container. So a kill is sent from a task
//! of its own while the loop keeps draining (and discarding past the cap), and every
//! request has a deadline ([`Bound`]).

use super::capture::Capture;
use super::engine::{Bound, bounded};
use super::errors;
use super::guard::ContainerGuard;
use super::kernel_oom::kernel_reported_oom;
use crate::sandbox::{Limits, OutputSink, Stream};
use bollard::Docker;
use bollard::container::LogOutput;
use bollard::errors::Error as DockerError;
use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    AttachContainerOptionsBuilder, CreateContainerOptionsBuilder, InspectContainerOptions,
    KillContainerOptionsBuilder, StartContainerOptions, WaitContainerOptions,
};
use futures_util::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// How long output may keep arriving after the container exited or was killed.
const DRAIN_GRACE: Duration = Duration::from_secs(5);

/// What happened to the container.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Kept stdout.
    pub stdout: String,
    /// Kept stderr.
    pub stderr: String,
    /// stdout bytes were dropped.
    pub stdout_truncated: bool,
    /// stderr bytes were dropped.
    pub stderr_truncated: bool,
    /// The engine's exit status (`128 + n` when signal `n` ended the process).
    pub status: Option<i64>,
    /// symbi killed it at the deadline.
    pub timed_out: bool,
    /// symbi killed it at the output cap.
    pub killed_at_cap: bool,
    /// The kernel's OOM killer ended it.
    pub oom_killed: bool,
    /// Wall time from create to the end of output.
    pub duration: Duration,
}

/// What a call needs besides the create body.
pub struct RunParams<'a> {
    /// The engine.
    pub docker: &'a Docker,
    /// The image, for error messages.
    pub image: &'a str,
    /// The OCI runtime, for error messages (`None`: the engine's default).
    pub runtime: Option<&'a str>,
    /// Bytes for stdin.
    pub stdin: Option<Vec<u8>>,
    /// The limits (timeout, output cap).
    pub limits: &'a Limits,
    /// The live sink.
    pub sink: Option<Arc<dyn OutputSink>>,
}

/// Runs one container to its end and removes it.
pub async fn run(
    params: RunParams<'_>,
    body: ContainerCreateBody,
) -> Result<Outcome, crate::sandbox::SandboxError> {
    let started = Instant::now();
    let docker = params.docker;
    let name = unique_name();
    let create_opts = CreateContainerOptionsBuilder::new().name(&name).build();
    let created = bounded(Bound::Setup, docker.create_container(Some(create_opts), body))
        .await
        .map_err(|e| create_error(&e, params.image, params.runtime))?;
    let guard = ContainerGuard::new(docker.clone(), created.id);
    let id = guard.id().to_string();

    let attach_opts = AttachContainerOptionsBuilder::new()
        .stdout(true)
        .stderr(true)
        .stdin(params.stdin.is_some())
        .stream(true)
        .build();
    let attached = bounded(Bound::Short, docker.attach_container(&id, Some(attach_opts)))
        .await
        .map_err(|e| errors::engine_error("attaching to the container", &e.to_string()))?;
    let mut output = attached.output;
    bounded(Bound::Setup, docker.start_container(&id, None::<StartContainerOptions>))
        .await
        .map_err(|e| start_error(&e, params.runtime))?;

    // stdin is written concurrently: a child that prints before reading must not deadlock.
    let mut input = attached.input;
    let stdin_task = params.stdin.map(|bytes| {
        tokio::spawn(async move {
            let _ = input.write_all(&bytes).await;
            let _ = input.shutdown().await;
        })
    });

    let mut capture = Capture::new(params.limits.max_output_bytes, params.sink);
    let mut wait = docker.wait_container(&id, None::<WaitContainerOptions>);
    let mut outcome = Outcome::default();
    let mut exited = false;
    let mut output_done = false;
    let mut killed = false;
    let sleep = tokio::time::sleep(params.limits.timeout);
    tokio::pin!(sleep);
    while !(exited && output_done) {
        tokio::select! {
            chunk = output.next(), if !output_done => match chunk {
                Some(Ok(LogOutput::StdOut { message })) | Some(Ok(LogOutput::Console { message })) => {
                    if capture.push(Stream::Stdout, &message) && !killed {
                        outcome.killed_at_cap = true;
                        kill(docker, &id, sleep.as_mut());
                        killed = true;
                    }
                }
                Some(Ok(LogOutput::StdErr { message })) => {
                    if capture.push(Stream::Stderr, &message) && !killed {
                        outcome.killed_at_cap = true;
                        kill(docker, &id, sleep.as_mut());
                        killed = true;
                    }
                }
                Some(Ok(LogOutput::StdIn { .. })) => {}
                Some(Err(_)) | None => output_done = true,
            },
            status = wait.next(), if !exited => {
                exited = true;
                outcome.status = match status {
                    Some(Ok(resp)) => Some(resp.status_code),
                    Some(Err(DockerError::DockerContainerWaitError { code, .. })) => Some(code),
                    Some(Err(e)) => return Err(errors::engine_error("waiting for the container", &e.to_string())),
                    None => None,
                };
                if !killed {
                    sleep.as_mut().reset(tokio::time::Instant::now() + DRAIN_GRACE);
                }
            },
            () = &mut sleep => {
                if killed || exited {
                    break; // The grace after a kill or an exit is over: stop reading.
                }
                outcome.timed_out = true;
                kill(docker, &id, sleep.as_mut());
                killed = true;
            }
        }
    }
    if let Some(task) = stdin_task {
        task.abort();
    }
    drop(output);

    inspect_state(docker, &id, &mut outcome, killed).await;
    guard.remove().await.or_else(|e| match e {
        DockerError::DockerResponseServerError { status_code: 404, .. } => Ok(()),
        e => Err(errors::engine_error("removing the container", &e.to_string())),
    })?;
    let (stdout, stderr, out_t, err_t) = capture.finish();
    outcome.stdout = stdout;
    outcome.stderr = stderr;
    outcome.stdout_truncated = out_t;
    outcome.stderr_truncated = err_t;
    outcome.duration = started.elapsed();
    Ok(outcome)
}

/// How many times an unexplained SIGKILL is inspected, 100 ms apart, before the kernel's
/// log is asked and, failing that, it is reported as a kill from outside.
const INSPECT_ATTEMPTS: u32 = 10;

/// Reads the OOM flag (and the status, if `wait` gave none). The engine may record the
/// OOM event a moment after the exit, notably under gVisor, so a SIGKILL that symbi did not
/// send is looked at a few more times before it is called something else.
async fn inspect_state(docker: &Docker, id: &str, outcome: &mut Outcome, killed: bool) {
    for attempt in 0..INSPECT_ATTEMPTS {
        let request = docker.inspect_container(id, None::<InspectContainerOptions>);
        let Ok(inspect) = bounded(Bound::Short, request).await else { return };
        let state = inspect.state.unwrap_or_default();
        outcome.oom_killed = state.oom_killed.unwrap_or(false);
        if outcome.status.is_none() {
            outcome.status = state.exit_code;
        }
        let unexplained_kill = outcome.status == Some(128 + 9) && !killed && !outcome.oom_killed;
        if !unexplained_kill {
            return;
        }
        // The engine's shim can miss the OOM event altogether (see kernel_oom).
        if kernel_reported_oom(id) == Some(true) {
            outcome.oom_killed = true;
            return;
        }
        if attempt + 1 == INSPECT_ATTEMPTS {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends SIGKILL from a task of its own (the caller goes on draining the output, which
/// the engine needs to answer) and starts the drain grace. An already-stopped container
/// (409) is fine; a kill that fails or times out is made good by the forced removal.
fn kill(docker: &Docker, id: &str, sleep: std::pin::Pin<&mut tokio::time::Sleep>) {
    let opts = KillContainerOptionsBuilder::new().signal("SIGKILL").build();
    let (docker, id) = (docker.clone(), id.to_string());
    tokio::spawn(async move {
        let _ = bounded(Bound::Short, docker.kill_container(&id, Some(opts))).await;
    });
    sleep.reset(tokio::time::Instant::now() + DRAIN_GRACE);
}

/// A name unique across processes and calls: `symbi-<pid>-<n>`.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("symbi-{}-{n}-{nanos:x}", std::process::id())
}

/// Create errors users can fix get their own codes: a missing image, an unknown runtime.
fn create_error(e: &DockerError, image: &str, runtime: Option<&str>) -> crate::sandbox::SandboxError {
    if let DockerError::DockerResponseServerError { status_code, message } = e {
        let lower = message.to_ascii_lowercase();
        if *status_code == 404 && lower.contains("image") {
            return errors::image_missing(image);
        }
        if let Some(rt) = runtime.filter(|_| lower.contains("runtime")) {
            return errors::runtime_missing(rt, &[]);
        }
    }
    errors::engine_error("creating the container", &e.to_string())
}

/// A start failure under a non-default runtime is that runtime's failure.
fn start_error(e: &DockerError, runtime: Option<&str>) -> crate::sandbox::SandboxError {
    match runtime {
        Some(rt) => errors::runtime_failed(rt, &e.to_string()),
        None => errors::engine_error("starting the container", &e.to_string()),
    }
}
