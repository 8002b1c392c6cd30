//! Capturing a child's stdout and stderr.
//!
//! Both streams are read at once (one task polling both), so a child blocked writing one
//! of them can never deadlock the other. Bytes are kept in buffers that grow as output arrives (no
//! up-front allocation of the cap) and forwarded to the live sink as they are read. Past
//! `max_output_bytes` a stream is still drained, so the child never blocks on a full pipe,
//! but the excess is dropped and counted, and the call is told to end the process tree.

use crate::sandbox::{OutputSink, Stream};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::Notify;

/// What one stream produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    /// The kept bytes (at most the cap).
    pub bytes: Vec<u8>,
    /// Bytes read past the cap and dropped.
    pub dropped: u64,
}

impl Captured {
    /// The kept bytes as text; invalid UTF-8 becomes U+FFFD.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// The capture state of one stream, shared with its reader task so that what was read
/// survives the task being aborted.
pub type Shared = Arc<Mutex<Captured>>;

/// Reads `reader` to its end into `into`, keeping at most `cap` bytes, forwarding kept
/// bytes to `sink`, and notifying `overflow` when the first byte is dropped.
pub async fn drain<R: AsyncRead + Unpin>(
    mut reader: R,
    stream: Stream,
    cap: u64,
    sink: Option<Arc<dyn OutputSink>>,
    into: Shared,
    overflow: Arc<Notify>,
) {
    // Read into spare capacity: zeroing 64 KiB per stream was most of a call's instructions.
    let mut chunk = Vec::with_capacity(64 * 1024);
    loop {
        chunk.clear();
        let n = match reader.read_buf(&mut chunk).await {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return,
        };
        let (kept, first_drop) = {
            let mut captured = into.lock().unwrap_or_else(PoisonError::into_inner);
            let room = cap.saturating_sub(captured.bytes.len() as u64);
            let kept = (n as u64).min(room) as usize;
            captured.bytes.extend_from_slice(&chunk[..kept]);
            let was_clean = captured.dropped == 0;
            captured.dropped += (n - kept) as u64;
            (kept, was_clean && captured.dropped > 0)
        };
        if kept > 0
            && let Some(sink) = &sink
        {
            sink.chunk(stream, &chunk[..kept]);
        }
        if first_drop {
            overflow.notify_one();
        }
    }
}

/// Where a call's two streams go.
pub struct Streams {
    /// Bytes kept per stream.
    pub cap: u64,
    /// The live sink, if any.
    pub sink: Option<Arc<dyn OutputSink>>,
    /// stdout's capture.
    pub out: Shared,
    /// stderr's capture.
    pub err: Shared,
    /// Told when either stream first drops a byte.
    pub overflow: Arc<Notify>,
}

impl Streams {
    /// Reads both pipes to their ends in one future (one task instead of one per stream).
    pub async fn drain<O: AsyncRead + Unpin, E: AsyncRead + Unpin>(
        self,
        stdout: Option<O>,
        stderr: Option<E>,
    ) {
        let Streams { cap, sink, out, err, overflow } = self;
        let out = async {
            if let Some(stdout) = stdout {
                drain(stdout, Stream::Stdout, cap, sink.clone(), out, overflow.clone()).await;
            }
        };
        let err = async {
            if let Some(stderr) = stderr {
                drain(stderr, Stream::Stderr, cap, sink.clone(), err, overflow.clone()).await;
            }
        };
        tokio::join!(out, err);
    }
}

/// Takes the captured state out of `shared`.
pub fn take(shared: &Shared) -> Captured {
    std::mem::take(&mut *shared.lock().unwrap_or_else(PoisonError::into_inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8], cap: u64) -> (Captured, bool) {
        let shared = Shared::default();
        let overflow = Arc::new(Notify::new());
        drain(input, Stream::Stdout, cap, None, shared.clone(), overflow.clone()).await;
        let notified =
            tokio::time::timeout(std::time::Duration::from_millis(10), overflow.notified()).await.is_ok();
        (take(&shared), notified)
    }

    #[tokio::test]
    async fn exactly_the_cap_is_not_a_drop() {
        let (c, notified) = run(&[b'x'; 100], 100).await;
        assert_eq!((c.bytes.len(), c.dropped, notified), (100, 0, false));
    }

    #[tokio::test]
    async fn one_byte_over_the_cap_is_dropped_and_notified() {
        let (c, notified) = run(&[b'x'; 101], 100).await;
        assert_eq!((c.bytes.len(), c.dropped, notified), (100, 1, true));
    }

    #[tokio::test]
    async fn invalid_utf8_becomes_replacement_characters() {
        let (c, _) = run(b"ok\xff\xfe", 100).await;
        assert_eq!(c.text(), "ok\u{fffd}\u{fffd}");
    }
}
