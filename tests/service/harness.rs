//! A `symbi up` process on an ephemeral port of 127.0.0.1, in a folder of its own (agent
//! files, config.toml, the run database under data/), and a small HTTP/1.1 client.

use crate::support::procs::processes_with;
use crate::support::symbi_bin;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The agent most tests serve: a quick trigger, a slow one (its `sleep` carries a marker
/// so a test can find its process), a failing one and one that echoes its input.
pub fn agent(mark: &str) -> String {
    format!(
        r#"agent Hello {{
    security {{ tier: None capabilities: ["network"] }}
    on trigger "go" {{
        print("hi")
        execute_native("echo from-echo")
    }}
    on trigger "slow" {{
        execute_native("sleep {mark}")
    }}
    on trigger "fail" {{
        execute_native("sh -c 'exit 3'")
    }}
    on trigger "echo" (payload) {{
        print(payload)
    }}
}}
"#
    )
}

/// A marker unique to this test process and call: a `sleep` duration of a few hundred
/// seconds whose digits nobody else uses.
pub fn marker() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("300.{}{:04}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// The config most tests use, with extra `[api]` lines.
pub fn config(api: &str) -> String {
    format!(
        "[security]\nallow_native_execution = true\n[native_execution]\n\
         allowed_executables = [\"echo\", \"sleep\", \"sh\", \"true\"]\n[api]\nport = 0\n{api}\n"
    )
}

/// A folder with `agent.symbi` and `config.toml`.
pub fn folder(agent_text: &str, config_text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("agent.symbi"), agent_text).expect("write the agent");
    std::fs::write(dir.path().join("config.toml"), config_text).expect("write the config");
    // The audit log goes to the folder too, not to the user's state directory; commands run
    // in `work/` (beside the agent file they would run in the folder, which holds the log,
    // and symbi refuses a log the agent's commands could rewrite).
    let audit = dir.path().join("audit.jsonl");
    let work = dir.path().join("work");
    std::fs::create_dir(&work).expect("the working directory");
    let workdir_line = format!("working_directory = \"{}\"\n", work.display());
    let config_text = if config_text.contains("[native_execution]\n") {
        config_text.replacen("[native_execution]\n", &format!("[native_execution]\n{workdir_line}"), 1)
    } else {
        format!("{config_text}\n[native_execution]\n{workdir_line}")
    };
    let text = format!("{config_text}\n[storage]\naudit_log = \"{}\"\n", audit.display());
    std::fs::write(dir.path().join("config.toml"), text).expect("write the config");
    dir
}

/// A running `symbi up`.
pub struct Up {
    /// The process.
    pub child: Child,
    /// Its port.
    pub port: u16,
    /// Its folder.
    pub dir: PathBuf,
}

impl Up {
    /// Starts `symbi up .` in `dir` with `extra` arguments and environment.
    pub fn start(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Up {
        Up::try_start(dir, extra, env).unwrap_or_else(|(code, err)| panic!("symbi up exited {code:?}: {err}"))
    }

    /// Starts it, or returns its exit status and stderr when it does not serve.
    pub fn try_start(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Result<Up, (Option<i32>, String)> {
        let args: Vec<&str> = ["."].into_iter().chain(extra.iter().copied()).collect();
        Up::try_start_in(dir, &args, env)
    }

    /// Starts `symbi up ARGS` from the folder `cwd` (HOME is `cwd` too), or returns its exit
    /// status and stderr when it does not serve.
    pub fn try_start_in(
        cwd: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Up, (Option<i32>, String)> {
        let dir = cwd;
        let mut cmd = Command::new(symbi_bin());
        cmd.arg("up").args(args).current_dir(dir);
        for var in [
            "SYMBIONT_CONFIG",
            "SYMBIONT_API_TOKEN",
            "SYMBIONT_API_HOST",
            "SYMBIONT_API_PORT",
            "SYMBIONT_ENV",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("NO_COLOR", "1").env("HOME", dir).env_remove("XDG_CONFIG_HOME");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("symbi up starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let port = first.trim().strip_prefix("listening on http://127.0.0.1:").and_then(|p| p.parse().ok());
        match port {
            Some(port) => Ok(Up { child, port, dir: dir.to_path_buf() }),
            None => {
                let status = child.wait().ok().and_then(|s| s.code());
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                Err((status, format!("first line {first:?}; stderr: {err}")))
            }
        }
    }

    /// Sends a request; returns status, headers (lower-case names) and body.
    pub fn request(&self, method: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> Response {
        request(self.port, method, path, body, headers)
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, "", &[])
    }

    /// `POST path` with a JSON body.
    pub fn post(&self, path: &str, body: &str) -> Response {
        self.request("POST", path, body, &[])
    }

    /// Fires `trigger` of `Hello`; returns the run id.
    pub fn fire(&self, trigger: &str) -> String {
        let r = self.post(&format!("/api/v1/agents/Hello/triggers/{trigger}"), "");
        assert_eq!(r.status, 202, "{}", r.body);
        r.json()["run_id"].as_str().expect("a run id").to_string()
    }

    /// Polls run `id` until its status is one of `wanted` (10 s at most).
    pub fn wait_status(&self, id: &str, wanted: &[&str]) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let run = self.get(&format!("/api/v1/runs/{id}")).json();
            if wanted.iter().any(|w| run["status"] == *w) || Instant::now() > deadline {
                return run;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends `signal` to the process.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), signal);
    }

    /// Waits for the process to exit (20 s at most); its exit code and stderr.
    pub fn wait_exit(mut self) -> (Option<i32>, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let code = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status.code(),
                _ if Instant::now() > deadline => break None,
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        (code, err)
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body (chunked transfer decoded).
    pub body: String,
}

impl Response {
    /// The body as JSON (`null` when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`).
pub fn request(port: u16, method: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

fn parse(raw: &[u8]) -> Response {
    let text = String::from_utf8_lossy(raw);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(rest) } else { rest.to_string() };
    Response { status, headers, body }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].strip_prefix("\r\n").unwrap_or(&after[n..]);
    }
    out
}

/// Waits (up to `limit`) until no process carries `mark`; the ones left.
pub fn gone_within(mark: &str, limit: Duration) -> Vec<i32> {
    crate::support::within(limit, || processes_with(mark).is_empty());
    processes_with(mark)
}

/// Waits (up to 10 s) until a process carries `mark`.
pub fn appears(mark: &str) -> bool {
    crate::support::within(Duration::from_secs(10), || !processes_with(mark).is_empty()).is_some()
}
