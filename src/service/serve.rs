//! Serving until told to stop: the listener, the signals (SIGTERM/SIGINT drain, SIGHUP
//! reloads), `--watch`, and the orderly end.

use super::state::Service;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

/// How often `--watch` looks at the files.
const WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// The signals the service handles, installed before it announces its address, so a
/// SIGHUP or SIGTERM right after `listening on` is handled rather than fatal.
pub struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    /// Installs the handlers (inside the runtime).
    pub fn install() -> std::io::Result<Signals> {
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            hup: signal(SignalKind::hangup())?,
        })
    }
}

/// Serves `service` on `listener` until SIGTERM or SIGINT, then drains and returns.
/// `announce` runs once the service is ready, so whoever reads its `listening on` line can
/// fire at once: readiness never lags the announcement.
pub async fn serve(
    service: Arc<Service>,
    listener: tokio::net::TcpListener,
    watch: bool,
    signals: Signals,
    announce: impl FnOnce(),
) -> std::io::Result<()> {
    let Signals { mut term, mut int, mut hup } = signals;
    let stop = Arc::new(tokio::sync::Notify::new());
    let app = super::routes::router(service.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let stopped = stop.clone();
    // No Nagle: an event stream's small writes (each event, the closing chunk) go out at
    // once instead of waiting for the client's delayed ACK of the one before.
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
        let _ = stream.set_nodelay(true);
    });
    let server = tokio::spawn(async move {
        axum::serve(listener, app).with_graceful_shutdown(async move { stopped.notified().await }).await
    });
    if watch {
        let watched = service.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(WATCH_INTERVAL).await;
                if watched.is_draining() {
                    return;
                }
                let (catalog, roots) = (watched.catalog(), watched.roots.clone());
                let changed = tokio::task::spawn_blocking(move || catalog.changed_on_disk(&roots)).await;
                if changed.unwrap_or(false) {
                    watched.reload().await;
                }
            }
        });
    }
    service.schedule_all();
    service.set_ready();
    announce();
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => {
                super::log::info("SIGHUP: reloading");
                service.reload().await;
            }
        }
    }
    super::log::info("stopping: new runs are refused; waiting for runs in flight");
    // A second signal during the drain cancels the runs at once instead of waiting.
    let hurried = service.clone();
    let second = tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
        super::log::warn("second signal: cancelling every run now");
        for run in hurried.live_runs() {
            run.cancel.cancel(libc::SIGTERM);
        }
    });
    service.drain().await;
    second.abort();
    stop.notify_one();
    // Open event streams and keep-alive connections get a moment to finish, not forever.
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    super::log::info("stopped");
    Ok(())
}
