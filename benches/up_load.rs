//! Load figures of `symbi up`, side by side in one run (docs/performance.md):
//!
//! 1. the native runner alone: `CLIENTS` concurrent executions of `/bin/true` for
//!    `SECONDS`, executions per second;
//! 2. the service: `CLIENTS` client threads, each on a keep-alive connection, posting a
//!    trigger whose handler runs `true` natively and following the run's events to its end
//!    before posting the next (so `CLIENTS` runs are in flight at once, the runner's
//!    concurrency) for `SECONDS`; time to the 202 (p50, p99), finished runs per second
//!    until the last one ended, and accepted = recorded = finished (the last two counted in
//!    the SQLite file itself, after the service has drained and exited);
//! 3. 100 agent files: time from spawning `symbi up` to a 200 from `/api/v1/health/ready`,
//!    and the resident memory once idle.
//!
//! `cargo bench --bench up_load` (env: SYMBI_LOAD_SECONDS, default 10; SYMBI_LOAD_CLIENTS,
//! default 64). With `SYMBI_LOAD_PIN=1` the runner alone and the service (with every
//! process of its runs) run on CPU 0 and the load's client threads on CPU 1, so the
//! service's figures are not paid for by its own load generator sharing its cores.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use symbi::sandbox::native::NativeSandbox;
use symbi::sandbox::{ExecRequest, Limits, Program, Sandbox};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let seconds = env_or("SYMBI_LOAD_SECONDS", 10);
    let clients = env_or("SYMBI_LOAD_CLIENTS", 64) as usize;
    let pin = std::env::var_os("SYMBI_LOAD_PIN").is_some();
    if pin {
        // Threads and processes started from here on inherit it.
        pin_this_thread(0);
        println!("pinned: the runner and the service on CPU 0, the clients on CPU 1");
    }
    // The runner alone forks its inits from a spawner, as the service does.
    symbi::sandbox::native::start_spawner(0);
    let runner = runner_alone(clients, seconds);
    println!("native runner alone: {clients} concurrent, {runner:.1} executions/s");
    let service = service_load(clients, seconds, pin);
    println!(
        "service: {} accepted, {} recorded, {} finished, {} refused; {:.1} runs/s ({:.0}% of the runner \
         alone); 202 p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        service.accepted,
        service.recorded,
        service.finished,
        service.refused,
        service.runs_per_second,
        100.0 * service.runs_per_second / runner,
        service.p50_ms,
        service.p99_ms,
        service.max_ms,
    );
    let (ready_ms, rss_mb) = hundred_files();
    println!("100 agent files: ready after {ready_ms:.1} ms, idle RSS {rss_mb:.1} MB");
}

fn true_request() -> ExecRequest {
    ExecRequest {
        program: Program::Argv(vec!["/bin/true".into()]),
        env: Default::default(),
        stdin: None,
        working_dir: "/tmp/symbi-native-bench".into(),
        limits: Limits::default(),
        allowed_executables: vec!["/bin/true".into()],
        network: true,
        local_filesystem: false,
        sink: None,
    }
}

/// Pins the calling thread (and what it starts later) to one CPU.
fn pin_this_thread(cpu: usize) {
    let mut set = nix::sched::CpuSet::new();
    set.set(cpu).expect("a CPU number within the set");
    nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), &set).expect("CPU affinity");
}

/// Executions per second of the runner with `clients` executions always in flight.
fn runner_alone(clients: usize, seconds: u64) -> f64 {
    let _ = std::fs::create_dir_all("/tmp/symbi-native-bench");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let sandbox = Arc::new(NativeSandbox::new());
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    rt.block_on(async {
        let tasks: Vec<_> = (0..clients)
            .map(|_| {
                let (sandbox, done) = (sandbox.clone(), done.clone());
                tokio::spawn(async move {
                    while Instant::now() < deadline {
                        if sandbox.execute(true_request()).await.is_ok_and(|r| r.success) {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        futures_util::future::join_all(tasks).await;
    });
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

struct ServiceFigures {
    accepted: u64,
    recorded: u64,
    finished: u64,
    refused: u64,
    runs_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

const AGENT: &str = r#"agent Load {
    security { tier: None capabilities: ["network"] }
    on trigger "go" {
        execute_native("true")
    }
}
"#;

/// The service's configuration; the audit log is outside the folder the commands run in
/// (symbi refuses a log an agent's commands could rewrite).
fn config(dir: &Path, clients: usize) -> String {
    let _ = std::fs::create_dir_all(dir.join("work"));
    format!(
        "[security]\nallow_native_execution = true\n[native_execution]\nallowed_executables = [\"true\"]\n\
         working_directory = \"{dir}/work\"\n\
         [api]\nport = 0\nmax_concurrent_runs = {clients}\nmax_queued_runs = {clients}\n\
         [storage]\naudit_log = \"{dir}/audit.jsonl\"\nkeep_runs = 10000000\n",
        dir = dir.display()
    )
}

fn start(dir: &Path) -> (Child, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_symbi"))
        .args(["up", ".", "--config", "config.toml"])
        .current_dir(dir)
        .env_remove("SYMBIONT_API_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("symbi up starts");
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
    let port = line.trim().rsplit(':').next().and_then(|p| p.parse().ok()).expect("listening on ...");
    (child, port)
}

/// One keep-alive connection: sends a request, reads one response; returns the status.
struct Client {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn new(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let _ = stream.set_nodelay(true);
        let reader = BufReader::new(stream.try_clone().expect("clone"));
        Client { stream, reader }
    }

    fn call(&mut self, method: &str, path: &str) -> (u16, String) {
        let request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        self.stream.write_all(request.as_bytes()).expect("send");
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).expect("status");
        let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let (mut length, mut chunked) = (0usize, false);
        loop {
            let mut header = String::new();
            self.reader.read_line(&mut header).expect("header");
            if header == "\r\n" || header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("transfer-encoding")
            {
                chunked = value.contains("chunked");
            }
        }
        let body = if chunked { self.chunks() } else { self.exactly(length) };
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn exactly(&mut self, length: usize) -> Vec<u8> {
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("body");
        body
    }

    /// A chunked body, to its last chunk (an event stream ends there).
    fn chunks(&mut self) -> Vec<u8> {
        let mut body = Vec::new();
        loop {
            let mut size = String::new();
            self.reader.read_line(&mut size).expect("chunk size");
            let n = usize::from_str_radix(size.trim(), 16).expect("a chunk size");
            let chunk = self.exactly(n + 2);
            if n == 0 {
                return body;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
}

fn service_load(clients: usize, seconds: u64, pin: bool) -> ServiceFigures {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("load.symbi"), AGENT).expect("agent");
    std::fs::write(dir.path().join("config.toml"), config(dir.path(), clients)).expect("config");
    let (mut child, port) = start(dir.path());
    if pin {
        // The service keeps CPU 0; the client threads spawned below get CPU 1.
        pin_this_thread(1);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (stop, refused) = (stop.clone(), refused.clone());
            std::thread::spawn(move || {
                let mut client = Client::new(port);
                let mut latencies = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let sent = Instant::now();
                    let (status, body) = client.call("POST", "/api/v1/agents/Load/triggers/go");
                    if status != 202 {
                        refused.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                    let id = serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["run_id"].as_str().map(String::from));
                    // Follows the run's events to its end: the client's next run starts after.
                    let id = id.expect("a 202 carries a run id");
                    client.call("GET", &format!("/api/v1/runs/{id}/events"));
                }
                latencies
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut latencies: Vec<f64> = threads.into_iter().flat_map(|t| t.join().unwrap_or_default()).collect();
    // Every client has seen its last run end.
    let elapsed = started.elapsed().as_secs_f64();
    let accepted = latencies.len() as u64;
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = child.wait();
    let db = rusqlite::Connection::open(dir.path().join("data/runs.db")).expect("the run database");
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap_or(-1) as u64;
    let recorded = count("SELECT COUNT(*) FROM runs");
    let finished = count("SELECT COUNT(*) FROM runs WHERE status = 'succeeded'");
    if finished < recorded {
        let why: Option<String> =
            db.query_row("SELECT error FROM runs WHERE status != 'succeeded' LIMIT 1", [], |r| r.get(0)).ok();
        eprintln!("runs that did not succeed, the first one's error: {why:?}");
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    ServiceFigures {
        accepted,
        recorded,
        finished,
        refused: refused.load(Ordering::Relaxed),
        runs_per_second: finished as f64 / elapsed,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: latencies.last().copied().unwrap_or(0.0),
    }
}

/// Milliseconds from spawn to ready, and idle RSS in MB, with 100 agent files.
fn hundred_files() -> (f64, f64) {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..100 {
        let text = AGENT.replace("agent Load", &format!("agent Load{i}"));
        std::fs::write(dir.path().join(format!("agent{i:03}.symbi")), text).expect("agent");
    }
    std::fs::write(dir.path().join("config.toml"), config(dir.path(), 16)).expect("config");
    let spawned = Instant::now();
    let (mut child, port) = start(dir.path());
    let ready_ms = loop {
        let mut client = Client::new(port);
        if client.call("GET", "/api/v1/health/ready").0 == 200 {
            break spawned.elapsed().as_secs_f64() * 1000.0;
        }
    };
    std::thread::sleep(Duration::from_secs(1));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let rss_kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    let _ = child.kill();
    let _ = child.wait();
    (ready_ms, rss_kb / 1024.0)
}
