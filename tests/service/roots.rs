//! What `symbi up` serves and with which configuration: one folder's `config.toml` under the
//! trust rule of `symbi run`, and `--exclude` through the walker of `symbi check`.

use super::harness::Up;
use crate::support::symbi_bin;
use nix::sys::signal::Signal;
use std::path::Path;
use std::process::Command;

/// An agent that needs no configuration to be served.
const QUIET: &str = "agent Quiet {\n    on trigger \"go\" (payload) {\n        print(payload)\n    }\n}\n";

/// A user's machine: `cwd` (empty, also HOME, so its own trust store) and `served`, a folder
/// holding an agent and a `config.toml` that moves the run database into `served`.
fn machine() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for dir in ["cwd", "served"] {
        std::fs::create_dir(tmp.path().join(dir)).expect("a folder");
    }
    std::fs::write(tmp.path().join("served/quiet.symbi"), QUIET).expect("the agent");
    let config = "[api]\nport = 0\n[storage]\nruns_db = \"from-config.db\"\n";
    std::fs::write(tmp.path().join("served/config.toml"), config).expect("the config");
    tmp
}

fn trust(home: &Path, folder: &Path) {
    let out = Command::new(symbi_bin())
        .arg("trust")
        .arg(folder)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .expect("symbi trust runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Serves `served` from `cwd`, fires its trigger once, stops it; returns its stderr.
fn serve_once(tmp: &Path, extra: &[&str]) -> String {
    let (cwd, served) = (tmp.join("cwd"), tmp.join("served"));
    let served = served.display().to_string();
    let args: Vec<&str> = [served.as_str(), "--port", "0"].into_iter().chain(extra.iter().copied()).collect();
    let up = Up::try_start_in(&cwd, &args, &[]).unwrap_or_else(|e| panic!("symbi up did not serve: {e:?}"));
    let fired = up.post("/api/v1/agents/Quiet/triggers/go", "1");
    assert_eq!(fired.status, 202, "{}", fired.body);
    up.signal(Signal::SIGTERM);
    let (code, stderr) = up.wait_exit();
    assert_eq!(code, Some(0), "{stderr}");
    stderr
}

#[test]
fn one_folder_served_reads_its_config_only_when_trusted() {
    let tmp = machine();
    let (cwd, served) = (tmp.path().join("cwd"), tmp.path().join("served"));

    // Untrusted: passed over with W0501, and the defaults put the runs under ./data.
    let stderr = serve_once(tmp.path(), &[]);
    assert!(stderr.contains("W0501") && stderr.contains("not trusted"), "{stderr}");
    assert!(cwd.join("data/runs.db").is_file(), "{stderr}");
    assert!(!served.join("from-config.db").exists(), "{stderr}");

    // Trusted: read, as `symbi run` reads it beside an agent file.
    trust(&cwd, &served);
    let stderr = serve_once(tmp.path(), &[]);
    assert!(!stderr.contains("W0501"), "{stderr}");
    assert!(served.join("from-config.db").is_file(), "{stderr}");
}

#[test]
fn several_paths_read_no_folders_config_even_when_trusted() {
    let tmp = machine();
    let (cwd, served) = (tmp.path().join("cwd"), tmp.path().join("served"));
    trust(&cwd, &served);
    std::fs::create_dir(tmp.path().join("other")).expect("a folder");
    let other = tmp.path().join("other/other.symbi");
    std::fs::write(&other, QUIET.replace("Quiet", "Other")).expect("an agent");
    serve_once(tmp.path(), &[&other.display().to_string()]);
    assert!(cwd.join("data/runs.db").is_file());
    assert!(!served.join("from-config.db").exists());
}

#[test]
fn exclude_leaves_files_out_like_check() {
    let tmp = machine();
    let served = tmp.path().join("served");
    std::fs::create_dir(served.join("drafts")).expect("a folder");
    std::fs::write(served.join("drafts/broken.symbi"), "agent Broken {").expect("a broken agent");
    let args = [served.display().to_string(), "--port".into(), "0".into()];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Without --exclude the broken draft is checked: nothing is served.
    let refused = Up::try_start_in(&tmp.path().join("cwd"), &args, &[]).err();
    assert_eq!(refused.as_ref().map(|r| r.0), Some(Some(1)), "{refused:?}");
    assert!(refused.is_some_and(|r| r.1.contains("broken.symbi")));

    let args: Vec<&str> = args.iter().copied().chain(["--exclude", "drafts/"]).collect();
    let up = Up::try_start_in(&tmp.path().join("cwd"), &args, &[]).unwrap_or_else(|e| panic!("{e:?}"));
    let agents = up.get("/api/v1/agents").json();
    let names: Vec<&str> =
        agents["agents"].as_array().into_iter().flatten().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ["Quiet"]);
    let reload = up.post("/api/v1/reload", "");
    assert_eq!((reload.status, reload.json()["agents"].clone()), (200, 1.into()), "{}", reload.body);
}

#[test]
fn a_bad_exclude_pattern_is_a_usage_error() {
    let tmp = machine();
    let served = tmp.path().join("served").display().to_string();
    let refused =
        Up::try_start_in(&tmp.path().join("cwd"), &[&served, "--exclude", "a[", "--port", "0"], &[]).err();
    assert_eq!(refused.as_ref().map(|r| r.0), Some(Some(2)), "{refused:?}");
    assert!(refused.is_some_and(|r| r.1.contains("--exclude")));
}
