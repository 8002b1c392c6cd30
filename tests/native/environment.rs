//! The child's environment, descriptors and working directory.

use super::support::*;
use std::path::PathBuf;
use symbi::sandbox::native::resolve::FIXED_PATH;

#[tokio::test]
async fn the_child_sees_only_path_home_lang_and_the_requests_variables() {
    let mut req = request(&["env"]);
    req.env.insert("GREETING".into(), "hello world".into());
    let home = std::fs::canonicalize("/tmp").unwrap_or_default();
    let r = run_ok(req).await;
    let mut names: Vec<&str> = r.stdout.lines().filter_map(|l| l.split_once('=').map(|(k, _)| k)).collect();
    names.sort_unstable();
    assert_eq!(names, ["GREETING", "HOME", "LANG", "PATH", MARK]);
    assert!(r.stdout.contains(&format!("PATH={FIXED_PATH}\n")));
    assert!(r.stdout.contains("LANG=C.UTF-8\n"));
    assert!(r.stdout.contains("GREETING=hello world\n"));
    assert!(r.stdout.contains(&format!("HOME={}", home.display())));
}

#[tokio::test]
async fn only_the_three_standard_streams_are_inherited() {
    // `ls` opens one descriptor of its own for the directory it lists.
    let r = run_ok(request(&["ls", "/proc/self/fd"])).await;
    let fds: Vec<u32> = r.stdout.lines().filter_map(|l| l.parse().ok()).collect();
    assert!(fds.iter().all(|fd| *fd <= 3), "leaked descriptors: {fds:?}");
    assert!(fds.starts_with(&[0, 1, 2]));
}

#[tokio::test]
async fn a_missing_working_directory_is_created_and_used() {
    let mut req = request(&["bash", "-c", "pwd; echo $HOME"]);
    req.working_dir = workdir("new").join("a/../b");
    let r = run_ok(req).await;
    let expected = std::fs::canonicalize(r.stdout.lines().next().unwrap_or("")).ok();
    assert!(expected.as_ref().is_some_and(|p| p.ends_with("b") && p.is_dir()), "{r:?}");
    assert_eq!(r.stdout.lines().nth(1), r.stdout.lines().next());
}

async fn refused_dir(dir: &str) -> &'static str {
    let mut req = request(&["true"]);
    req.working_dir = PathBuf::from(dir);
    match run(req).await {
        Err(e) => e.code.as_str(),
        Ok(r) => panic!("{dir} was accepted: {r:?}"),
    }
}

#[tokio::test]
async fn sensitive_working_directories_are_refused_and_never_created() {
    for dir in [
        "/",
        "/etc",
        "/etc/symbi-test",
        "/usr/lib",
        "/proc/self",
        "/sys/kernel",
        "/boot",
        "/root/work",
        "/bin",
        "/sbin/x",
        "/lib/x",
        "/lib64",
        "/var/run/symbi-test",
        "/var/lib/docker/symbi-test",
        "/var/lib/symbi-test",
        "/var/spool/symbi-test",
        "/var/log/symbi-test",
        "/tmp",
        "/var/tmp",
        "/home",
    ] {
        assert_eq!(refused_dir(dir).await, "E0406", "{dir}");
    }
    for dir in [
        "/etc/symbi-test",
        "/var/lib/docker/symbi-test",
        "/var/run/symbi-test",
        "/root/work",
        "/var/lib/symbi-test",
        "/var/spool/symbi-test",
        "/var/log/symbi-test",
    ] {
        assert!(!PathBuf::from(dir).exists(), "{dir} was created");
    }
    assert_eq!(refused_dir("relative/dir").await, "E0405");
}

#[tokio::test]
async fn a_symlink_into_a_sensitive_root_is_refused() {
    let dir = workdir("links");
    std::fs::create_dir_all(&dir).expect("dir");
    std::os::unix::fs::symlink("/etc", dir.join("to-etc")).expect("symlink");
    let through = dir.join("to-etc").join("sub").display().to_string();
    assert_eq!(refused_dir(&through).await, "E0406");
    assert!(!PathBuf::from("/etc/sub").exists());
    let direct = dir.join("to-etc").display().to_string();
    assert_eq!(refused_dir(&direct).await, "E0406");
}
