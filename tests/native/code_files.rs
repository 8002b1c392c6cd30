//! `execute_code` stages its program in a file: the name cannot be guessed in advance, and
//! what a symbi killed with SIGKILL left behind is removed by the next symbi's code call.

use super::support::{MARK, assert_gone_within, marked_processes, unique};
use crate::support::{root, symbi_bin};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `symbi run` of a one-trigger agent whose body is `body`, with `tmp/tmpdir` as its
/// temporary directory.
fn symbi(tmp: &Path, body: &str) -> Command {
    let file = tmp.join(format!("{}.symbi", unique("agent")));
    let text =
        format!("agent Code {{\n  security {{ tier: None }}\n  on trigger \"t\" {{\n    {body}\n  }}\n}}\n");
    std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(symbi_bin());
    cmd.arg("run").arg(&file).arg("--native").current_dir(root());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_")) {
        cmd.env_remove(k);
    }
    cmd.env("NO_COLOR", "1")
        .env("TMPDIR", tmp.join("tmpdir"))
        .env("SYMBIONT_NATIVE_WORKING_DIR", tmp.join("work"))
        .env("XDG_STATE_HOME", tmp.join("state"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// The code directories in `dir` whose name carries `pid`.
fn code_dirs_of(dir: &Path, pid: u32) -> Vec<PathBuf> {
    let prefix = format!("symbi-code-{pid}-");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_killed_symbis_code_file_is_unguessable_and_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let tmpdir = tmp.path().join("tmpdir");
    std::fs::create_dir_all(&tmpdir).unwrap_or_else(|e| panic!("{e}"));
    let mark = unique("code");
    let body = format!("execute_code(\"sleep 60\", interpreter: \"bash\", env: {{ {MARK}: \"{mark}\" }})");
    let mut first = symbi(tmp.path(), &body).spawn().unwrap_or_else(|e| panic!("{e}"));
    let pid = first.id();

    // Wait until the program runs (its file staged), then kill symbi outright.
    let started = Instant::now();
    while marked_processes(&mark).is_empty() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!marked_processes(&mark).is_empty(), "the code call never started");
    let left = code_dirs_of(&tmpdir, pid);
    assert_eq!(left.len(), 1, "{left:?}");
    // `symbi-code-<pid>-<16 hex digits of randomness>`: not a counter anyone can predict.
    let name = left[0].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let random = name.rsplit('-').next().unwrap_or("");
    assert!(random.len() == 16 && random.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
    let _ = first.kill();
    let _ = first.wait();
    for child in marked_processes(&mark) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child), nix::sys::signal::Signal::SIGKILL);
    }
    assert_gone_within(&mark, Duration::from_secs(5)).await;
    assert!(left[0].exists(), "SIGKILL gave symbi no chance to clean up, yet the file is gone");

    // The next symbi's first code call removes what the dead one left.
    let status = symbi(tmp.path(), "execute_code(\"true\", interpreter: \"bash\")")
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    assert!(!left[0].exists(), "the dead symbi's code directory is still there");
    assert_eq!(std::fs::read_dir(&tmpdir).map(|d| d.count()).unwrap_or(99), 0, "a code directory remains");
}
