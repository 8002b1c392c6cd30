//! The cost of hardening a native call, and hardened tier None against Tier1.
//!
//! `/bin/true` through the runner unhardened, hardened (Landlock, seccomp, no capabilities),
//! and in a Tier1 container, timed one call at a time and interleaved (unhardened,
//! hardened, unhardened, hardened, ...) so that drift in the machine's load hits both sides
//! alike; medians are compared. Run with `cargo bench --bench hardening`
//! (`SYMBI_BENCH_CALLS` native calls per side, default 400; `SYMBI_BENCH_TIER1_CALLS`
//! container calls, default 15, 0 to skip Tier1). Prints a Markdown table.
//!
//! For CPU figures that load does not blur: `SYMBI_BENCH_ONLY=plain` or `hardened` makes
//! only that side's calls, printing nothing, to be counted by
//! `perf stat -e task-clock,instructions` (which follows the children) on each side.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use symbi::config::Config;
use symbi::sandbox::docker::DockerSandbox;
use symbi::sandbox::native::NativeSandbox;
use symbi::sandbox::{ExecRequest, Limits, Program, Sandbox};

fn request(program: &str) -> ExecRequest {
    ExecRequest {
        program: Program::Argv(vec![program.into()]),
        env: BTreeMap::new(),
        stdin: None,
        working_dir: "/tmp/symbi-native-bench".into(),
        limits: Limits { max_cpu_cores: Some(1.0), ..Limits::default() },
        allowed_executables: vec![program.into()],
        network: false,
        local_filesystem: false,
        sink: None,
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let calls = env_count("SYMBI_BENCH_CALLS", 400);
    let tier1_calls = env_count("SYMBI_BENCH_TIER1_CALLS", 15);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let plain = NativeSandbox::new();
    let hardened = NativeSandbox::new().hardened(Default::default());
    let time = |sandbox: &dyn Sandbox, req: ExecRequest| {
        let t = Instant::now();
        let r = rt.block_on(sandbox.execute(req)).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(r.success, "{r:?}");
        t.elapsed()
    };
    if let Ok(only) = std::env::var("SYMBI_BENCH_ONLY") {
        let sandbox = if only == "hardened" { &hardened } else { &plain };
        for _ in 0..calls {
            time(sandbox, request("/bin/true"));
        }
        return;
    }
    // Warm-up: the first hardened call opens the system paths and compiles the filters.
    time(&plain, request("/bin/true"));
    time(&hardened, request("/bin/true"));
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..calls {
        theirs.push(time(&plain, request("/bin/true")));
        ours.push(time(&hardened, request("/bin/true")));
    }
    let (hardened_median, plain_median) = (median(&mut ours), median(&mut theirs));
    println!("| case | median per call | ratio |");
    println!("|---|---|---|");
    println!("| tier None, unhardened | {:.3} ms | 1 |", plain_median.as_secs_f64() * 1e3);
    println!(
        "| tier None, hardened | {:.3} ms | {:.3} |",
        hardened_median.as_secs_f64() * 1e3,
        hardened_median.as_secs_f64() / plain_median.as_secs_f64()
    );
    if tier1_calls == 0 {
        return;
    }
    let mut cfg = Config::default();
    cfg.docker.image =
        std::env::var("SYMBI_BENCH_IMAGE").unwrap_or_else(|_| "symbi-test-busybox:latest".into());
    let docker = DockerSandbox::tier1(&cfg, std::env::var("DOCKER_HOST").ok().as_deref())
        .unwrap_or_else(|e| panic!("{e:?}"));
    time(&docker, request("true"));
    let (mut container, mut native) = (Vec::new(), Vec::new());
    for _ in 0..tier1_calls {
        container.push(time(&docker, request("true")));
        native.push(time(&hardened, request("/bin/true")));
    }
    let (container_median, native_median) = (median(&mut container), median(&mut native));
    println!(
        "| Tier1 (Docker), same command | {:.1} ms | {:.0} × hardened None ({:.3} ms in the same interleaved run) |",
        container_median.as_secs_f64() * 1e3,
        container_median.as_secs_f64() / native_median.as_secs_f64(),
        native_median.as_secs_f64() * 1e3
    );
}
