//! The guarantee that no container outlives its call.
//!
//! A [`ContainerGuard`] is created the moment the engine hands out a container id. The
//! normal path removes the container itself and disarms the guard; on any other path
//! (an error, a panic, the caller dropping the future on Ctrl-C) `Drop` removes it before
//! returning. Removal is forced (it kills a running container) and bounded, so it never
//! waits on a kill's answer nor on a wedged engine for long; what it cannot remove, the
//! watchdog or the next start's sweep of dead owners does (see [`super::owner`]).

use super::engine::{Bound, bounded};
use bollard::Docker;
use bollard::query_parameters::RemoveContainerOptionsBuilder;

/// Owns one container until it is removed.
pub struct ContainerGuard {
    docker: Docker,
    id: String,
    armed: bool,
}

impl ContainerGuard {
    /// Guards the container `id`.
    pub fn new(docker: Docker, id: String) -> Self {
        ContainerGuard { docker, id, armed: true }
    }

    /// The container's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Removes the container now (forced, with its anonymous volumes) and disarms the guard.
    pub async fn remove(mut self) -> Result<(), bollard::errors::Error> {
        let result = remove(&self.docker, &self.id).await;
        // Disarm even on error: a 404 means it is gone, and any other error is reported
        // to the caller rather than retried blindly from `Drop`.
        self.armed = !matches!(
            &result,
            Ok(()) | Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. })
        );
        result
    }
}

/// Force-removes `id` together with its anonymous volumes, within a short deadline.
pub async fn remove(docker: &Docker, id: &str) -> Result<(), bollard::errors::Error> {
    let opts = RemoveContainerOptionsBuilder::new().force(true).v(true).build();
    bounded(Bound::Short, docker.remove_container(id, Some(opts))).await
}

impl Drop for ContainerGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let docker = self.docker.clone();
        let id = std::mem::take(&mut self.id);
        // Removal finishes before `drop` returns: a task spawned on the caller's runtime
        // could be lost when the process exits right after Ctrl-C. The removal runs on a
        // thread with its own small runtime, so this works inside or outside a runtime.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                let _ = rt.block_on(remove(&docker, &id));
            }
        })
        .join();
    }
}
