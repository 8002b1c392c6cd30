//! Hardened tier None, attacked as root: every rule both ways (refused outside what the call
//! is granted, working inside it), on real processes.

use super::support::*;
use std::path::{Path, PathBuf};
use symbi::sandbox::native::NativeSandbox;
use symbi::sandbox::{ExecRequest, ExecResult, Sandbox};

fn hardened() -> NativeSandbox {
    NativeSandbox::new().hardened(Default::default())
}

async fn run_hardened(request: ExecRequest) -> ExecResult {
    match hardened().execute(request).await {
        Ok(result) => result,
        Err(e) => panic!("the hardened call was refused: {e:?}"),
    }
}

/// A `bash -c script` request in a fresh working directory.
fn bash(script: &str) -> ExecRequest {
    let mut req = request(&["bash", "-c", script]);
    std::fs::create_dir_all(&req.working_dir).unwrap();
    req.working_dir = std::fs::canonicalize(&req.working_dir).unwrap();
    req
}

/// A `python3 -c code` request in a fresh working directory.
fn python(code: &str) -> ExecRequest {
    let mut req = bash("");
    req.program = symbi::sandbox::Program::Argv(vec!["python3".into(), "-c".into(), code.into()]);
    req
}

/// A folder outside everything a hardened call may touch.
fn outside(tag: &str) -> PathBuf {
    let dir = PathBuf::from("/var/lib/symbi-harden-tests").join(unique(tag));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_hardened_call_writes_inside_its_working_directory_and_temp_folder_only() {
    let away = outside("write");
    let target = away.join("planted");
    let script = format!(
        "echo in > inside.txt && echo ok-inside; echo tmp > \"$TMPDIR/t\" && echo ok-tmp; \
         echo out > {0} && echo wrote-outside; echo root > /root/symbi-harden-probe && echo wrote-root",
        target.display()
    );
    let req = bash(&script);
    let wd = req.working_dir.clone();
    let r = run_hardened(req).await;
    assert_eq!(r.stdout, "ok-inside\nok-tmp\n", "{r:?}");
    assert!(r.stderr.contains("Permission denied"), "{}", r.stderr);
    assert!(!target.exists(), "the file outside appeared");
    assert!(!Path::new("/root/symbi-harden-probe").exists());
    assert_eq!(std::fs::read_to_string(wd.join("inside.txt")).unwrap(), "in\n");
    // Unhardened, the same write outside succeeds: the test can fail.
    let req = bash(&format!("echo out > {}", target.display()));
    assert!(control_ok(req).await.success);
    assert!(target.exists());
}

#[tokio::test]
async fn a_call_leaves_nothing_in_its_temp_folder_and_cannot_reach_another_agents() {
    // Agent A (its own working directory) leaves a file in its TMPDIR.
    let a = run_hardened(bash("echo left > \"$TMPDIR/left\" && printf %s \"$TMPDIR\"")).await;
    assert!(a.success, "{a:?}");
    let tmp_a = PathBuf::from(&a.stdout);
    let left: Vec<_> = std::fs::read_dir(&tmp_a).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(left.is_empty(), "the call's TMPDIR kept {left:?}");
    // As if A were still running: its folder holds a file. Agent B (another working
    // directory, so another confinement) can neither list, read nor write there.
    std::fs::create_dir_all(&tmp_a).unwrap();
    std::fs::write(tmp_a.join("planted"), "a's data").unwrap();
    let script = format!(
        "cat {0}/planted && echo read-a; echo b > {0}/b && echo wrote-a; ls {0} && echo listed-a",
        tmp_a.display()
    );
    let b =
        run_hardened(bash(&format!("{script}; echo mine > \"$TMPDIR/mine\" && cat \"$TMPDIR/mine\""))).await;
    assert_eq!(b.stdout, "mine\n", "{b:?}");
    assert!(!tmp_a.join("b").exists());
    // Unhardened, the same script reads A's file: the test can fail.
    let plain = control_ok(bash(&script)).await;
    assert!(plain.stdout.contains("read-a"), "{plain:?}");
    let _ = std::fs::remove_file(tmp_a.join("planted"));
    let _ = std::fs::remove_file(tmp_a.join("b"));
}

#[tokio::test]
async fn a_hardened_call_cannot_read_secrets_but_reads_its_working_directory() {
    let away = outside("read");
    let secret = away.join("secret");
    std::fs::write(&secret, "hunter2").unwrap();
    let req = bash(&format!(
        "echo mine > mine.txt; cat mine.txt; cat {} ; cat /etc/shadow; cat /etc/gshadow; ls /root; \
         head -c 5 /etc/passwd; echo",
        secret.display()
    ));
    let r = run_hardened(req).await;
    assert!(r.stdout.starts_with("mine\n"), "{r:?}");
    assert!(!r.stdout.contains("hunter2"), "{r:?}");
    assert!(!r.stdout.contains("root:*") && !r.stdout.contains("root:$"), "{r:?}");
    assert!(r.stdout.ends_with("root:\n"), "/etc/passwd stays readable: {r:?}");
    assert_eq!(r.stderr.matches("Permission denied").count(), 4, "{}", r.stderr);
    let plain = control_ok(bash(&format!("cat {}", secret.display()))).await;
    assert_eq!(plain.stdout, "hunter2");
}

const NET_PROBE: &str = r#"
import socket, sys
port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
def attempt(name, f):
    try:
        f(); print(name, "ok")
    except OSError as e:
        print(name, "refused", e.errno)
def tcp():
    s = socket.create_connection(("127.0.0.1", TCP), timeout=5); s.close()
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b"x", ("127.0.0.1", UDP))
def raw():
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
def netlink():
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
def unix():
    a, b = socket.socketpair(socket.AF_UNIX); a.send(b"x"); assert b.recv(1) == b"x"
for name, f in [("tcp", tcp), ("udp", udp), ("raw", raw), ("netlink", netlink), ("unix", unix)]:
    attempt(name, f)
"#;

async fn network_probe(network: bool) -> (String, bool) {
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_nonblocking(true).unwrap();
    let code = NET_PROBE
        .replace("TCP", &tcp.local_addr().unwrap().port().to_string())
        .replace("UDP", &udp.local_addr().unwrap().port().to_string());
    let mut req = python(&code);
    req.network = network;
    let r = run_hardened(req).await;
    let mut buf = [0u8; 8];
    let datagram = udp.recv(&mut buf).is_ok();
    (r.stdout, datagram)
}

#[tokio::test]
async fn without_network_tcp_udp_raw_and_netlink_sockets_are_refused() {
    let (out, datagram) = network_probe(false).await;
    assert_eq!(out, "tcp refused 1\nudp refused 1\nraw refused 1\nnetlink refused 1\nunix ok\n");
    assert!(!datagram, "a datagram arrived");
}

#[tokio::test]
async fn with_network_tcp_and_udp_work_but_raw_sockets_stay_refused() {
    let (out, datagram) = network_probe(true).await;
    // A raw socket needs CAP_NET_RAW, which no hardened program has; netlink stays refused.
    assert_eq!(out, "tcp ok\nudp ok\nraw refused 1\nnetlink refused 1\nunix ok\n");
    assert!(datagram, "no datagram arrived");
}

#[tokio::test]
async fn ptrace_mount_unshare_and_keyrings_get_eperm() {
    let code = r#"
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def errno_of(r):
    return ctypes.get_errno() if r == -1 else 0
print("ptrace", errno_of(libc.ptrace(16, os.getppid(), 0, 0)))
print("mount", errno_of(libc.mount(b"none", b".", b"tmpfs", 0, None)))
print("unshare", errno_of(libc.unshare(0x10000000)))
print("setns", errno_of(libc.setns(0, 0)))
print("bpf", errno_of(libc.syscall(321, 0, 0, 0)))
print("alive")
"#;
    let r = run_hardened(python(code)).await;
    assert_eq!(r.stdout, "ptrace 1\nmount 1\nunshare 1\nsetns 1\nbpf 1\nalive\n", "{r:?}");
    assert!(r.success);
}

#[tokio::test]
async fn no_capability_survives_exec_and_setuid_gains_nothing() {
    let script = "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status";
    let r = run_hardened(bash(script)).await;
    assert_eq!(
        r.stdout,
        "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n\
         CapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n",
        "{r:?}"
    );
    // A setuid-root copy of a program, in the working directory: under no_new_privs and an
    // empty bounding set it runs with nothing more than its caller.
    let mut req = bash(
        "./suid-python -c 'import os; print(os.geteuid(), open(\"/proc/self/status\").read().split(\"CapEff:\")[1].split()[0])'",
    );
    let python = std::fs::canonicalize(which("python3")).unwrap();
    let copy = req.working_dir.join("suid-python");
    std::fs::copy(&python, &copy).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o4755)).unwrap();
    req.allowed_executables.push(copy.display().to_string());
    let r = run_hardened(req).await;
    assert_eq!(r.stdout.trim_end(), "0 0000000000000000", "{r:?}");
}

fn which(name: &str) -> PathBuf {
    std::env::split_paths("/usr/local/bin:/usr/bin:/bin")
        .map(|d| d.join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{name} is not installed"))
}

#[tokio::test]
async fn interpreters_still_run_ordinary_scripts() {
    let r = run_hardened(bash("for i in 1 2 3; do echo $i; done | sort -r | tr '\\n' ' '; echo")).await;
    assert_eq!(r.stdout, "3 2 1 \n", "{r:?}");
    let mut req = bash("");
    req.program = symbi::sandbox::Program::Argv(vec!["sh".into(), "-c".into(), "echo sh $((6*7))".into()]);
    assert_eq!(run_hardened(req).await.stdout, "sh 42\n");
    let code = "import json, tempfile, os, subprocess\n\
                f = tempfile.NamedTemporaryFile(delete=False); f.write(b'x'); f.close()\n\
                print(json.dumps({'tmp': os.path.dirname(f.name) == os.environ['TMPDIR'], \
                'sub': subprocess.run(['echo', 'child'], capture_output=True, text=True).stdout}))";
    let r = run_hardened(python(code)).await;
    assert_eq!(r.stdout, "{\"tmp\": true, \"sub\": \"child\\n\"}\n", "{r:?}");
    if Path::new("/usr/bin/node").exists() {
        let mut req = bash("");
        req.allowed_executables.push("node".into());
        req.program = symbi::sandbox::Program::Argv(vec![
            "node".into(),
            "-e".into(),
            "require('fs').writeFileSync('n.txt', 'node'); console.log(require('os').cpus().length > 0)"
                .into(),
        ]);
        let r = run_hardened(req).await;
        assert_eq!(r.stdout, "true\n", "{r:?}");
    }
}

#[tokio::test]
async fn a_python_installed_under_the_home_folder_keeps_working() {
    let Some(version) = std::fs::read_dir("/root/.pyenv/versions")
        .ok()
        .and_then(|d| d.flatten().map(|e| e.path()).find(|p| p.join("bin/python3").exists()))
    else {
        eprintln!("skipped: no pyenv python under /root/.pyenv");
        return;
    };
    let python = version.join("bin/python3");
    let mut req =
        python_request(&python, "import json, decimal; print(json.dumps(str(decimal.Decimal(1) / 4)))");
    req.allowed_executables.push(python.display().to_string());
    let r = run_hardened(req).await;
    assert_eq!(r.stdout, "\"0.25\"\n", "{r:?}");
}

fn python_request(python: &Path, code: &str) -> ExecRequest {
    let mut req = bash("");
    req.program = symbi::sandbox::Program::Argv(vec![python.display().to_string(), "-c".into(), code.into()]);
    req
}

#[tokio::test]
async fn the_result_names_the_hardening() {
    let r = run_hardened(bash("true")).await;
    assert!(r.containment.hardening.starts_with("landlock ABI "), "{:?}", r.containment);
    assert!(r.containment.hardening.contains("network refused"));
    let plain = control_ok(bash("true")).await;
    assert_eq!(plain.containment.hardening, "");
}

/// `symbi run` of a `Moderate` agent on tier None whose command writes a marker, with
/// `pretend` set in symbi's environment.
fn run_moderate_agent(pretend: Option<&str>) -> (std::process::Output, PathBuf) {
    let tmp = PathBuf::from("/tmp/symbi-native-tests").join(unique("refusal"));
    std::fs::create_dir_all(&tmp).unwrap();
    let marker = tmp.join("work").join("ran");
    let agent = tmp.join("agent.symbi");
    std::fs::write(
        &agent,
        "agent Hardened {\n  security { tier: None sandbox: Moderate capabilities: [\"local_filesystem\"] }\n  \
         on trigger \"t\" {\n    let r = execute_native(\"sh -c 'echo ran > ran'\")\n    print(r.stdout)\n  }\n}\n",
    )
    .unwrap();
    let mut cmd = std::process::Command::new(crate::support::symbi_bin());
    cmd.arg("run").arg(&agent).arg("--native").current_dir(crate::support::root());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_") || k.starts_with("SYMBI_TEST_"))
    {
        cmd.env_remove(k);
    }
    cmd.env("NO_COLOR", "1")
        .env("SYMBIONT_NATIVE_WORKING_DIR", tmp.join("work"))
        .env("XDG_STATE_HOME", tmp.join("state"));
    if let Some(name) = pretend {
        cmd.env(name, "1");
    }
    (cmd.output().unwrap(), marker)
}

#[test]
fn a_host_without_landlock_or_seccomp_refuses_the_hardened_call_and_runs_nothing() {
    let (out, marker) = run_moderate_agent(None);
    let stdout = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{out:?}");
    assert!(marker.exists(), "the control did not run: {out:?}");
    assert!(stdout.contains("hardened by landlock ABI"), "the transcript names the hardening: {stdout}");
    for (switch, code, what) in [
        ("SYMBI_TEST_PRETEND_NO_LANDLOCK", "E0480", "Landlock"),
        ("SYMBI_TEST_PRETEND_NO_SECCOMP", "E0481", "seccomp"),
    ] {
        let (out, marker) = run_moderate_agent(Some(switch));
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!out.status.success(), "{text}");
        assert!(text.contains(code) && text.contains(what), "{text}");
        assert!(text.contains("Tier1"), "the help names a way out: {text}");
        assert!(!marker.exists(), "the command ran unconfined under {switch}");
    }
}

#[test]
fn doctor_shows_what_moderate_on_tier_none_enforces_here() {
    let doctor = |pretend: Option<&str>| {
        let mut cmd = std::process::Command::new(crate::support::symbi_bin());
        cmd.arg("doctor").env("NO_COLOR", "1").env_remove(PRETEND_LANDLOCK);
        if let Some(name) = pretend {
            cmd.env(name, "1");
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    let text = doctor(None);
    assert!(text.contains("Hardened native"), "{text}");
    assert!(text.contains("  landlock:   ABI "), "{text}");
    assert!(text.contains("  Moderate:   enforced"), "{text}");
    assert!(text.contains("/etc without /etc/shadow"), "{text}");
    let refused = doctor(Some(PRETEND_LANDLOCK));
    assert!(refused.contains("  landlock:   not available"), "{refused}");
    assert!(refused.contains("  Moderate:   refused (E0480)"), "{refused}");
}

const PRETEND_LANDLOCK: &str = "SYMBI_TEST_PRETEND_NO_LANDLOCK";
