//! The framing guard in front of the protocol library (`src/lsp/framing.rs`): junk costs
//! time in proportion to its size, and a `$/` request with an id is answered.

use super::client::{Client, file_uri};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use symbi::lsp::framing::{Deframer, Frame, frame};

/// Far beyond what these take when each byte is looked at a bounded number of times.
const BOUND: Duration = Duration::from_secs(30);

fn error_code(frame: &Frame) -> Option<i64> {
    let Frame::Reject(bytes) = frame else { return None };
    let text = String::from_utf8_lossy(bytes);
    let body = text.split("\r\n\r\n").nth(1)?;
    serde_json::from_str::<Value>(body).ok()?["error"]["code"].as_i64()
}

/// Feeds `input` in reads of 64 KiB, as the server does, and returns every frame.
fn deframe(input: &[u8]) -> (Vec<Frame>, Duration) {
    let started = Instant::now();
    let mut d = Deframer::default();
    let mut out = Vec::new();
    for chunk in input.chunks(64 * 1024) {
        d.push(chunk);
        out.extend(std::iter::from_fn(|| d.next_frame()));
    }
    (out, started.elapsed())
}

#[test]
fn a_large_junk_prefix_is_read_in_bounded_time_and_the_message_after_it_passes() {
    let good = frame(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#);
    // 32 MiB without a header end: each read used to rescan everything before it.
    let mut input = b"x\r\n".repeat(32 * 1024 * 1024 / 3);
    input.extend(b"\r\n\r\n");
    input.extend(&good);
    let (out, took) = deframe(&input);
    assert!(took < BOUND, "32 MiB of junk took {took:?}");
    assert_eq!(out.last(), Some(&Frame::Message(good)), "the message after the junk passes");
    assert!(
        out[..out.len() - 1].iter().all(|f| error_code(f) == Some(-32700)),
        "junk is answered as a parse error"
    );

    // Many empty headers: each skip used to search the whole rest for a `Content-Length`.
    let mut input = b"\r\n\r\n".repeat(200_000);
    let good = frame(br#"{"jsonrpc":"2.0","method":"exit"}"#);
    input.extend(&good);
    let (out, took) = deframe(&input);
    assert!(took < BOUND, "200,000 empty headers took {took:?}");
    assert_eq!(out.last(), Some(&Frame::Message(good)));
}

#[test]
fn a_dollar_request_with_an_id_gets_method_not_found_and_a_notification_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), json!({}), Value::Null);
    let answer = client.request("$/symbi/unknown", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "method not found: {answer}");
    client.send(&json!({"jsonrpc": "2.0", "id": "s-1", "method": "$/foo"}));
    let answer = client.wait_for(|m| m.get("id") == Some(&json!("s-1")));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    // A `$/` notification is ignored, as LSP asks; the server goes on serving.
    client.notify("$/setTrace", json!({"value": "off"}));
    client.notify("$/foo", json!({}));
    let uri = file_uri(&dir.path().join("a.symbi"));
    client.open(&uri, "agent A {}\n");
    assert!(client.diagnostics_for(&uri)["diagnostics"].is_array());
    // Junk without a header, larger than a header may be, then a request: it is answered.
    client.send_raw(&b"junk ".repeat(600_000));
    let started = Instant::now();
    let hover = client.request("shutdown", Value::Null);
    assert!(hover.get("error").is_none(), "{hover}");
    assert!(started.elapsed() < BOUND);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}
