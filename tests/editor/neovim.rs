//! Neovim's built-in LSP client (`vim.lsp.start_client`, as in docs/editors.md) against
//! `symbi lsp`: tests/editor/neovim.lua does the editing and reports what the editor saw.

use super::{AGENT, editor_available, mended, run_bounded, write_project};
use crate::support::{root, symbi_bin};
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

#[test]
fn neovim_shows_diagnostics_hover_completion_navigation_and_formats() {
    if !editor_available("nvim") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let agent = write_project(dir.path());
    let result = dir.path().join("result.json");
    let script = root().join("tests/editor/neovim.lua");
    let mut nvim = Command::new("nvim");
    nvim.args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("SYMBI_BIN", symbi_bin())
        .env("AGENT", &agent)
        .env("RESULT", &result)
        .env_remove("SYMBIONT_CONFIG")
        .current_dir(dir.path());
    let out = run_bounded(nvim, Duration::from_secs(120));
    let text = std::fs::read_to_string(&result).unwrap_or_else(|e| {
        panic!("no result from Neovim ({e}); stderr: {}", String::from_utf8_lossy(&out.stderr))
    });
    let seen: Value = serde_json::from_str(&text).unwrap();
    assert!(seen.get("error").is_none(), "a step failed in Neovim: {}", seen["error"]);
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

    assert!(seen["hover_function"].as_str().unwrap().contains("fn helper(n: Int) -> Int"));
    assert!(seen["hover_builtin"].as_str().unwrap().contains("Prints a value"), "doc from stdlib/");
    let labels: Vec<&str> =
        seen["completion"].as_array().unwrap().iter().filter_map(|l| l.as_str()).collect();
    for want in ["let", "execute_native", "helper", "count", "emit"] {
        assert!(labels.contains(&want), "completion offers `{want}`: {labels:?}");
    }
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "no label offered twice: {labels:?}");
    assert_eq!(seen["definition"], serde_json::json!({"line": 12, "character": 5}), "helper's definition");
    assert_eq!(seen["references"], 2, "helper: its definition and its call");
    assert_eq!(seen["symbols"], serde_json::json!(["Worker", "on trigger \"start\"", "helper"]));
    assert_eq!(seen["formatted"].as_str().unwrap(), mended(), "formatting restores the layout");
    assert_eq!(seen["stopped"], true, "the server stops when the client asks");
}
