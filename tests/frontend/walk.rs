//! The one walker of `symbi check` and `symbi fmt` (`src/cli/walk.rs`): each agent file
//! once, symbolic links and hidden folders skipped, a FIFO or device refused when named,
//! and never a hang on one.

use crate::support::symbi_bin;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Far beyond what these runs take; a run that reads `/dev/zero` or opens a FIFO never ends.
const HANG: Duration = Duration::from_secs(60);

/// Runs `symbi ARGS` in `dir`, killed (and the test failed) if it outlives [`HANG`].
fn symbi_in(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(symbi_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SYMBIONT_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("symbi runs");
    let started = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`symbi {}` hangs", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("symbi finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An agent with one unused variable: `check` names the file, `fmt --check` lists it.
const MESSY: &str = "agent A{on trigger \"t\"{let unused=1}}\n";

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A folder with every trap: a symlink loop, links to `/dev/zero`, to a FIFO and to a
/// file already in the tree, a FIFO, a hidden folder; two real agent files.
fn trap_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("tree");
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    std::fs::create_dir_all(root.join(".hidden")).expect("mkdir");
    std::fs::write(root.join("a.symbi"), MESSY).expect("write");
    std::fs::write(root.join("sub/b.dsl"), MESSY).expect("write");
    std::fs::write(root.join(".hidden/c.symbi"), MESSY).expect("write");
    std::fs::write(root.join(".d.symbi"), MESSY).expect("write");
    let link =
        |target: &str, name: &str| std::os::unix::fs::symlink(target, root.join(name)).expect("symlink");
    link("..", "sub/loop");
    link(".", "self");
    link("/dev/zero", "zero.symbi");
    link("a.symbi", "alias.symbi");
    mkfifo(&root.join("pipe.symbi"));
    link("pipe.symbi", "pipe-link.symbi");
    dir
}

#[test]
fn check_and_fmt_walk_a_folder_of_traps_the_same_way_each_file_once() {
    let dir = trap_tree();
    let out = symbi_in(dir.path(), &["check", "tree"]);
    // Human reports and the summary go to stderr.
    let reported = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{reported}");
    assert!(reported.contains("checked 2 files"), "{reported}");
    for name in ["tree/a.symbi", "tree/sub/b.dsl"] {
        assert_eq!(reported.matches(&format!("{name}:")).count(), 1, "{name} once:\n{reported}");
    }
    for skipped in ["alias", "zero", "pipe", "hidden", ".d.symbi", "loop", "self"] {
        assert!(!reported.contains(skipped), "{skipped} is skipped:\n{reported}");
    }
    // The folder named twice, and a file inside it named too: still each file once.
    let out = symbi_in(dir.path(), &["check", "tree", "tree/a.symbi", "tree/"]);
    assert!(text(&out.stderr).contains("checked 2 files"), "{}", text(&out.stderr));

    let out = symbi_in(dir.path(), &["fmt", "--check", "tree"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let mut listed: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    listed.sort();
    assert_eq!(listed, ["tree/a.symbi", "tree/sub/b.dsl"], "{}", text(&out.stderr));
    let out = symbi_in(dir.path(), &["fmt", "tree"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_ne!(std::fs::read_to_string(dir.path().join("tree/a.symbi")).unwrap_or_default(), MESSY);
    assert_eq!(std::fs::read_to_string(dir.path().join("tree/.hidden/c.symbi")).unwrap_or_default(), MESSY);
    let alias = std::fs::symlink_metadata(dir.path().join("tree/alias.symbi")).expect("the link is there");
    assert!(alias.file_type().is_symlink(), "fmt left the link a link");
}

#[test]
fn a_named_fifo_or_device_is_refused_by_check_and_fmt_without_reading_it() {
    let dir = trap_tree();
    for path in ["tree/pipe.symbi", "tree/pipe-link.symbi", "tree/zero.symbi", "/dev/zero"] {
        let kind = if path.contains("pipe") { "a FIFO" } else { "a character device" };
        for args in [vec!["check", path], vec!["fmt", path], vec!["fmt", "--check", path]] {
            let out = symbi_in(dir.path(), &args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}{}", text(&out.stdout));
            assert!(stderr.contains(&format!("is not a regular file ({kind})")), "{args:?}: {stderr}");
        }
    }
    // `symbi run` reads its file through the same guarded reader.
    let out = symbi_in(dir.path(), &["run", "tree/pipe.symbi"]);
    assert_ne!(out.status.code(), Some(0));
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(all.contains("is not a regular file (a FIFO)"), "{all}");
}

#[test]
fn fmt_rewrites_a_named_link_at_its_target_and_keeps_the_link() {
    let dir = trap_tree();
    let out = symbi_in(dir.path(), &["fmt", "tree/alias.symbi"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let alias = std::fs::symlink_metadata(dir.path().join("tree/alias.symbi")).expect("the link is there");
    assert!(alias.file_type().is_symlink());
    let formatted = std::fs::read_to_string(dir.path().join("tree/a.symbi")).unwrap_or_default();
    assert!(formatted.starts_with("agent A {\n"), "{formatted}");
}
