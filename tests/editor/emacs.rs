//! Emacs with Eglot (the setup in docs/editors.md) against `symbi lsp`, in batch mode:
//! tests/editor/emacs.el does the editing and reports what the editor saw.

use super::{AGENT, editor_available, mended, run_bounded, write_project};
use crate::support::{root, symbi_bin};
use serde_json::{Value, json};
use std::process::Command;
use std::time::Duration;

#[test]
fn emacs_eglot_shows_diagnostics_hover_completion_navigation_and_formats() {
    if !editor_available("emacs") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let agent = write_project(dir.path());
    let result = dir.path().join("result.json");
    let mut emacs = Command::new("emacs");
    // `-q` without `-Q`: Debian's site start-up puts the elpa-eglot package on the load path.
    emacs
        .args(["--batch", "-q", "-l"])
        .arg(root().join("tests/editor/emacs.el"))
        .env("SYMBI_BIN", symbi_bin())
        .env("AGENT", &agent)
        .env("RESULT", &result)
        .env("HOME", dir.path())
        .env_remove("SYMBIONT_CONFIG")
        .current_dir(dir.path());
    let out = run_bounded(emacs, Duration::from_secs(120));
    let text = std::fs::read_to_string(&result).unwrap_or_else(|e| {
        panic!("no result from Emacs ({e}); stderr: {}", String::from_utf8_lossy(&out.stderr))
    });
    let seen: Value = serde_json::from_str(&text).unwrap();
    assert!(seen.get("error").is_none(), "a step failed in Emacs: {}", seen["error"]);

    // Emacs counts characters: the emoji before `nope` is one character (and 2 UTF-16 units
    // on the wire, which Eglot converts).
    let line = AGENT.lines().nth(8).unwrap();
    let char_col = line[..line.find("nope").unwrap()].chars().count();
    let opened = seen["opened"].as_array().expect("diagnostics on open");
    assert_eq!(opened.len(), 1, "config.toml beside the file consents to tier None: {opened:?}");
    assert_eq!(opened[0]["line"], 8);
    assert_eq!(opened[0]["char"], char_col);
    assert_eq!(opened[0]["length"], 4);
    let message = opened[0]["text"].as_str().unwrap();
    assert!(message.contains("E0201") && message.contains("unknown variable `nope`"), "{message}");
    assert_eq!(seen["changed"], json!([]), "Eglot's change mends the file");

    assert!(seen["hover_function"].as_str().unwrap().contains("fn helper(n: Int) -> Int"));
    assert!(seen["hover_builtin"].as_str().unwrap().contains("Prints a value"), "doc from stdlib/");
    let labels: Vec<&str> =
        seen["completion"].as_array().unwrap().iter().filter_map(|l| l.as_str()).collect();
    for want in ["let", "execute_native", "helper", "count", "emit"] {
        assert!(labels.contains(&want), "completion offers `{want}`: {labels:?}");
    }
    assert_eq!(seen["definition"], json!({"line": 12, "character": 5}), "helper's definition");
    assert_eq!(seen["references"], 2, "helper: its definition and its call");
    assert_eq!(seen["symbols"], json!(["Worker", "on trigger \"start\"", "helper"]));
    assert_eq!(seen["formatted"].as_str().unwrap(), mended(), "formatting restores the layout");
    assert_eq!(seen["stopped"], true, "the server is gone after Eglot shuts it down");
}
