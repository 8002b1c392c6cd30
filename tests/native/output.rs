//! Output: the cap, exactness of the truncation flag, binary bytes, the live sink, stdin.

use super::support::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use symbi::sandbox::{OutputSink, Program, Stream};

const MIB: u64 = 1024 * 1024;

#[tokio::test]
async fn yes_under_a_one_mib_cap_keeps_exactly_the_cap_and_is_flagged() {
    let mut req = request(&["yes"]);
    req.limits.max_output_bytes = MIB;
    let mark = mark_of(&req);
    let start = Instant::now();
    let r = run_ok(req).await;
    assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
    assert_eq!(r.stdout.len() as u64, MIB);
    assert!(r.stdout_truncated && !r.stderr_truncated);
    assert!(!r.success && !r.timed_out);
    assert!(r.stdout.starts_with("y\ny\n"));
    assert_nothing_left(&mark);
}

#[tokio::test]
async fn a_flood_on_stderr_is_capped_on_stderr() {
    let mut req = request(&["bash", "-c", "echo out; yes >&2"]);
    req.limits.max_output_bytes = MIB;
    let start = Instant::now();
    let r = run_ok(req).await;
    assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
    assert_eq!((r.stdout.as_str(), r.stderr.len() as u64), ("out\n", MIB));
    assert!(r.stderr_truncated && !r.stdout_truncated);
}

#[tokio::test]
async fn output_of_exactly_the_cap_is_not_flagged() {
    let mut req = request(&["head", "-c", "1048576", "/dev/zero"]);
    req.limits.max_output_bytes = MIB;
    let r = run_ok(req).await;
    assert_eq!(r.stdout.len() as u64, MIB);
    assert!(!r.stdout_truncated);
    assert!(r.success, "{r:?}");
}

#[tokio::test]
async fn binary_output_is_lossy_text_not_a_panic() {
    let req = request(&["bash", "-c", r"printf 'ok\xff\xfe\x00end'"]);
    let r = run_ok(req).await;
    assert_eq!(r.stdout, "ok\u{fffd}\u{fffd}\0end");
    assert!(r.success);
}

#[derive(Default)]
struct Recorder(Mutex<Vec<(Stream, Vec<u8>)>>);

impl OutputSink for Recorder {
    fn chunk(&self, stream: Stream, bytes: &[u8]) {
        if let Ok(mut chunks) = self.0.lock() {
            chunks.push((stream, bytes.to_vec()));
        }
    }
}

#[tokio::test]
async fn the_sink_sees_output_while_the_call_runs() {
    let recorder = Arc::new(Recorder::default());
    let mut req = request(&["bash", "-c", "echo first; sleep 2; echo second >&2"]);
    req.sink = Some(recorder.clone());
    let call = tokio::spawn(run(req));
    let start = Instant::now();
    let seen = || recorder.0.lock().map(|c| c.clone()).unwrap_or_default();
    while seen().is_empty() && start.elapsed() < Duration::from_millis(1800) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!call.is_finished(), "the call ended before its first line was seen");
    assert_eq!(seen(), vec![(Stream::Stdout, b"first\n".to_vec())], "first line not forwarded live");
    let r = call.await.ok().and_then(|r| r.ok()).map(|r| (r.stdout, r.stderr));
    assert_eq!(r, Some(("first\n".to_string(), "second\n".to_string())));
    let all: Vec<_> = recorder.0.lock().map(|c| c.clone()).unwrap_or_default();
    assert_eq!(all.last(), Some(&(Stream::Stderr, b"second\n".to_vec())));
}

#[tokio::test]
async fn stdin_is_dev_null_unless_given() {
    let r = run_ok(request(&["cat"])).await;
    assert_eq!((r.stdout.as_str(), r.success), ("", true));
    let mut req = request(&["cat"]);
    req.stdin = Some(b"fed through stdin".to_vec());
    let r = run_ok(req).await;
    assert_eq!(r.stdout, "fed through stdin");
}

#[tokio::test]
async fn code_runs_from_a_file_not_from_argv() {
    // 1 MiB of program text would not fit one argument (MAX_ARG_STRLEN is 128 KiB).
    let padding = "#".repeat(1024 * 1024);
    let code = format!("{padding}\nimport sys\nprint(6 * 7)\nprint(len(sys.argv), file=sys.stderr)\n");
    let mut req = request(&[]);
    req.program = Program::Code { code, interpreter: "python3 -S".into() };
    let r = run_ok(req).await;
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("42\n", "1\n"));
    assert!(r.success);
}
