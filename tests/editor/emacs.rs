//! Emacs with Eglot (the setup in docs/editors.md) against `symbi lsp`, in batch mode:
//! tests/editor/emacs.el does the editing and reports what the editor saw.

use super::{AGENT, assert_editor_features, drive, editor_available};
use crate::support::root;
use std::process::Command;

#[test]
#[cfg_attr(not(symbi_emacs), ignore = "needs `emacs` on PATH (probed at build time, see build.rs)")]
fn emacs_eglot_shows_diagnostics_hover_completion_navigation_and_formats() {
    if !editor_available("emacs") {
        return;
    }
    let mut emacs = Command::new("emacs");
    // `-q` without `-Q`: Debian's site start-up puts the elpa-eglot package on the load path.
    emacs.args(["--batch", "-q", "-l"]).arg(root().join("tests/editor/emacs.el"));
    let seen = drive("Emacs", emacs);

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
    assert_eq!(seen["changed"], serde_json::json!([]), "Eglot's change mends the file");

    assert_editor_features(&seen);
}
