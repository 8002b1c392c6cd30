//! Building requests and checking for leftovers.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use symbi::sandbox::native::NativeSandbox;
use symbi::sandbox::{ExecRequest, ExecResult, Limits, Program, Sandbox, SandboxError};

/// The variable that marks a test's processes.
pub const MARK: &str = "SYMBI_TEST_MARK";

/// A unique name for this test (marker value and directory name).
pub fn unique(tag: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{tag}-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A fresh working directory under /tmp.
pub fn workdir(tag: &str) -> PathBuf {
    PathBuf::from("/tmp/symbi-native-tests").join(unique(tag))
}

/// A request for `argv` with generous limits, a fresh working directory, a marker, and an
/// allowlist of the programs the tests use.
pub fn request(argv: &[&str]) -> ExecRequest {
    let mark = unique("mark");
    ExecRequest {
        program: Program::Argv(argv.iter().map(|s| s.to_string()).collect()),
        env: BTreeMap::from([(MARK.to_string(), mark)]),
        stdin: None,
        working_dir: workdir("wd"),
        limits: Limits { timeout: Duration::from_secs(20), ..Limits::default() },
        allowed_executables: [
            "bash", "sh", "python3", "yes", "head", "cat", "dd", "env", "ls", "true", "sleep",
        ]
        .map(String::from)
        .to_vec(),
        network: false,
        local_filesystem: true,
        sink: None,
    }
}

/// The marker of a request.
pub fn mark_of(request: &ExecRequest) -> String {
    request.env.get(MARK).cloned().unwrap_or_default()
}

/// Test-only: when set, every test of this suite runs on a hardened runner, so the hostile
/// process tests prove that hardening keeps their containment (`.ci/run` runs both ways).
pub const HARDEN_ALL: &str = "SYMBI_TEST_HARDEN_ALL";

/// The runner of these tests: the default one, hardened under [`HARDEN_ALL`]. Its
/// namespaced calls go through a spawner, as `symbi run`'s do (unless
/// `SYMBI_TEST_NO_SPAWNER` is set: then they are forked from the test process).
pub fn runner() -> NativeSandbox {
    symbi::sandbox::native::start_spawner(0);
    let runner = NativeSandbox::new();
    if std::env::var_os(HARDEN_ALL).is_some() { runner.hardened(Default::default()) } else { runner }
}

/// Runs `request` on the default native runner.
pub async fn run(request: ExecRequest) -> Result<ExecResult, SandboxError> {
    runner().execute(request).await
}

/// Runs `request` unhardened whatever [`HARDEN_ALL`] says: a control proving that an attack
/// whose plant lies outside the working directory is real.
pub async fn control_ok(request: ExecRequest) -> ExecResult {
    NativeSandbox::new().execute(request).await.unwrap_or_else(|e| panic!("the control was refused: {e:?}"))
}

/// Runs `request` and fails the test on a refusal.
pub async fn run_ok(request: ExecRequest) -> ExecResult {
    match run(request).await {
        Ok(result) => result,
        Err(e) => panic!("the call was refused: {e} {:?}", e.notes),
    }
}

/// Live processes (not zombies) whose environment carries `mark`.
pub fn marked_processes(mark: &str) -> Vec<i32> {
    let needle = format!("{MARK}={mark}");
    crate::support::procs::live_where(|pid| {
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        environ.split(|b| *b == 0).any(|var| var == needle.as_bytes())
    })
}

/// Asserts that no process of `mark` is left.
pub fn assert_nothing_left(mark: &str) {
    let left = marked_processes(mark);
    assert!(left.is_empty(), "processes left behind: {left:?}");
}

/// Asserts that no process of `mark` is left within `within` (teardown after a dropped
/// future happens off the cancelled task).
pub async fn assert_gone_within(mark: &str, within: Duration) {
    let start = Instant::now();
    while !marked_processes(mark).is_empty() && start.elapsed() < within {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_nothing_left(mark);
}
