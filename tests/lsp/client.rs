//! A minimal LSP client: spawns `symbi lsp`, frames JSON-RPC with Content-Length headers,
//! and waits (with generous timeouts that only catch hangs) for answers and notifications.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// Long enough for a loaded machine, short enough to fail a hung test.
pub const HANG: Duration = Duration::from_secs(30);

/// A server started in a fresh workspace folder (plain `initialize`) with one document open.
pub struct Workspace {
    /// The server.
    pub client: Client,
    /// The open document.
    pub uri: String,
    /// The workspace folder, removed when dropped.
    pub dir: tempfile::TempDir,
}

impl Workspace {
    /// Opens `text` as the file `name`; returns the workspace and the diagnostics published
    /// for the document.
    pub fn open(name: &str, text: &str) -> (Workspace, Value) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut client = Client::spawn(dir.path());
        client.initialize(dir.path(), json!({}), Value::Null);
        let uri = file_uri(&dir.path().join(name));
        client.open(&uri, text);
        let published = client.diagnostics_for(&uri);
        (Workspace { client, uri, dir }, published)
    }
}

/// A running `symbi lsp` and the messages it sent that nobody has consumed yet.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    /// Starts the server in `dir` (its working directory).
    pub fn spawn(dir: &std::path::Path) -> Client {
        Client::spawn_with(dir, &[])
    }

    /// [`Client::spawn`] with extra environment variables (a HOME of the test's own).
    pub fn spawn_with(dir: &std::path::Path, env: &[(&str, &std::path::Path)]) -> Client {
        let mut child = Command::new(crate::support::symbi_bin())
            .arg("lsp")
            .current_dir(dir)
            .envs(env.iter().copied())
            .env_remove("SYMBIONT_CONFIG")
            .env_remove("SYMBIONT_ENV")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("symbi lsp starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let stdin = child.stdin.take();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Client { child, stdin, incoming, pending: Vec::new(), next_id: 1 }
    }

    /// Writes raw bytes (for malformed-message tests).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to server");
        stdin.flush().expect("flush");
    }

    /// Writes one framed message.
    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{}", body.len(), body);
        self.send_raw(framed.as_bytes());
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response object (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// Sends a request and returns its `result`, failing on an error answer.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The next message matching `want`, earlier unmatched ones kept for later.
    pub fn wait_for(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&want) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + HANG;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(m) => self.pending.push(m),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no matching message within {HANG:?}; got {:?}", self.pending)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed its output; got {:?}", self.pending)
                }
            }
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    pub fn diagnostics_for(&mut self, uri: &str) -> Value {
        let uri = uri.to_string();
        self.wait_for(move |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
        })["params"]
            .clone()
    }

    /// `initialize` + `initialized` with the given client capabilities and options.
    pub fn initialize(&mut self, root: &std::path::Path, capabilities: Value, options: Value) -> Value {
        let root_uri = file_uri(root);
        let result = self.call(
            "initialize",
            json!({
                "processId": null,
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": root_uri, "name": "ws"}],
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// Opens a document.
    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "symbi", "version": 1, "text": text}}),
        );
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "shutdown failed: {r}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Waits for the process to end.
    pub fn wait_exit(mut self) -> ExitStatus {
        drop(self.stdin.take());
        let deadline = Instant::now() + HANG;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Client {
    /// The server's process id (for memory figures).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `file://` URI for a path.
pub fn file_uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
