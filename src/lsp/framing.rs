//! A guard in front of the protocol library: malformed messages are answered here and
//! never reach it.
//!
//! `tower-lsp-server` reads with a `tokio_util` framed reader, which ends the input
//! stream after the first decoding error; one bad message from a client would make the
//! server stop reading. So stdin is framed here first: well-formed JSON-RPC messages are
//! passed through unchanged, anything else is answered with a JSON-RPC error (parse error
//! or invalid request) and skipped. Output frames from the library and these error answers
//! are interleaved whole, never mid-frame.

use serde_json::{Value, json};
use std::str::FromStr;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The biggest body accepted; a larger length is treated as garbage (and resynchronised).
const MAX_BODY: usize = 512 * 1024 * 1024;
const HEADER_END: &[u8] = b"\r\n\r\n";

/// One unit read from the client.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A well-formed message, re-framed for the library.
    Message(Vec<u8>),
    /// A malformed one: the error answer to send back.
    Reject(Vec<u8>),
}

/// The longest run of bytes without a header end kept while waiting for one; past it, all
/// but the last [`KEEP_TAIL`] bytes are dropped (and answered once), so junk cannot grow
/// the buffer without bound.
const MAX_HEADER: usize = 1024 * 1024;
/// What is kept of junk that is dropped: enough for the start of a header split across reads.
const KEEP_TAIL: usize = 1024;
const LENGTH_NAME: &[u8] = b"Content-Length";

/// Splits a byte stream into frames.
///
/// Every search resumes where the last one stopped and consumed bytes are dropped in
/// batches, so the work is linear in the bytes read however the junk and the reads fall.
#[derive(Debug, Default)]
pub struct Deframer {
    buffer: Vec<u8>,
    /// Bytes before this offset are consumed.
    start: usize,
    /// No header end begins in `start..header_from`: the next search resumes there.
    header_from: usize,
    /// No `Content-Length` begins in `start + 1..name_from`.
    name_from: usize,
    /// The header found at `start`: where it ends and the length it gives, while the body
    /// is still arriving.
    pending: Option<(usize, Option<usize>)>,
}

impl Deframer {
    /// Adds bytes read from the client.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            // Dropping the consumed prefix costs the bytes kept; doing it only once they are
            // no more than those consumed keeps it linear overall.
            let start = self.start;
            self.buffer.drain(..start);
            self.start = 0;
            self.header_from = self.header_from.saturating_sub(start);
            self.name_from = self.name_from.saturating_sub(start);
            self.pending = self.pending.map(|(end, length)| (end - start, length));
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete frame, if the buffer holds one.
    pub fn next_frame(&mut self) -> Option<Frame> {
        let (header_end, length) = match self.pending {
            Some(found) => found,
            None => {
                let Some(header_end) = self.find_header_end() else {
                    return self.drop_long_junk();
                };
                let found = (header_end, content_length(&self.buffer[self.start..header_end]));
                self.pending = Some(found);
                found
            }
        };
        let body_start = header_end + HEADER_END.len();
        let Some(length) = length.filter(|&n| n <= MAX_BODY) else {
            // No usable header: skip to the next thing that looks like one.
            let skip = self.find_length_name().unwrap_or(body_start);
            self.consume_to(skip);
            return Some(Frame::Reject(error_answer(
                Value::Null,
                -32700,
                "Parse error: no Content-Length header",
            )));
        };
        if self.buffer.len() < body_start + length {
            return None;
        }
        let body = self.buffer[body_start..body_start + length].to_vec();
        self.consume_to(body_start + length);
        Some(classify(body))
    }

    /// The offset of the next header end, searching only bytes not searched before.
    fn find_header_end(&mut self) -> Option<usize> {
        let from = self.header_from.max(self.start);
        if let Some(i) = find(&self.buffer[from..], HEADER_END) {
            self.header_from = from + i;
            return Some(from + i);
        }
        // A header end may begin in the last three bytes and finish with the next read.
        self.header_from = self.buffer.len().saturating_sub(HEADER_END.len() - 1).max(self.start);
        None
    }

    /// The offset of the next `Content-Length` after the first byte, searching only bytes
    /// not searched before.
    fn find_length_name(&mut self) -> Option<usize> {
        let from = self.name_from.max(self.start + 1).min(self.buffer.len());
        if let Some(i) = find(&self.buffer[from..], LENGTH_NAME) {
            self.name_from = from + i;
            return Some(from + i);
        }
        self.name_from = self.buffer.len().saturating_sub(LENGTH_NAME.len() - 1).max(from);
        None
    }

    /// Junk longer than [`MAX_HEADER`] without a header end is dropped, but for its last
    /// bytes, and answered once; shorter junk waits for more bytes.
    fn drop_long_junk(&mut self) -> Option<Frame> {
        if self.buffer.len() - self.start <= MAX_HEADER {
            return None;
        }
        self.consume_to(self.buffer.len() - KEEP_TAIL);
        Some(Frame::Reject(error_answer(
            Value::Null,
            -32700,
            "Parse error: no message header in the last 1 MiB; those bytes were dropped",
        )))
    }

    /// Marks everything before `offset` as read.
    fn consume_to(&mut self, offset: usize) {
        self.start = offset.min(self.buffer.len());
        self.pending = None;
    }
}

/// A message the library can decode, or the error answer for one it cannot.
fn classify(body: Vec<u8>) -> Frame {
    let Ok(text) = std::str::from_utf8(&body) else {
        return Frame::Reject(error_answer(Value::Null, -32700, "Parse error: the message is not UTF-8"));
    };
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Frame::Reject(error_answer(Value::Null, -32700, "Parse error: the message is not JSON"));
    };
    if let Ok(request) = Request::from_str(text) {
        // The library drops every `$/` message it does not implement, requests with an id
        // too, which would leave the client waiting for an answer; LSP wants MethodNotFound.
        if let Some(id) = request.id()
            && request.method().starts_with("$/")
        {
            let id = serde_json::to_value(id).unwrap_or(Value::Null);
            let message = format!("Method not found: {}", request.method());
            return Frame::Reject(error_answer(id, -32601, &message));
        }
        return Frame::Message(frame(&body));
    }
    if Response::from_str(text).is_ok() {
        return Frame::Message(frame(&body));
    }
    // Answer with the request's id when it has a usable one, as JSON-RPC asks.
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    Frame::Reject(error_answer(
        id,
        -32600,
        "Invalid request: not a JSON-RPC 2.0 request, notification or response",
    ))
}

fn error_answer(id: Value, code: i64, message: &str) -> Vec<u8> {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string();
    frame(body.as_bytes())
}

/// `body` with its `Content-Length` header.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn content_length(header: &[u8]) -> Option<usize> {
    let header = String::from_utf8_lossy(header);
    header.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim().eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads the client's stream: messages go to `to_server`, error answers to `answers`.
/// Returns when the client closes its side (dropping `to_server` ends the library's input).
pub async fn pump_input(
    mut from_client: impl AsyncRead + Unpin,
    mut to_server: impl AsyncWrite + Unpin,
    answers: UnboundedSender<Vec<u8>>,
) {
    let mut deframer = Deframer::default();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        match from_client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => deframer.push(&chunk[..n]),
        }
        while let Some(frame) = deframer.next_frame() {
            match frame {
                Frame::Message(bytes) => {
                    if to_server.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                Frame::Reject(bytes) => {
                    if answers.send(bytes).is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// Writes the library's output frames and the error answers to the client, each whole.
/// Returns when the library closes its output (after `exit`, or at the end of input).
pub async fn pump_output(
    mut from_server: impl AsyncRead + Unpin,
    mut to_client: impl AsyncWrite + Unpin,
    mut answers: UnboundedReceiver<Vec<u8>>,
) {
    let mut deframer = Deframer::default();
    let mut chunk = vec![0; 64 * 1024];
    let mut answers_open = true;
    loop {
        tokio::select! {
            read = from_server.read(&mut chunk) => {
                let n = match read { Ok(0) | Err(_) => break, Ok(n) => n };
                deframer.push(&chunk[..n]);
                while let Some(Frame::Message(bytes) | Frame::Reject(bytes)) = deframer.next_frame() {
                    if to_client.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
            }
            answer = answers.recv(), if answers_open => match answer {
                Some(bytes) => {
                    if to_client.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                None => answers_open = false,
            },
        }
        if to_client.flush().await.is_err() {
            return;
        }
    }
    while let Ok(bytes) = answers.try_recv() {
        let _ = to_client.write_all(&bytes).await;
    }
    let _ = to_client.flush().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut d = Deframer::default();
        d.push(input);
        std::iter::from_fn(|| d.next_frame()).collect()
    }

    fn answer_code(frame: &Frame) -> Option<i64> {
        let Frame::Reject(bytes) = frame else { return None };
        let text = String::from_utf8_lossy(bytes);
        let body = text.split("\r\n\r\n").nth(1)?;
        serde_json::from_str::<Value>(body).ok()?["error"]["code"].as_i64()
    }

    #[test]
    fn good_messages_pass_and_bad_ones_are_answered() {
        let good = frame(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#);
        let mut input = b"Content-Length: 9\r\n\r\n{not json".to_vec();
        input.extend(frame(br#"{"hello":"world"}"#));
        input.extend(&good);
        let out = frames(&input);
        assert_eq!(out.len(), 3);
        assert_eq!(answer_code(&out[0]), Some(-32700));
        assert_eq!(answer_code(&out[1]), Some(-32600));
        assert_eq!(out[2], Frame::Message(good));
    }

    #[test]
    fn a_header_without_length_resynchronises_on_the_next_message() {
        let good = frame(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        let mut input = b"Content-Type: x\r\n\r\ngarbage".to_vec();
        input.extend(&good);
        let out = frames(&input);
        assert_eq!(answer_code(&out[0]), Some(-32700));
        assert_eq!(out.last(), Some(&Frame::Message(good)));
    }

    #[test]
    fn partial_input_waits_for_the_rest() {
        let good = frame(br#"{"jsonrpc":"2.0","method":"exit"}"#);
        let mut d = Deframer::default();
        d.push(&good[..good.len() - 3]);
        assert_eq!(d.next_frame(), None);
        d.push(&good[good.len() - 3..]);
        assert_eq!(d.next_frame(), Some(Frame::Message(good)));
    }
}
