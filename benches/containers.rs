//! Per-call wall time of `echo hi` in a container: Tier1 through bollard against
//! `docker run --rm IMAGE echo hi`, and Tier2 against `docker run --rm --runtime=runsc`.
//!
//! Container start-up is dominated by the engine, so calls are timed one by one,
//! interleaved (symbi, CLI, symbi, CLI, ...) so that drift in the machine's load hits both
//! sides alike. Run with `cargo bench --bench containers` (`SYMBI_BENCH_CALLS` sets the
//! number of calls per side, default 15; `SYMBI_BENCH_IMAGE` the image). Needs the engine
//! and the image of `ci/images/build-test-image.sh`; prints a Markdown table.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};
use symbi::config::Config;
use symbi::sandbox::docker::DockerSandbox;
use symbi::sandbox::{ExecRequest, Limits, Program, Sandbox};

fn request() -> ExecRequest {
    ExecRequest {
        program: Program::Argv(vec!["echo".into(), "hi".into()]),
        env: BTreeMap::new(),
        stdin: None,
        working_dir: std::env::temp_dir(),
        limits: Limits { max_cpu_cores: Some(1.0), max_memory_mb: Some(256), ..Limits::default() },
        allowed_executables: vec!["echo".into()],
        network: false,
        local_filesystem: false,
        sink: None,
    }
}

fn cli(image: &str, runtime: Option<&str>) -> Duration {
    let mut cmd = Command::new("docker");
    cmd.args(["run", "--rm"]);
    if let Some(rt) = runtime {
        // runsc needs a network namespace of Docker's making; `none` is what symbi uses too.
        cmd.args(["--runtime", rt, "--network", "none"]);
    }
    cmd.args([image, "echo", "hi"]);
    let t = Instant::now();
    let out = cmd.output();
    let d = t.elapsed();
    match out {
        Ok(o) if o.status.success() && o.stdout == b"hi\n" => d,
        other => panic!("docker run failed: {other:?}"),
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn mean(v: &[Duration]) -> Duration {
    if v.is_empty() { Duration::ZERO } else { v.iter().sum::<Duration>() / v.len() as u32 }
}

fn main() {
    let calls: usize = std::env::var("SYMBI_BENCH_CALLS").ok().and_then(|v| v.parse().ok()).unwrap_or(15);
    let image = std::env::var("SYMBI_BENCH_IMAGE").unwrap_or_else(|_| "symbi-test-busybox:latest".into());
    let mut cfg = Config::default();
    cfg.docker.image = image.clone();
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    };
    println!(
        "| tier | symbi (bollard) median / mean | docker CLI median / mean | ratio (medians) | seed's figure |"
    );
    println!("|---|---|---|---|---|");
    for (name, runtime, seed) in
        [("Tier1 (Docker)", None, "~500 ms"), ("Tier2 (gVisor)", Some("runsc"), "~800 ms")]
    {
        let sb = match runtime {
            None => DockerSandbox::tier1(&cfg, std::env::var("DOCKER_HOST").ok().as_deref()),
            Some(_) => DockerSandbox::tier2(&cfg, std::env::var("DOCKER_HOST").ok().as_deref()),
        };
        let sb = sb.unwrap_or_else(|e| panic!("{e}"));
        // One warm-up call each: the first call negotiates the API and inspects the image.
        let _ = rt.block_on(sb.execute(request()));
        let _ = cli(&image, runtime);
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..calls {
            let t = Instant::now();
            let r = rt.block_on(sb.execute(request())).unwrap_or_else(|e| panic!("{e}"));
            ours.push(t.elapsed());
            assert_eq!(r.stdout, "hi\n");
            theirs.push(cli(&image, runtime));
        }
        let (mo, mt) = (mean(&ours), mean(&theirs));
        let (do_, dt) = (median(&mut ours), median(&mut theirs));
        println!(
            "| {name} | {} / {} ms | {} / {} ms | {:.2}x | {seed} |",
            do_.as_millis(),
            mo.as_millis(),
            dt.as_millis(),
            mt.as_millis(),
            do_.as_secs_f64() / dt.as_secs_f64().max(1e-9)
        );
    }
}
