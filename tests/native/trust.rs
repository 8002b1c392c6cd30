//! Another local user prepares the working directory (or one of its parents) and waits for
//! symbi's next call to run what they planted there: every such directory is refused with
//! E0411 before anything starts, and the directory symbi creates itself is private.

use super::support::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use symbi::sandbox::native::workdir;

/// The uid of `nobody`, the other user of these tests.
const OTHER: u32 = 65534;

fn chown(path: &Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).unwrap_or_else(|e| panic!("chown {path:?}: {e}"));
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {path:?}: {e}"));
}

fn mkdir(path: &Path) {
    std::fs::create_dir_all(path).unwrap_or_else(|e| panic!("mkdir {path:?}: {e}"));
}

/// Plants, in `home`, a python `.pth` file and a git alias that each create `marker`, as
/// another user would for root's next `python3` or `git`.
fn plant(home: &Path, marker: &Path) {
    // Whichever python3 the host has.
    for version in ["3.9", "3.10", "3.11", "3.12", "3.13"] {
        let site = home.join(format!(".local/lib/python{version}/site-packages"));
        mkdir(&site);
        let pth = format!("import os; open({:?}, 'w').write('python')\n", marker.display().to_string());
        std::fs::write(site.join("planted.pth"), pth).unwrap_or_else(|e| panic!("{e}"));
    }
    let alias = format!("[alias]\n\tst = !touch {}\n", marker.display());
    std::fs::write(home.join(".gitconfig"), alias).unwrap_or_else(|e| panic!("{e}"));
}

fn refusal(
    result: Result<symbi::sandbox::ExecResult, symbi::sandbox::SandboxError>,
) -> symbi::sandbox::SandboxError {
    match result {
        Err(e) => e,
        Ok(r) => panic!("the call ran: {r:?}"),
    }
}

#[tokio::test]
async fn a_directory_another_user_planted_is_refused_and_the_planted_code_never_runs() {
    let base = workdir("planted");
    let marker = base.join("marker");
    let wd = base.join("work");
    mkdir(&wd);
    plant(&wd, &marker);

    // Control: the same files in a directory of root's own do run (they are root's own
    // start-up files then), so the plant is real and the refusal below is what stops it.
    for argv in [&["python3", "-c", "pass"][..], &["git", "st"][..]] {
        let mut req = request(argv);
        req.allowed_executables.push("git".into());
        req.working_dir = wd.clone();
        control_ok(req).await;
        assert!(marker.exists(), "the plant did not run in the control for {argv:?}");
        std::fs::remove_file(&marker).unwrap_or_else(|e| panic!("{e}"));
    }

    // The attack: another user made it, mode 0777.
    chown(&wd, OTHER);
    chmod(&wd, 0o777);
    for argv in [&["python3", "-c", "pass"][..], &["git", "st"][..]] {
        let mut req = request(argv);
        req.allowed_executables.push("git".into());
        req.working_dir = wd.clone();
        let e = refusal(run(req).await);
        assert_eq!(e.code, "E0411", "{e:?}");
        assert!(e.message.contains("owned by uid 65534") && e.message.contains("0777"), "{}", e.message);
        assert!(e.help.is_some());
        assert!(!marker.exists(), "the planted code ran for {argv:?}");
    }

    // Owned by root but left writable by everyone: refused too, sticky bit or not.
    chown(&wd, 0);
    for mode in [0o777, 0o1777, 0o770] {
        chmod(&wd, mode);
        let mut req = request(&["python3", "-c", "pass"]);
        req.working_dir = wd.clone();
        let e = refusal(run(req).await);
        assert_eq!(e.code, "E0411", "mode {mode:o}");
        assert!(e.message.contains("writable by group or others"), "{}", e.message);
        assert!(!marker.exists(), "the planted code ran at mode {mode:o}");
    }
}

#[tokio::test]
async fn a_parent_owned_by_another_user_or_writable_without_the_sticky_bit_is_refused() {
    let parent = workdir("parent");
    let wd = parent.join("work");
    mkdir(&wd);
    chown(&parent, OTHER);
    chmod(&parent, 0o755);
    let mut req = request(&["true"]);
    req.working_dir = wd.clone();
    let e = refusal(run(req).await);
    assert_eq!(e.code, "E0411");
    assert!(e.message.contains(&format!("parent `{}`", parent.display())), "{}", e.message);
    assert!(e.message.contains("uid 65534"), "{}", e.message);

    // Root's own parent, but group-writable: whoever is in the group could swap `work`.
    chown(&parent, 0);
    chmod(&parent, 0o775);
    let mut req = request(&["true"]);
    req.working_dir = wd.clone();
    let e = refusal(run(req).await);
    assert_eq!(e.code, "E0411");
    assert!(e.message.contains("without the sticky bit"), "{}", e.message);

    // A missing working directory below such a parent is not created there either.
    let mut req = request(&["true"]);
    req.working_dir = parent.join("fresh");
    assert_eq!(refusal(run(req).await).code, "E0411");
}

#[tokio::test]
async fn a_world_writable_sticky_parent_such_as_tmp_is_accepted() {
    let parent = workdir("sticky");
    mkdir(&parent);
    chmod(&parent, 0o1777);
    let mut req = request(&["true"]);
    req.working_dir = parent.join("work");
    assert!(run_ok(req).await.success);
    let tmp = std::fs::metadata("/tmp").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tmp.mode() & 0o1777, 0o1777, "/tmp itself is the sticky world-writable case");
}

#[tokio::test]
async fn directories_symbi_creates_are_private_and_home_is_the_checked_directory() {
    let base = workdir("private");
    let mut req = request(&["sh", "-c", "echo \"$HOME\""]);
    req.working_dir = base.join("a/b");
    let r = run_ok(req).await;
    let home = PathBuf::from(r.stdout.trim_end());
    assert_eq!(Some(home.clone()), std::fs::canonicalize(base.join("a/b")).ok());
    let euid = nix::unistd::geteuid().as_raw();
    for dir in [base.join("a"), base.join("a/b")] {
        let meta = std::fs::metadata(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(meta.mode() & 0o777, 0o700, "{dir:?}");
        assert_eq!(meta.uid(), euid, "{dir:?}");
    }
    // HOME is never a directory another user could write to: every part of it is checked.
    assert_eq!(workdir::trust(&home), Ok(()));
}

#[test]
fn the_default_working_directory_is_per_user_and_created_private() {
    let euid = nix::unistd::geteuid().as_raw();
    let default = symbi::config::Config::default().native_execution.working_directory;
    assert_eq!(default, PathBuf::from(format!("/tmp/symbi-{euid}/native")));
    let fresh = !default.parent().is_some_and(Path::exists);
    let dir = workdir::prepare(&default).unwrap_or_else(|e| panic!("{e:?}"));
    let parent = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    for d in [&dir, &parent] {
        let meta = std::fs::metadata(d).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(meta.uid(), euid, "{d:?}");
        assert_eq!(meta.mode() & 0o022, 0, "{d:?} is writable by others");
        if fresh {
            assert_eq!(meta.mode() & 0o777, 0o700, "{d:?}");
        }
    }
}
