//! E0454: the engine fails in the middle of a call. A fake engine on a Unix socket answers
//! the handshake, the image check and the create like a real one, then drops the
//! connection when asked to attach, as an engine that crashes would. The call must fail
//! with E0454 naming the step, and the container it created must be removed. A wedged
//! engine, which holds the attach request open unanswered, must fail the call the same way
//! within the request deadline.

use super::harness::{self, request, run_err};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use symbi::sandbox::docker::DockerSandbox;

/// The id the fake engine gives the one container it creates.
const FAKE_ID: &str = "0123456789abcdef";

/// The request lines (`POST /v1.41/containers/create?name=...`) the fake engine received.
type Log = Arc<Mutex<Vec<String>>>;

/// Serves one connection: HTTP/1.1 requests with keep-alive, until the peer closes or a
/// request asks to attach, which closes the connection unanswered (`wedged`: holds it open
/// unanswered, as an engine that hangs does).
fn serve(stream: UnixStream, log: &Log, wedged: bool) {
    let Ok(write_half) = stream.try_clone() else { return };
    let mut writer = write_half;
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end().to_string();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        if let Ok(mut l) = log.lock() {
            l.push(line.clone());
        }
        let path = line.split_whitespace().nth(1).unwrap_or("");
        let (status, json) = if path.contains("/attach") {
            if wedged {
                std::thread::sleep(Duration::from_secs(600));
            }
            return; // The engine goes away mid-call.
        } else if path.ends_with("/version") {
            ("200 OK", r#"{"Version":"fake","ApiVersion":"1.41","MinAPIVersion":"1.12"}"#.to_string())
        } else if path.ends_with("/info") {
            (
                "200 OK",
                r#"{"NCPU":2,"Runtimes":{"runc":{"path":"runc"}},"DefaultRuntime":"runc"}"#.to_string(),
            )
        } else if path.contains("/images/") {
            ("200 OK", r#"{"Id":"sha256:fake","Config":{"User":""}}"#.to_string())
        } else if path.contains("/containers/create") {
            ("201 Created", format!(r#"{{"Id":"{FAKE_ID}","Warnings":[]}}"#))
        } else if line.starts_with("DELETE") {
            ("204 No Content", String::new())
        } else {
            ("404 Not Found", r#"{"message":"not faked"}"#.to_string())
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            json.len()
        );
        if writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(json.as_bytes())).is_err() {
            return;
        }
    }
}

/// Starts the fake engine on `socket`; it serves connections on threads of its own, so it
/// keeps answering while the caller blocks (the container guard removes synchronously).
fn fake_engine(socket: &std::path::Path, wedged: bool) -> Log {
    let listener = UnixListener::bind(socket).unwrap_or_else(|e| panic!("bind {}: {e}", socket.display()));
    let log: Log = Arc::default();
    let shared = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = shared.clone();
            std::thread::spawn(move || serve(stream, &log, wedged));
        }
    });
    log
}

#[tokio::test]
async fn an_engine_failing_mid_call_is_e0454_and_the_container_is_removed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let socket = dir.path().join("engine.sock");
    let log = fake_engine(&socket, false);
    let mut cfg = harness::config();
    cfg.docker.host = Some(format!("unix://{}", socket.display()));
    let sb = DockerSandbox::tier1(&cfg, None).unwrap_or_else(|e| panic!("{e}"));

    let err = run_err(&sb, request(&["echo", "hi"])).await;
    assert_eq!(err.code, "E0454", "{err} {:?}", err.notes);
    assert!(err.message.contains("attaching to the container"), "{err}");
    assert!(err.notes.iter().any(|n| n.starts_with("the engine said:")), "{:?}", err.notes);

    let requests = log.lock().map(|l| l.clone()).unwrap_or_default();
    let created = requests.iter().any(|r| r.starts_with("POST") && r.contains("/containers/create"));
    assert!(created, "the call got as far as creating a container: {requests:?}");
    let removed =
        requests.iter().any(|r| r.starts_with("DELETE") && r.contains(&format!("/containers/{FAKE_ID}")));
    assert!(removed, "the created container is removed before the error is returned: {requests:?}");
    assert!(!requests.iter().any(|r| r.contains("/start")), "nothing started: {requests:?}");
}

// Every engine request has a deadline: an engine that never answers one cannot hold a call
// (and `--timeout`) for the hour bollard's own timeout used to allow.
#[tokio::test]
async fn a_wedged_engine_fails_the_call_within_the_request_deadline() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let socket = dir.path().join("engine.sock");
    let log = fake_engine(&socket, true);
    let mut cfg = harness::config();
    cfg.docker.host = Some(format!("unix://{}", socket.display()));
    let sb = DockerSandbox::tier1(&cfg, None).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let call = symbi::sandbox::Sandbox::execute(&sb, request(&["echo", "hi"]));
    let err = match tokio::time::timeout(Duration::from_secs(60), call).await {
        Ok(Err(e)) => e,
        Ok(Ok(r)) => panic!("the wedged engine ran it: {r:?}"),
        Err(_) => panic!("the call still waits on the wedged engine after 60 s"),
    };
    assert_eq!(err.code, "E0454", "{err} {:?}", err.notes);
    assert!(err.message.contains("attaching to the container"), "{err}");
    assert!(started.elapsed() >= Duration::from_secs(15), "gave up early: {:?}", started.elapsed());
    let requests = log.lock().map(|l| l.clone()).unwrap_or_default();
    let removed =
        requests.iter().any(|r| r.starts_with("DELETE") && r.contains(&format!("/containers/{FAKE_ID}")));
    assert!(removed, "the created container is removed: {requests:?}");
}
