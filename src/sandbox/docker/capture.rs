//! Capturing a container's output: per-stream caps, truncation flags, the live sink.
//!
//! The same rules as the native tier: keep at most `max_output_bytes` per stream, drop and
//! count the rest, set the flag only when bytes were really dropped, and hand every kept
//! chunk to the sink as it arrives.

use crate::sandbox::{OutputSink, Stream};
use std::sync::Arc;

/// One stream's kept bytes and how many were dropped.
#[derive(Debug, Default)]
struct Kept {
    bytes: Vec<u8>,
    dropped: u64,
}

/// Both streams of one call.
pub struct Capture {
    cap: u64,
    stdout: Kept,
    stderr: Kept,
    sink: Option<Arc<dyn OutputSink>>,
}

impl Capture {
    /// A capture keeping at most `cap` bytes per stream, forwarding to `sink`.
    pub fn new(cap: u64, sink: Option<Arc<dyn OutputSink>>) -> Self {
        Capture { cap, stdout: Kept::default(), stderr: Kept::default(), sink }
    }

    /// Takes one chunk; returns `true` when bytes were dropped (the call must then end).
    pub fn push(&mut self, stream: Stream, chunk: &[u8]) -> bool {
        let kept = match stream {
            Stream::Stdout => &mut self.stdout,
            Stream::Stderr => &mut self.stderr,
        };
        let room = self.cap.saturating_sub(kept.bytes.len() as u64);
        let take = (chunk.len() as u64).min(room) as usize;
        if take > 0 {
            kept.bytes.extend_from_slice(&chunk[..take]);
            if let Some(sink) = &self.sink {
                sink.chunk(stream, &chunk[..take]);
            }
        }
        let dropped = (chunk.len() - take) as u64;
        kept.dropped += dropped;
        dropped > 0
    }

    /// Whether any stream overflowed.
    pub fn overflowed(&self) -> bool {
        self.stdout.dropped > 0 || self.stderr.dropped > 0
    }

    /// `(stdout, stderr, stdout_truncated, stderr_truncated)`, lossy UTF-8.
    pub fn finish(self) -> (String, String, bool, bool) {
        (
            String::from_utf8_lossy(&self.stdout.bytes).into_owned(),
            String::from_utf8_lossy(&self.stderr.bytes).into_owned(),
            self.stdout.dropped > 0,
            self.stderr.dropped > 0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Recorder(Mutex<Vec<(Stream, Vec<u8>)>>);
    impl OutputSink for Recorder {
        fn chunk(&self, stream: Stream, bytes: &[u8]) {
            if let Ok(mut v) = self.0.lock() {
                v.push((stream, bytes.to_vec()));
            }
        }
    }

    #[test]
    fn keeps_up_to_the_cap_and_flags_only_real_drops() {
        let rec = Arc::new(Recorder(Mutex::new(Vec::new())));
        let mut c = Capture::new(5, Some(rec.clone()));
        assert!(!c.push(Stream::Stdout, b"abc"));
        assert!(!c.push(Stream::Stdout, b"de"));
        assert!(!c.overflowed(), "exactly at the cap is not truncation");
        assert!(c.push(Stream::Stdout, b"f"));
        assert!(!c.push(Stream::Stderr, b"err"));
        let seen = rec.0.lock().map(|v| v.len()).unwrap_or(0);
        assert_eq!(seen, 3, "the dropped chunk never reaches the sink");
        assert_eq!(c.finish(), ("abcde".into(), "err".into(), true, false));
    }
}
