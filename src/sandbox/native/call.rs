//! One native call from request to result: prepare, spawn, watch, tear down.

#![allow(
    unsafe_code,
    reason = "installs the child's setup with Command::pre_exec, which is unsafe by contract"
)]

use super::cgroup::{self, CallGroup, GroupLimits, Hierarchies};
use super::code::CodeFile;
use super::limits::{self, ChildSetup};
use super::output::{self, Shared};
use super::process::Process;
use super::start::ProgramImage;
use super::{active, environment, harden, pidns, resolve, spawned, spawner, sweep, workdir};
use crate::diag::codes;
use crate::sandbox::argv;
use crate::sandbox::{Containment, ExecRequest, ExecResult, Program, SandboxError};
use crate::security::Tier;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// How long output may still arrive once the tree has been killed (pipes close as soon as
/// the last holder dies; this only bounds a holder that escaped every mechanism).
const DRAIN_GRACE: Duration = Duration::from_secs(1);

/// Runs `request` natively.
pub async fn run(
    request: ExecRequest,
    use_cgroups: bool,
    use_namespaces: bool,
    allowed_env: &[String],
    hardening: Option<&harden::Settings>,
) -> Result<ExecResult, SandboxError> {
    let started = Instant::now();
    environment::check(&request.env, allowed_env)?;
    let workdir = workdir::prepare(&request.working_dir)?;
    let vars = environment::for_child(&request.env, &workdir);
    let (words, code_file) = words_of(&request.program)?;
    let Some(first) = words.first() else {
        return Err(SandboxError::new(codes::EMPTY_COMMAND, "the command is empty")
            .with_help("name a program to run, such as `python3 process.py`"));
    };
    let executable = resolve::authorize(first, &request.allowed_executables, &workdir)?;

    let limits = &request.limits;
    let no_cgroups = Hierarchies::default();
    let hosts = if use_cgroups { cgroup::host() } else { &no_cgroups };
    // With its own PID namespace the call's teardown is the kernel's (killing the init kills
    // the namespace), so cgroups are made only for the limits they enforce.
    let namespaced = use_namespaces && pidns::available();
    let wanted = GroupLimits {
        max_processes: limits.max_processes.filter(|_| limits.enforce),
        max_cpu_cores: limits.max_cpu_cores.filter(|_| limits.enforce),
        teardown: !namespaced,
    };
    let group = CallGroup::create(hosts, wanted);
    let subreaper = !namespaced && group.teardown().mechanism().is_none() && sweep::enable_subreaper();
    let affinity = match wanted.max_cpu_cores {
        Some(cores) if !group.limits_cpu => limits::affinity_for(cores),
        _ => None,
    };
    let confinement = match hardening {
        Some(settings) => Some(settings.prepare(&harden::Call {
            workdir: &workdir,
            allowed_executables: &request.allowed_executables,
            code_dir: code_file.as_ref().map(|f| f.dir.path.as_path()),
            network: request.network,
            namespaced,
        })?),
        None => None,
    };
    let containment = Containment {
        hardening: confinement.as_ref().map(|c| c.report.clone()).unwrap_or_default(),
        processes: processes_report(limits.enforce, wanted.max_processes, group.limits_processes),
        cpu_cores: cores_report(limits.enforce, wanted.max_cpu_cores, group.limits_cpu, affinity.is_some()),
        teardown: teardown_report(namespaced, group.teardown().mechanism(), subreaper),
    };
    let status_pipe = if namespaced {
        Some(pidns::status_pipe().map_err(spawn_error(&executable, &workdir))?)
    } else {
        None
    };
    let (child_confinement, tmpdir) = match confinement {
        Some(harden::Prepared { child, tmpdir, .. }) => (Some(child), Some(tmpdir)),
        None => (None, None),
    };
    let mut vars = vars;
    if let Some(tmpdir) = &tmpdir {
        vars.push(("TMPDIR".into(), tmpdir.path().into()));
    }
    // In a namespace the init `exec`s the program itself (`start`), from this image.
    let image = match &status_pipe {
        Some(_) => {
            let words = std::iter::once(first.as_str()).chain(words[1..].iter().map(String::as_str));
            let env = vars.iter().map(|(k, v)| (k.as_os_str(), v.as_os_str()));
            Some(ProgramImage::new(&executable, words, env).map_err(spawn_error(&executable, &workdir))?)
        }
        None => None,
    };
    let spawner = if namespaced { spawner::get() } else { None };
    let mut setup = ChildSetup {
        cgroup_joins: group.join_fds(),
        rlimits: if limits.enforce { limits::rlimits(limits) } else { Vec::new() },
        affinity,
        parent: std::process::id() as i32,
        init: None,
        confinement: child_confinement,
    };

    let mut process = match (spawner, image, &status_pipe) {
        (Some(spawner), Some(image), Some((_, status))) => {
            let request = spawned::request(&setup, image, &workdir, request.stdin.is_some())
                .map_err(spawn_error(&executable, &workdir))?;
            let launch = spawned::Launch {
                status,
                cgroup_joins: setup.cgroup_joins.clone(),
                ruleset: setup.confinement.as_ref().map(|c| c.ruleset.as_raw_fd()),
                stdin: request.stdin,
            };
            let spawned =
                spawned::spawn(spawner, &request, launch).map_err(spawn_error(&executable, &workdir))?;
            // The init has its copies of the call's descriptors; the program has `exec`ed.
            drop(setup);
            Process::Spawned(spawned)
        }
        (_, image, _) => {
            setup.init = match (&status_pipe, image) {
                (Some((_, write)), Some(image)) => Some(pidns::InitSetup::new(write.as_raw_fd(), image)),
                _ => None,
            };
            let mut command = std::process::Command::new(&executable);
            command
                .arg0(first)
                .args(&words[1..])
                .env_clear()
                .envs(vars)
                .current_dir(&workdir)
                .stdin(if request.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .process_group(0);
            // SAFETY: `ChildSetup::apply` only makes async-signal-safe system calls.
            unsafe { command.pre_exec(move || setup.apply()) };
            let mut command = tokio::process::Command::from(command);
            command.kill_on_drop(true);
            let _no_sweep = sweep::spawning();
            // The namespace is this thread's for this one fork only.
            let entered = if namespaced { pidns::Entered::for_next_child() } else { None };
            let spawned = command.spawn();
            drop(entered);
            let child = spawned.map_err(spawn_error(&executable, &workdir))?;
            if let Some(pid) = child.id() {
                sweep::register(pid as i32);
            }
            Process::Forked(child)
        }
    };
    // The init keeps its own copy of the write end; symbi's goes, so a read after the init
    // exited sees only what the init wrote.
    let status_read = status_pipe.map(|(read, _)| read);
    let pid = process.pid();
    let pidfd = process.pidfd();
    let key = active::record(pid, pidfd.clone(), group.teardown().clone());
    let mut tree = Tree { pid, pidfd, group, subreaper, reaped: false, key };

    let cap = limits.max_output_bytes;
    let overflow = Arc::new(Notify::new());
    let (out, err) = (Shared::default(), Shared::default());
    let mut tasks = Tasks(Vec::new());
    let streams = output::Streams {
        cap,
        sink: request.sink.clone(),
        out: out.clone(),
        err: err.clone(),
        overflow: overflow.clone(),
    };
    // A child that exits without reading gives EPIPE on its stdin, which is not an error of
    // the call; dropping the writer closes it so the child sees end of input.
    let bytes = request.stdin.clone().unwrap_or_default();
    match &mut process {
        Process::Forked(child) => {
            tasks.0.push(tokio::spawn(streams.drain(child.stdout.take(), child.stderr.take())));
            if let Some(mut stdin) = child.stdin.take() {
                tasks.0.push(tokio::spawn(async move {
                    let _ = stdin.write_all(&bytes).await;
                }));
            }
        }
        Process::Spawned(init) => {
            tasks.0.push(tokio::spawn(streams.drain(init.stdout.take(), init.stderr.take())));
            if let Some(mut stdin) = init.stdin.take() {
                tasks.0.push(tokio::spawn(async move {
                    let _ = stdin.write_all(&bytes).await;
                }));
            }
        }
    }

    let mut timed_out = false;
    let mut status: Option<ExitStatus> = None;
    tokio::select! {
        waited = process.wait() => status = waited,
        () = tokio::time::sleep(limits.timeout) => timed_out = true,
        () = overflow.notified() => {}
    }
    // The call is over: whatever the child left behind (a background grandchild holding
    // the pipe, a `setsid` escapee) goes now, before the output is collected. In a namespace
    // whose init has exited that was the kernel's work already: the init's exit is reported
    // only once every process of its namespace is gone.
    if !(namespaced && status.is_some()) {
        tree.kill();
    }
    let status = match status {
        Some(s) => Some(s),
        None => process.wait().await,
    };
    // In a namespace the init's status is a copy; the program's own is in the pipe (a killed
    // init wrote nothing, and its SIGKILL is the call's).
    let status = status_read.as_ref().and_then(pidns::read_status).map(ExitStatus::from_raw).or(status);
    tree.reaped = true;
    tree.after_reap();
    let readers = async {
        for task in tasks.0.iter_mut() {
            let _ = task.await;
        }
    };
    let _ = tokio::time::timeout(DRAIN_GRACE, readers).await;
    tasks.abort();
    tree.finish().await;
    drop(tmpdir);

    let (out, err) = (output::take(&out), output::take(&err));
    let exit_code = status.and_then(|s| s.code());
    let signal = status.and_then(|s| s.signal()).map(crate::sandbox::signal_name);
    let stdout_truncated = out.dropped > 0;
    let stderr_truncated = err.dropped > 0;
    Ok(ExecResult {
        stdout: out.text(),
        stderr: err.text(),
        exit_code,
        signal,
        success: exit_code == Some(0) && !timed_out && !stdout_truncated && !stderr_truncated,
        timed_out,
        stdout_truncated,
        stderr_truncated,
        duration_ms: started.elapsed().as_millis() as u64,
        tier: Tier::None,
        oom_killed: false,
        executable: executable.display().to_string(),
        containment,
    })
}

/// The refusal of a spawn that failed.
fn spawn_error<'a>(executable: &'a Path, workdir: &'a Path) -> impl Fn(std::io::Error) -> SandboxError + 'a {
    move |e| {
        SandboxError::new(
            codes::SPAWN_FAILED,
            format!("`{}` could not be started: {e}", executable.display()),
        )
        .with_note(format!("working directory: {}", workdir.display()))
        .with_help("check that the program runs on this host and that the limits leave it room to start")
    }
}

/// The argument vector of a program, and the code file it needs kept alive.
fn words_of(program: &Program) -> Result<(Vec<String>, Option<CodeFile>), SandboxError> {
    let split = argv::split_for_sandbox;
    match program {
        Program::Argv(words) => Ok((words.clone(), None)),
        Program::Code { code, interpreter } => {
            let mut words = split(interpreter)?;
            let file = CodeFile::write(code)?;
            words.push(file.path.display().to_string());
            Ok((words, Some(file)))
        }
    }
}

fn teardown_report(namespaced: bool, cgroup: Option<&str>, subreaper: bool) -> String {
    match cgroup {
        _ if namespaced => pidns::TEARDOWN.into(),
        // A root child may write its own pid to another group's `cgroup.procs` (or mount a
        // cgroup filesystem of its own): only the namespace closes that.
        Some(mechanism) if nix::unistd::geteuid().is_root() => {
            format!("{mechanism} (a root child can leave its cgroup: no PID namespace)")
        }
        Some(mechanism) => mechanism.into(),
        None if subreaper => "subreaper-sweep".into(),
        None => "process-group-kill".into(),
    }
}

fn processes_report(enforce: bool, max: Option<u64>, cgroup: bool) -> String {
    match (enforce, max) {
        (false, _) => "none: resource limits are not enforced".into(),
        (true, None) => "none: no process limit is set".into(),
        _ if cgroup => "pids-cgroup".into(),
        _ if !nix::unistd::geteuid().is_root() => "rlimit-nproc".into(),
        _ => {
            "none: running as root, where RLIMIT_NPROC does not apply, and no pids cgroup is writable".into()
        }
    }
}

fn cores_report(enforce: bool, cores: Option<f64>, cgroup: bool, affinity: bool) -> String {
    match (enforce, cores) {
        (false, _) => "none: resource limits are not enforced".into(),
        (true, None) => "none: no core limit is set".into(),
        _ if cgroup => "cpu-cgroup-quota".into(),
        _ if affinity => "cpu-affinity".into(),
        _ => "none: the limit is not below the CPUs symbi may use".into(),
    }
}

/// The call's processes; dropping it (cancellation) kills them all.
struct Tree {
    pid: i32,
    /// The init's pidfd, when the spawner forked it.
    pidfd: Option<Arc<OwnedFd>>,
    key: u64,
    group: CallGroup,
    subreaper: bool,
    reaped: bool,
}

impl Tree {
    /// Kills the whole tree: the process group (whose id stays reserved while any member
    /// lives, so after the leader's exit this reaches its background jobs, or nobody) and
    /// every cgroup member wherever it moved to.
    fn kill(&self) {
        if let Some(pidfd) = &self.pidfd {
            // The init of a namespace: its death is every process's of the call.
            spawner::signal(pidfd, libc::SIGKILL);
        } else if self.pid > 0 {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(self.pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        self.group.kill_all();
    }

    /// Once the direct child is reaped: the subreaper sweep for orphans.
    fn after_reap(&self) {
        sweep::forget(self.pid);
        if self.subreaper {
            sweep::sweep();
        }
    }

    /// Waits (without blocking the runtime) for the groups to empty, then removes them.
    async fn finish(&mut self) {
        if self.group.is_active() {
            let deadline = Instant::now() + Duration::from_secs(2);
            // Killing again on each pass reaches a child whose fork was under way during the
            // first kill (a member list is a snapshot; `cgroup.kill` alone needs no repeat).
            while !self.group.is_empty() && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(1)).await;
                self.group.kill_all();
            }
        }
        self.group.remove();
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        active::forget(self.key);
        if self.reaped {
            return;
        }
        // Cancelled mid-run: tokio kills and reaps the direct child (`kill_on_drop`); the
        // rest of the tree goes here, and the groups are removed once empty off this thread.
        self.kill();
        sweep::forget(self.pid);
        let mut group = std::mem::take(&mut self.group);
        let subreaper = self.subreaper;
        // Killed processes leave their groups within milliseconds; waiting that long here
        // keeps a symbi that exits right after the cancellation from leaving empty groups.
        let quick = Instant::now() + Duration::from_millis(100);
        while group.is_active() && !group.is_empty() && Instant::now() < quick {
            std::thread::sleep(Duration::from_millis(1));
        }
        if group.is_empty() && !subreaper {
            group.remove();
            return;
        }
        let _ = std::thread::Builder::new().name("symbi-native-teardown".into()).spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(2);
            while group.is_active() && !group.is_empty() && Instant::now() < deadline {
                group.kill_all();
                std::thread::sleep(Duration::from_millis(2));
            }
            group.remove();
            if subreaper {
                std::thread::sleep(Duration::from_millis(20));
                sweep::sweep();
            }
        });
    }
}

/// The reader and writer tasks of a call, aborted when the call is dropped.
struct Tasks(Vec<JoinHandle<()>>);

impl Tasks {
    fn abort(&self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        self.abort();
    }
}
