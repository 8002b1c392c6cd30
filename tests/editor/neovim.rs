//! Neovim's built-in LSP client (`vim.lsp.start_client`, as in docs/editors.md) against
//! `symbi lsp`: tests/editor/neovim.lua does the editing and reports what the editor saw.

use super::{AGENT, assert_editor_features, drive, editor_available};
use crate::support::root;
use std::process::Command;

#[test]
#[cfg_attr(not(symbi_nvim), ignore = "needs `nvim` on PATH (probed at build time, see build.rs)")]
fn neovim_shows_diagnostics_hover_completion_navigation_and_formats() {
    if !editor_available("nvim") {
        return;
    }
    let mut nvim = Command::new("nvim");
    nvim.args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", root().join("tests/editor/neovim.lua").display()));
    let seen = drive("Neovim", nvim);
    assert_eq!(seen["offset_encoding"], "utf-16", "Neovim 0.7 speaks UTF-16; the server must too");

    // The one error, where it is: the column Neovim stores is a byte column, converted from the
    // server's UTF-16 range; the emoji before `nope` is 4 bytes and 2 UTF-16 units.
    let line = AGENT.lines().nth(8).unwrap();
    let byte_col = line.find("nope").unwrap() as u64;
    let opened = seen["opened"].as_array().expect("diagnostics on open");
    assert_eq!(opened.len(), 1, "config.toml beside the file consents to tier None: {opened:?}");
    assert_eq!(opened[0]["code"], "E0201");
    assert_eq!(opened[0]["lnum"], 8);
    assert_eq!(opened[0]["col"], byte_col);
    assert_eq!(opened[0]["end_col"], byte_col + 4);
    assert_eq!(seen["changed"], serde_json::json!([]), "Neovim's incremental change mends the file");

    assert_editor_features(&seen);
}
