//! The watchdog: a small process that removes symbi's containers when symbi dies.
//!
//! A `kill -9` runs no code in symbi, so no guard can remove the container of the call in
//! flight. When a container tier is first used, symbi starts `symbi __container-watchdog`
//! (once per process) with the read end of a pipe as its stdin and keeps the write end,
//! which nobody ever writes. The kernel closes it when symbi exits, however it exits; the
//! watchdog then sees end-of-file, removes every container labelled with symbi's pid and
//! start time (twice, a second apart, for a create that was in flight), and exits. It is in
//! a process group of its own, so the Ctrl-C that ends symbi does not end it too.
//!
//! Cost: one idle process per symbi process that used a container tier (10 MiB resident
//! measured with a debug build, no CPU while it waits) and one list request when symbi
//! exits.

#![allow(unsafe_code, reason = "ignores signals in the watchdog; setting a disposition is unsafe in nix too")]

use super::engine::{self, Bound, EngineAddress};
use super::owner::{self, Owner};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

/// The hidden subcommand that runs the watchdog.
pub const SUBCOMMAND: &str = "__container-watchdog";

/// The write ends of the watchdogs' pipes, held until this process exits (one per engine).
static HELD: Mutex<Vec<(String, std::io::PipeWriter)>> = Mutex::new(Vec::new());

/// The program to start as the watchdog: this executable when it is symbi. (A program that
/// embeds the library names one with `DockerSandbox::set_watchdog_program`.)
pub fn default_program() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let name = exe.file_name()?.to_string_lossy().into_owned();
    name.starts_with("symbi").then_some(exe)
}

/// Starts the watchdog for `engine` once per process; later calls do nothing.
pub fn ensure_started(program: &Path, engine: &EngineAddress, me: &Owner) -> std::io::Result<()> {
    let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
    if held.iter().any(|(address, _)| *address == engine.address) {
        return Ok(());
    }
    // Both ends are close-on-exec: only the watchdog's stdin (a dup) survives its exec.
    let (reader, writer) = std::io::pipe()?;
    Command::new(program)
        .args([SUBCOMMAND, "--engine", &engine.address, "--pid", &me.pid.to_string(), "--start", &me.start])
        .stdin(Stdio::from(reader))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()?;
    held.push((engine.address.clone(), writer));
    Ok(())
}

/// The watchdog's body: waits for end-of-file on stdin, then removes the containers of the
/// owner `pid` started at `start` on the engine at `address`. Returns the exit status.
pub fn run(address: &str, pid: u32, start: &str) -> u8 {
    // Signals meant for symbi's terminal are not for the watchdog: its work starts when
    // symbi is gone.
    for sig in [nix::sys::signal::Signal::SIGINT, nix::sys::signal::Signal::SIGHUP] {
        // SAFETY: setting a signal to be ignored installs no handler code.
        let _ = unsafe { nix::sys::signal::signal(sig, nix::sys::signal::SigHandler::SigIgn) };
    }
    let mut stdin = std::io::stdin();
    let mut buf = [0u8; 64];
    loop {
        match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return 1 };
    let owner = Owner { pid, start: start.to_string(), host: String::new() };
    let addr = EngineAddress { address: address.to_string(), from: "watchdog" };
    rt.block_on(async {
        let Ok(docker) = engine::connect(&addr) else { return 1 };
        let Ok(docker) = engine::bounded(Bound::Short, docker.negotiate_version()).await else { return 1 };
        for pass in 0..2 {
            if pass > 0 {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            owner::remove_owned_by(&docker, &owner).await;
        }
        0
    })
}
