//! Probes, once per build, what the test suite needs from the host (a Docker engine,
//! gVisor registered with it, Neovim, Emacs) and tells the tests through `cfg`s, so that a
//! test this host cannot run is reported by the test harness as *ignored, with the reason*
//! rather than as passed (CONTRIBUTING.md, "Tests that need the host").
//!
//! Under `CI=true` every prerequisite is declared present: there a missing one must fail
//! its tests, not hide them. The probe is not rerun when the host changes (only when `CI`,
//! `PATH`, `DOCKER_HOST` or this file does), so after installing an engine `touch build.rs` probes again;
//! the tests' own runtime check still guards against one that went away.
//!
//! It also asks the linker for packed relative relocations (`DT_RELR`) in the `symbi`
//! binary: a position-independent executable of this size carries some 25,000 of them, and
//! the dynamic loader reads and applies every one at each start (docs/performance.md,
//! "Running"). GNU ld before 2.38 ignores the request with a warning.

use std::process::{Command, Stdio};

/// A `cfg` this script may set, and the probe that sets it.
type Probe = (&'static str, fn() -> bool);

/// Every probe, in the order they run.
const PROBES: [Probe; 4] = [
    ("symbi_docker", docker_answers),
    ("symbi_gvisor", gvisor_registered),
    ("symbi_nvim", || on_path("nvim")),
    ("symbi_emacs", || on_path("emacs")),
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=DOCKER_HOST");
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|env| env == "gnu")
    {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    for (cfg, probe) in PROBES {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if ci || probe() {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}

fn docker_info(format: &str) -> Option<String> {
    let out = Command::new("docker")
        .args(["info", "--format", format])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn docker_answers() -> bool {
    docker_info("{{.ServerVersion}}").is_some()
}

fn gvisor_registered() -> bool {
    docker_info("{{json .Runtimes}}").is_some_and(|r| r.contains("\"runsc\""))
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}
