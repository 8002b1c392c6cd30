//! Per-call cost of the native runner against a bare `Command::output()`.
//!
//! `cargo bench --bench native_spawn`. The groups: a bare spawn of `/bin/true`; the runner
//! with every limit on (rlimits, cgroups where the host has them, and the call's own PID and
//! mount namespace where symbi may create them); the same hardened (Landlock, seccomp, no
//! capabilities); the same without the namespace; the
//! runner without cgroups (rlimits, process-group kill and the subreaper sweep); and 100
//! calls at once through the runner.
//!
//! The namespaced calls' inits are forked by the spawner, as in `symbi run` and `symbi up`;
//! `SYMBI_BENCH_NO_SPAWNER=1` has them forked from the bench process itself instead.

#![allow(missing_docs, reason = "criterion_group! generates an undocumented function")]

use criterion::{Criterion, criterion_group};
use std::collections::BTreeMap;
use std::time::Duration;
use symbi::sandbox::native::NativeSandbox;
use symbi::sandbox::{ExecRequest, Limits, Program, Sandbox};

fn request() -> ExecRequest {
    ExecRequest {
        program: Program::Argv(vec!["/bin/true".into()]),
        env: BTreeMap::new(),
        stdin: None,
        working_dir: "/tmp/symbi-native-bench".into(),
        limits: Limits { max_cpu_cores: Some(1.0), ..Limits::default() },
        allowed_executables: vec!["/bin/true".into()],
        network: false,
        local_filesystem: false,
        sink: None,
    }
}

fn spawn(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let mut group = c.benchmark_group("native_spawn");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("bare_command_output", |b| {
        b.iter(|| std::process::Command::new("/bin/true").output().map(|o| o.status.success()))
    });
    for (name, sandbox) in [
        ("runner_all_limits", NativeSandbox::new()),
        ("runner_hardened", NativeSandbox::new().hardened(Default::default())),
        ("runner_no_namespace", NativeSandbox::new().without_namespaces()),
        ("runner_no_cgroups", NativeSandbox::without_cgroups()),
    ] {
        let req = request();
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(sandbox.execute(req.clone())).map(|r| r.success).unwrap_or(false))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("native_concurrent");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    let multi =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let sandbox = NativeSandbox::new();
    group.bench_function("runner_100_at_once", |b| {
        b.iter(|| {
            multi.block_on(futures_util::future::join_all((0..100).map(|_| sandbox.execute(request()))))
        })
    });
    group.bench_function("bare_100_at_once", |b| {
        b.iter(|| {
            let children: Vec<_> = (0..100)
                .filter_map(|_| {
                    std::process::Command::new("/bin/true")
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .ok()
                })
                .collect();
            children.into_iter().filter_map(|c| c.wait_with_output().ok()).count()
        })
    });
    group.finish();
}

criterion_group!(benches, spawn);

fn main() {
    // Before anything starts a thread, as `symbi run` does (`sandbox::native::spawner`).
    if std::env::var_os("SYMBI_BENCH_NO_SPAWNER").is_none() {
        symbi::sandbox::native::start_spawner(0);
    }
    eprintln!("spawner: {}", if symbi::sandbox::native::spawner_running() { "yes" } else { "no" });
    benches();
    Criterion::default().configure_from_args().final_summary();
}
