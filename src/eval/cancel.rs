//! Cancellation of a run by SIGINT/SIGTERM, visible both to the synchronous tree walker
//! (an atomic it polls between statements) and to the futures it waits on (a watch channel).

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use tokio::sync::watch;

/// A cloneable cancellation flag carrying the signal number that set it.
#[derive(Clone, Debug)]
pub struct Cancel {
    signal: Arc<AtomicI32>,
    tx: Arc<watch::Sender<i32>>,
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel::new()
    }
}

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Self {
        let (tx, _rx) = watch::channel(0);
        Cancel { signal: Arc::new(AtomicI32::new(0)), tx: Arc::new(tx) }
    }

    /// Sets the flag (the first signal wins).
    pub fn cancel(&self, signal: i32) {
        if self.signal.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            self.tx.send_replace(signal);
        }
    }

    /// The signal, once set.
    pub fn signal(&self) -> Option<i32> {
        match self.signal.load(Ordering::Relaxed) {
            0 => None,
            sig => Some(sig),
        }
    }

    /// Completes with the signal number once the flag is set.
    pub async fn cancelled(&self) -> i32 {
        let mut rx = self.tx.subscribe();
        // The guard is dropped before any other await, so the future is `Send` (the service
        // waits on it from spawned tasks).
        let signal = rx.wait_for(|sig| *sig != 0).await.map(|sig| *sig);
        match signal {
            Ok(sig) => sig,
            // The sender lives as long as `self`, so this cannot happen; wait forever.
            Err(_) => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_signal_wins_and_wakes_waiters() {
        let cancel = Cancel::new();
        assert_eq!(cancel.signal(), None);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
        let Ok(rt) = rt else { return };
        let waiter = cancel.clone();
        cancel.cancel(2);
        cancel.cancel(15);
        assert_eq!(rt.block_on(waiter.cancelled()), 2);
        assert_eq!(cancel.signal(), Some(2));
    }
}
