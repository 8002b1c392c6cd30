//! The supervisor is out of the child's reach, and the child's tree dies with it: the real
//! `symbi run` binary against children that signal, stop and read symbi, and `kill -9` of
//! symbi while its calls have escapees of every kind running.

use crate::support::procs::{alive, cmdline, live_where};
use crate::support::{root, symbi_bin, wait_at_most, within};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A run's folder: the agent, its working directory (with the scripts) and audit log.
pub(super) struct Run {
    tmp: tempfile::TempDir,
}

impl Run {
    /// A folder whose working directory holds `script` as `s.sh`, and an agent whose
    /// trigger runs `body`.
    pub(super) fn new(script: &str, body: &str) -> Run {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let work = tmp.path().join("work");
        std::fs::create_dir(&work).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(work.join("s.sh"), script).unwrap_or_else(|e| panic!("{e}"));
        let agent = format!(
            "agent Hostile {{\n  security {{ tier: None capabilities: [\"network\"] }}\n  on trigger \"t\" {{\n{body}\n  }}\n}}\n"
        );
        std::fs::write(tmp.path().join("agent.symbi"), agent).unwrap_or_else(|e| panic!("{e}"));
        Run { tmp }
    }

    pub(super) fn work(&self) -> PathBuf {
        self.tmp.path().join("work")
    }

    /// `symbi run agent.symbi --native ARGS`, stdout piped.
    pub(super) fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> Child {
        let mut cmd = Command::new(symbi_bin());
        cmd.arg("run")
            .arg(self.tmp.path().join("agent.symbi"))
            .arg("--native")
            .args(args)
            .current_dir(root());
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_")) {
            cmd.env_remove(k);
        }
        cmd.env("NO_COLOR", "1")
            .env("SYMBIONT_NATIVE_WORKING_DIR", self.work())
            .env("XDG_STATE_HOME", self.tmp.path().join("state"))
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().unwrap_or_else(|e| panic!("spawn symbi: {e}"))
    }

    fn audit(&self) -> String {
        std::fs::read_to_string(self.tmp.path().join("state/symbi/audit.jsonl")).unwrap_or_default()
    }
}

/// A duration no other test uses, so `sleep N` names this test's processes.
pub(super) fn unique_seconds() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    (100_000 + (std::process::id() % 50_000) * 16 + NEXT.fetch_add(1, Ordering::Relaxed)).to_string()
}

/// Live (not zombie) processes whose command line is exactly `sleep SECONDS`.
pub(super) fn sleepers(seconds: &str) -> Vec<i32> {
    let wanted = format!("sleep\0{seconds}\0");
    live_where(|pid| {
        let cmdline = cmdline(pid);
        cmdline.ends_with(wanted.as_bytes())
            && (cmdline.len() == wanted.len() || cmdline[cmdline.len() - wanted.len() - 1] == b'/')
    })
}

fn sigkill(child: &Child) {
    assert_eq!(
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(child.id() as i32),
            nix::sys::signal::Signal::SIGKILL
        ),
        Ok(())
    );
}

/// Every kind of escapee: a background child, a `setsid -f` daemon, a double-forked
/// `setsid` orphan, a `nohup` child, and a grandchild whose parent `exec`s; then `ready`.
pub(super) const ESCAPEES: &str = "T=$1
sleep $T &
setsid -f sleep $T
(setsid sleep $T &)
nohup sleep $T >/dev/null 2>&1 &
sh -c \"sleep $T & exec sleep $T\" &
echo ready
";

#[test]
fn kill_9_of_symbi_mid_call_takes_every_escapee_with_it() {
    let seconds = unique_seconds();
    let run = Run::new(&format!("{ESCAPEES}wait\n"), &format!("    execute_native(\"sh s.sh {seconds}\")"));
    let mut symbi = run.spawn(&[], &[]);
    let mut out = BufReader::new(symbi.stdout.take().unwrap_or_else(|| panic!("stdout")));
    let mut line = String::new();
    let _ = out.read_line(&mut line);
    assert_eq!(line, "ready\n");
    assert!(
        within(Duration::from_secs(5), || sleepers(&seconds).len() == 6).is_some(),
        "{:?}",
        sleepers(&seconds)
    );
    let escapees = sleepers(&seconds);
    sigkill(&symbi);
    let _ = symbi.wait();
    // The kernel does it: nothing of symbi's runs after SIGKILL.
    let gone = within(Duration::from_secs(2), || escapees.iter().all(|p| !alive(*p))).is_some();
    assert!(gone, "survivors of symbi's death: {:?}", sleepers(&seconds));
    assert!(run.audit().contains("\"outcome\":\"started\""), "no started line: {}", run.audit());
}

#[test]
fn kill_9_of_symbi_at_any_moment_of_its_calls_leaves_nothing() {
    let seconds = unique_seconds();
    // Calls in a row that each start every kind of escapee and return at once: symbi is
    // killed while spawning, while the child runs, and while tearing a call down.
    let body = format!(
        "    let i = 0\n    while i < 100000 {{\n      execute_native(\"sh s.sh {seconds}\")\n      i = i + 1\n    }}"
    );
    let run = Run::new(ESCAPEES, &body);
    for delay_ms in [0u64, 3, 10, 30, 70, 150, 300, 500] {
        let symbi = run.spawn(&[], &[]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let mut symbi = symbi;
        sigkill(&symbi);
        let _ = symbi.wait();
        let gone = within(Duration::from_secs(2), || sleepers(&seconds).is_empty()).is_some();
        assert!(gone, "after a kill at {delay_ms} ms, survivors: {:?}", sleepers(&seconds));
    }
}

#[test]
fn every_escapee_is_gone_within_one_second_of_symbis_kill() {
    let seconds = unique_seconds();
    // Calls in a row that each start every kind of escapee: symbi is killed with some of
    // them running, at different moments of its calls.
    let body = format!(
        "    let i = 0\n    while i < 100000 {{\n      execute_native(\"sh s.sh {seconds}\")\n      i = i + 1\n    }}"
    );
    let run = Run::new(ESCAPEES, &body);
    let mut killed_with_escapees = 0;
    for delay_ms in [40u64, 90, 160, 250, 400, 650] {
        let mut symbi = run.spawn(&[], &[]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let running = sleepers(&seconds);
        sigkill(&symbi);
        let killed = Instant::now();
        let _ = symbi.wait();
        let gone = within(Duration::from_secs(1), || sleepers(&seconds).is_empty()).is_some();
        let took = killed.elapsed();
        assert!(gone, "after a kill at {delay_ms} ms, survivors after {took:?}: {:?}", sleepers(&seconds));
        killed_with_escapees += usize::from(!running.is_empty());
    }
    // On a loaded machine the fixed moments can all fall before the first escapee starts;
    // one more kill waits for them, so the test always proves something.
    let mut symbi = run.spawn(&[], &[]);
    let started = within(Duration::from_secs(20), || !sleepers(&seconds).is_empty()).is_some();
    sigkill(&symbi);
    let _ = symbi.wait();
    let gone = within(Duration::from_secs(1), || sleepers(&seconds).is_empty()).is_some();
    assert!(gone, "after a kill with escapees running, survivors: {:?}", sleepers(&seconds));
    killed_with_escapees += usize::from(started);
    // The kills must have found escapees running, or the test proves nothing.
    assert!(killed_with_escapees > 0, "no kill happened while escapees ran");
}

/// The script of a child that attacks the symbi whose pid the test writes to `pid`.
const ATTACK: &str = "while [ ! -s pid ]; do sleep 0.05; done
S=$(cat pid)
kill -9 $S 2>/dev/null && echo killed-symbi
kill -STOP $S 2>/dev/null && echo stopped-symbi
kill -STOP $PPID 2>/dev/null; kill -9 $PPID 2>/dev/null
cat /proc/$S/environ 2>/dev/null
cat /proc/*/environ 2>/dev/null
umount /proc 2>/dev/null && echo unmounted-proc
mkdir -p p && mount -t proc proc p 2>/dev/null && echo mounted-proc
cat /proc/$S/environ p/$S/environ 2>/dev/null
echo still-here
exec sleep 30
";

#[test]
fn a_root_child_can_neither_kill_nor_stop_nor_read_symbi() {
    let secret = format!("hunter2-{}", unique_seconds());
    let run = Run::new(
        ATTACK,
        "    let r = execute_native(\"sh s.sh\")\n    print(r.stdout)\n    print(r.timed_out)",
    );
    let started = Instant::now();
    let mut symbi = run.spawn(&["--timeout", "1"], &[("SYMBI_TEST_SECRET", &secret)]);
    std::fs::write(run.work().join("pid"), symbi.id().to_string()).unwrap_or_else(|e| panic!("{e}"));
    // A stopped symbi would never end: the bound catches it.
    let status = wait_at_most(&mut symbi, Duration::from_secs(20));
    let mut out = String::new();
    let _ =
        std::io::Read::read_to_string(&mut symbi.stdout.take().unwrap_or_else(|| panic!("stdout")), &mut out);
    assert_eq!(status.code(), Some(0), "symbi was ended from inside: {status:?}\n{out}");
    assert!(started.elapsed() < Duration::from_secs(8), "the 1 s timeout took {:?}", started.elapsed());
    assert!(out.contains("still-here") && out.contains("true"), "the attack did not run to its end:\n{out}");
    for done in ["killed-", "stopped-", "unmounted-proc", "mounted-proc"] {
        assert!(!out.contains(done), "the child {done}:\n{out}");
    }
    assert!(!out.contains(&secret), "symbi's environment reached the child:\n{out}");
}

/// Runs `symbi` with its environment holding a secret, and checks the host's `/proc`
/// through the test itself: the secret is in symbi's environ (so the negative above means
/// something), readable to root outside the namespace.
#[test]
fn the_secret_is_really_in_symbis_environment() {
    let secret = format!("hunter2-{}", unique_seconds());
    let run = Run::new("exec sleep 30\n", "    execute_native(\"sh s.sh\")");
    let mut symbi = run.spawn(&["--timeout", "5"], &[("SYMBI_TEST_SECRET", &secret)]);
    let environ = || std::fs::read(format!("/proc/{}/environ", symbi.id())).unwrap_or_default();
    // Once symbi has replaced the forked test process.
    let found =
        within(Duration::from_secs(5), || String::from_utf8_lossy(&environ()).contains(&secret)).is_some();
    sigkill(&symbi);
    let _ = symbi.wait();
    assert!(found);
}

/// A root child with a process limit (so it has a pids group) tries every way out of its
/// cgroup and of its namespace, then leaves escapees: none of it works, nothing survives,
/// and the result names the namespace as the teardown.
#[tokio::test]
async fn a_root_child_cannot_leave_its_cgroup_and_nothing_of_it_survives() {
    use super::support::{assert_nothing_left, mark_of, request, run_ok};
    let script = "g=$(grep pids /proc/self/cgroup | cut -d: -f3)
echo $$ > /sys/fs/cgroup/pids/cgroup.procs 2>/dev/null && echo moved
echo $$ > /sys/fs/cgroup/unified/cgroup.procs 2>/dev/null && echo moved-v2
echo max > /sys/fs/cgroup/pids$g/pids.max 2>/dev/null && echo raised
mkdir -p cg && mount -t cgroup -o pids none cg 2>/dev/null && echo mounted
mount -t cgroup2 none cg 2>/dev/null && echo mounted-v2
mount -o remount,rw /sys/fs/cgroup/pids 2>/dev/null && echo remounted
setsid -f sleep 300; (setsid sleep 300 &); sleep 300 &
echo in $g";
    let mut req = request(&["bash", "-c", script]);
    req.limits.max_processes = Some(64);
    let mark = mark_of(&req);
    let r = run_ok(req).await;
    assert!(r.stdout.starts_with("in /symbi-"), "{r:?}");
    assert_eq!(r.containment.teardown, "pid-namespace");
    assert_eq!(r.containment.processes, "pids-cgroup");
    assert_nothing_left(&mark);
}

/// Without namespaces (an unprivileged symbi's fallback) the result does not claim that a
/// root child is held by its cgroup.
#[tokio::test]
async fn without_namespaces_the_result_says_a_root_child_can_leave_its_cgroup() {
    use symbi::sandbox::Sandbox;
    let r = super::support::runner()
        .without_namespaces()
        .execute(super::support::request(&["true"]))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(r.containment.teardown.contains("a root child can leave"), "{:?}", r.containment);
}

/// A call group of a symbi that died (planted: a group named for a pid that no longer
/// exists, with a live process in it) is collected by the next symbi: `symbi doctor` kills
/// its process, removes it and lists it.
#[test]
fn symbi_doctor_collects_and_lists_a_dead_symbis_leftover_group() {
    let pids = std::path::Path::new("/sys/fs/cgroup/pids");
    assert!(pids.join("cgroup.procs").exists(), "this host has no v1 pids hierarchy to plant in");
    // The pid of an exited, reaped child: no process has it now.
    let dead = {
        let mut c = Command::new("true").spawn().unwrap_or_else(|e| panic!("{e}"));
        let _ = c.wait();
        c.id()
    };
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let parent = own
        .lines()
        .find_map(|l| l.split_once(":pids:").map(|(_, p)| p.trim_start_matches('/').to_string()))
        .unwrap_or_default();
    // Every symbi start collects such groups too, and other tests start symbi in parallel:
    // when one of them got there first, the group is gone unlisted; plant again.
    for attempt in 0..5 {
        let group = pids.join(&parent).join(format!("symbi-{dead}-{attempt}"));
        std::fs::create_dir(&group).unwrap_or_else(|e| panic!("{}: {e}", group.display()));
        let seconds = unique_seconds();
        let mut sleeper = Command::new("sleep").arg(&seconds).spawn().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(group.join("cgroup.procs"), sleeper.id().to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let out = Command::new(symbi_bin())
            .args(["doctor", "--format", "json"])
            .current_dir(root())
            .output()
            .unwrap_or_else(|e| panic!("symbi doctor: {e}"));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let status = wait_at_most(&mut sleeper, Duration::from_secs(5));
        let collected_elsewhere = !group.exists();
        let _ = std::fs::remove_dir(&group);
        let leftovers = &report["native_containment"]["leftover_groups"];
        let listed =
            leftovers.as_array().into_iter().flatten().find(|l| l["group"] == group.display().to_string());
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGKILL), "the planted process was not killed");
        let Some(listed) = listed else {
            assert!(collected_elsewhere, "not listed, and not collected either: {leftovers}");
            continue;
        };
        assert_eq!(
            (&listed["killed"], &listed["removed"]),
            (&serde_json::json!(1), &serde_json::json!(true))
        );
        assert!(!group.exists());
        return;
    }
    panic!("five planted groups were all collected by other symbi processes before doctor saw one");
}
