//! `symbi fmt` on the command line: rewriting in place, `--check`, `--stdin`, directories,
//! broken and missing files.

use crate::support::symbi_bin;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use symbi::fmt::format_source;

const MESSY: &str = "agent A{on trigger \"t\"{let x=1 // keep me\nprint(x)}}\n";
const BROKEN: &str = "agent A {\n  on trigger \"t\" {\n    let x = \n  }\n";

/// Runs `symbi fmt ARGS` in `dir`, with `stdin` piped in.
fn fmt_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(symbi_bin())
        .arg("fmt")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("symbi runs");
    if let Some(mut input) = child.stdin.take() {
        // A run that exits before reading (a usage error) closes the pipe early.
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("symbi finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("the file is there")
}

#[test]
fn check_lists_what_would_change_then_fmt_rewrites_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.symbi"), MESSY).expect("written");
    let expected = format_source(MESSY).expect("the sample formats");
    assert_ne!(expected, MESSY);

    let out = fmt_in(dir.path(), &["--check", "a.symbi"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout).trim(), "a.symbi");
    assert_eq!(read(&dir.path().join("a.symbi")), MESSY, "--check must not write");

    let out = fmt_in(dir.path(), &["a.symbi"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(read(&dir.path().join("a.symbi")), expected);
    assert!(expected.contains("// keep me"));

    let out = fmt_in(dir.path(), &["--check", "a.symbi"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn directories_are_walked_for_agent_files_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for sub in ["agents/nested", ".hidden"] {
        std::fs::create_dir_all(root.join(sub)).expect("dirs");
    }
    let files = ["agents/a.symbi", "agents/nested/b.dsl", "agents/notes.txt", ".hidden/c.symbi"];
    for f in files {
        std::fs::write(root.join(f), MESSY).expect("written");
    }
    let out = fmt_in(root, &["--check", "."], "");
    assert_eq!(out.status.code(), Some(1));
    let listed: Vec<String> = text(&out.stdout).lines().map(|l| l.replace('\\', "/")).collect();
    assert_eq!(listed, ["./agents/a.symbi", "./agents/nested/b.dsl"]);

    let out = fmt_in(root, &["agents"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let expected = format_source(MESSY).expect("formats");
    assert_eq!(read(&root.join("agents/a.symbi")), expected);
    assert_eq!(read(&root.join("agents/nested/b.dsl")), expected);
    assert_eq!(read(&root.join("agents/notes.txt")), MESSY);
    assert_eq!(read(&root.join(".hidden/c.symbi")), MESSY);
    // The temporary files of the atomic rewrite are gone.
    let names: Vec<_> = std::fs::read_dir(root.join("agents")).expect("listing").flatten().collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn a_file_with_syntax_errors_is_reported_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("broken.symbi"), BROKEN).expect("written");
    std::fs::write(dir.path().join("fine.symbi"), MESSY).expect("written");
    for args in [&["broken.symbi", "fine.symbi"][..], &["--check", "broken.symbi"][..]] {
        let out = fmt_in(dir.path(), args, "");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("broken.symbi") && err.contains("E01"), "{err}");
        assert_eq!(read(&dir.path().join("broken.symbi")), BROKEN);
    }
    // The other file of the same run was still formatted.
    assert_eq!(read(&dir.path().join("fine.symbi")), format_source(MESSY).expect("formats"));
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = fmt_in(dir.path(), &["nope.symbi"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("E0001") && err.contains("nope.symbi"), "{err}");
}

#[test]
fn stdin_is_formatted_to_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = fmt_in(dir.path(), &["--stdin"], MESSY);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format_source(MESSY).expect("formats"));

    let out = fmt_in(dir.path(), &["--stdin"], BROKEN);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is printed in place of a broken file");
    assert!(text(&out.stderr).contains("<stdin>"));

    let out = fmt_in(dir.path(), &["--stdin", "a.symbi"], MESSY);
    assert_eq!(out.status.code(), Some(2));
}

/// The examples are what a newcomer copies first: they are in the canonical layout.
#[test]
fn the_examples_are_formatted() {
    let out = fmt_in(&crate::support::root(), &["--check", "examples/"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "symbi fmt --check examples/: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// With no paths, `symbi fmt` formats the current folder, as `symbi check` checks it.
#[test]
fn no_paths_formats_the_current_folder() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("a.symbi"), "agent A {\non trigger \"t\" { print(1) }\n}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = fmt_in(dir.path(), &["--check"], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("a.symbi"), "{}", text(&out.stdout));
    let out = fmt_in(dir.path(), &[], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(read(&dir.path().join("a.symbi")).contains("\n  on trigger"));
}
