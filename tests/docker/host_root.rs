//! No host root from a container: the container's user is never root, so nothing it plants
//! in `/workspace` is root's on the host, and the request cannot choose the PATH an
//! allowlisted name is looked up in.

use super::harness::{self, run, run_err, sh};
use crate::per_tier;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;
use symbi::security::Tier;

/// Every file below `dir` with its uid, gid and mode.
fn files(dir: &Path) -> Vec<(String, u32, u32, u32)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{e}")).filter_map(Result::ok) {
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else { continue };
        out.push((entry.file_name().to_string_lossy().into_owned(), meta.uid(), meta.gid(), meta.mode()));
        if meta.is_dir() {
            out.extend(files(&entry.path()));
        }
    }
    out
}

/// The effective uid `program` gets when an unprivileged host user (nobody) runs it: the
/// program is a copy of the host's `cat`, which does not drop privileges, reading its own
/// `/proc/self/status`.
fn euid_as_nobody(program: &Path) -> Option<u32> {
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(program)
        .arg("/proc/self/status")
        .output()
        .ok()?;
    let status = String::from_utf8_lossy(&out.stdout);
    let uid_line = status.lines().find(|l| l.starts_with("Uid:"))?;
    uid_line.split_whitespace().nth(2)?.parse().ok()
}

per_tier!(a_setuid_binary_planted_in_the_workspace_gives_nothing_on_the_host, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    // Owned by root and writable for everyone: the container's unprivileged user can plant.
    let dir = harness::workspace((0, 0), 0o777);
    std::fs::copy("/usr/bin/cat", dir.path().join("hostcat")).unwrap_or_else(|e| panic!("{e}"));
    let mut req = sh("cp hostcat planted && chmod 4755 planted && echo planted; \
         chown 0:0 planted 2>/dev/null && echo chowned; \
         mkdir sub && cp hostcat sub/deep && chmod 6755 sub/deep; \
         mknod dev c 1 3 2>/dev/null && echo mknod; id -u; id -g");
    req.working_dir = dir.path().to_path_buf();
    req.local_filesystem = true;
    let r = run(&sb, req).await;
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.first().copied(), Some("planted"), "the attack ran: {r:?}");
    assert!(!r.stdout.contains("chowned") && !r.stdout.contains("mknod"), "{r:?}");
    assert!(!lines.contains(&"0"), "uid or gid 0 in the container: {r:?}");

    let planted = files(dir.path());
    assert!(planted.iter().any(|(n, _, _, m)| n == "planted" && m & 0o4000 != 0), "{planted:?}");
    for (name, uid, gid, mode) in &planted {
        assert!(!(*uid == 0 && mode & 0o4000 != 0), "{name} is setuid root: {planted:?}");
        assert!(!(*gid == 0 && mode & 0o2000 != 0), "{name} is setgid root: {planted:?}");
    }
    for program in [dir.path().join("planted"), dir.path().join("sub/deep")] {
        let euid = euid_as_nobody(&program);
        assert!(euid.is_some_and(|u| u != 0), "{} gave euid {euid:?} to nobody", program.display());
    }
    // The test's own control: a root-owned setuid copy does give root, so the check works.
    let control = dir.path().join("control");
    std::fs::copy("/usr/bin/cat", &control).unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&control, std::fs::Permissions::from_mode(0o4755))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(euid_as_nobody(&control), Some(0), "setuid root works on this file system");
});

/// `id -u` and `id -g` in a container of `sb` for `req`.
async fn ids(
    sb: &dyn symbi::sandbox::Sandbox,
    mut req: symbi::sandbox::ExecRequest,
    dir: Option<&Path>,
) -> String {
    if let Some(dir) = dir {
        req.working_dir = dir.to_path_buf();
        req.local_filesystem = true;
    }
    let r = run(sb, req).await;
    assert!(r.success, "{r:?}");
    r.stdout.split_whitespace().collect::<Vec<_>>().join(":")
}

per_tier!(the_container_user_is_never_root, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let probe = || sh("id -u; id -g");
    assert_eq!(ids(&sb, probe(), None).await, "1000:1000", "the image's user `symbi`");
    let root_owned = harness::workspace((0, 0), 0o755);
    assert_eq!(ids(&sb, probe(), Some(root_owned.path())).await, "1000:1000", "not the root owner");
    let user_owned = harness::workspace((4242, 4343), 0o755);
    assert_eq!(ids(&sb, probe(), Some(user_owned.path())).await, "4242:4343", "the owner");
    let root_group = harness::workspace((4242, 0), 0o755);
    assert_eq!(ids(&sb, probe(), Some(root_group.path())).await, "4242:65534", "never root's group");

    let mut cfg = harness::config();
    cfg.docker.user = Some("4321:4321".into());
    let configured = harness::sandbox_with(tier, &cfg);
    assert_eq!(ids(&configured, probe(), Some(root_owned.path())).await, "4321:4321");
    for user in ["root", "0", "0:0", "4321:0"] {
        cfg.docker.user = Some(user.into());
        let refused = harness::sandbox_with(tier, &cfg);
        let e = run_err(&refused, probe()).await;
        assert_eq!(e.code, "E0458", "{user}: {e:?}");
        assert!(e.help.is_some_and(|h| h.contains("uid:gid")), "{user}");
    }
});

per_tier!(a_planted_program_never_runs_for_an_allowed_name, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let dir = harness::workspace((1000, 1000), 0o755);
    let script = dir.path().join("echo");
    std::fs::write(&script, "#!/bin/sh\necho planted\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut req = harness::request(&["echo", "real"]);
    req.working_dir = dir.path().to_path_buf();
    req.local_filesystem = true;
    let r = run(&sb, req.clone()).await;
    assert_eq!(r.stdout, "real\n", "{r:?}");
    req.env.insert("PATH".into(), "/workspace:/usr/bin:/bin".into());
    let e = run_err(&sb, req.clone()).await;
    assert_eq!(e.code, "E0459", "{e:?}");
    // The planted path itself is not allowed either.
    req.env.clear();
    req.program = symbi::sandbox::Program::Argv(vec!["/workspace/echo".into()]);
    assert_eq!(run_err(&sb, req).await.code, "E0495");
});
