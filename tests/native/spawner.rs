//! The spawner (`sandbox::native::spawner`) forks every namespaced call's init for
//! `symbi run`: attacks on the chain of deaths through it, and on what it holds.

use super::supervisor::{ESCAPEES, Run, sleepers, unique_seconds};
use crate::support::procs::alive;
use crate::support::{wait_at_most, within};
use std::path::PathBuf;
use std::time::Duration;

/// Whether `symbi run` starts a spawner here: as root (no namespaces otherwise), unless the
/// suite runs without one (`SYMBI_TEST_NO_SPAWNER`).
fn spawned() -> bool {
    nix::unistd::geteuid().is_root() && std::env::var_os("SYMBI_TEST_NO_SPAWNER").is_none()
}

/// The children of `pid`'s main thread (the spawner is forked from it).
fn children(pid: i32) -> Vec<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// What each of `pid`'s descriptors points at.
fn descriptors(pid: i32) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return Vec::new() };
    entries.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok()).collect()
}

/// The spawner of a `symbi run` with a call running: symbi's child that has a child (the
/// call's init).
fn spawner_of(symbi: i32) -> Option<i32> {
    children(symbi).into_iter().find(|spawner| !children(*spawner).is_empty())
}

#[test]
fn the_spawner_holds_none_of_symbis_descriptors_and_dies_with_symbi() {
    if !spawned() {
        return;
    }
    let seconds = unique_seconds();
    let run = Run::new("", &format!("    execute_native(\"sh -c \x27exec sleep {seconds}\x27\")"));
    let mut symbi = run.spawn(&[], &[]);
    let pid = symbi.id() as i32;
    assert!(
        within(Duration::from_secs(20), || !sleepers(&seconds).is_empty()).is_some(),
        "the call never started"
    );
    let spawner = spawner_of(pid).expect("the call's init is a child of symbi's spawner");
    // symbi's stdout and stderr are the test's pipes: a spawner holding them would keep a
    // reader of symbi's output waiting after symbi exited.
    let symbi_streams: Vec<PathBuf> =
        descriptors(pid).into_iter().filter(|l| l.to_string_lossy().starts_with("pipe:")).collect();
    assert!(!symbi_streams.is_empty());
    let held = descriptors(spawner);
    for stream in &symbi_streams {
        assert!(!held.contains(stream), "the spawner holds symbi's {stream:?}: {held:?}");
    }
    assert!(
        held.iter().filter(|l| l.as_path() == std::path::Path::new("/dev/null")).count() >= 3,
        "{held:?}"
    );
    // The kernel's chain: symbi's death kills the spawner, whose death kills the init.
    assert_eq!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL),
        Ok(())
    );
    let _ = symbi.wait();
    assert!(within(Duration::from_secs(1), || !alive(spawner)).is_some(), "the spawner outlived symbi");
    assert!(
        within(Duration::from_secs(1), || sleepers(&seconds).is_empty()).is_some(),
        "the call outlived symbi"
    );
}

#[test]
fn kill_9_of_the_spawner_ends_every_call_and_symbi_says_so() {
    if !spawned() {
        return;
    }
    let seconds = unique_seconds();
    let body = format!("    execute_native(\"sh -c \x27sh s.sh {seconds}; exec sleep {seconds}\x27\")");
    let run = Run::new(ESCAPEES, &body);
    let mut symbi = run.spawn(&[], &[]);
    let pid = symbi.id() as i32;
    // The call's escapees run, and its program goes on.
    assert!(
        within(Duration::from_secs(20), || sleepers(&seconds).len() >= 6).is_some(),
        "the calls never started"
    );
    let spawner = spawner_of(pid).expect("a spawner");
    assert_eq!(
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(spawner), nix::sys::signal::Signal::SIGKILL),
        Ok(())
    );
    assert!(
        within(Duration::from_secs(1), || sleepers(&seconds).is_empty()).is_some(),
        "survivors of the spawner's death: {:?}",
        sleepers(&seconds)
    );
    // symbi is not left waiting: the call ends killed, and the trigger fails.
    let status = wait_at_most(&mut symbi, Duration::from_secs(20));
    let mut err = String::new();
    let _ = std::io::Read::read_to_string(&mut symbi.stderr.take().expect("stderr"), &mut err);
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("SIGKILL"), "the call's end is not said:\n{err}");
}
