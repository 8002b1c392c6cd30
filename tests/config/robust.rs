//! Hostile configuration files give diagnostics, never a crash.

use symbi::config::{EnvVars, load};

fn load_text(text: &str) -> Vec<&'static str> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, text).unwrap();
    match load(Some(&path), &EnvVars::default()) {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics.iter().map(|d| d.code.as_str()).collect(),
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let n = 100_000;
    let arrays = format!("[native_execution]\nallowed_executables = {}{}\n", "[".repeat(n), "]".repeat(n));
    assert!(!load_text(&arrays).is_empty());
    let tables = format!("x = {}1{}\n", "{a=".repeat(n), "}".repeat(n));
    assert!(!load_text(&tables).is_empty());
}

#[test]
fn odd_inputs_are_diagnosed() {
    for text in [
        "\u{feff}[security]\nallow_native_execution = true\n",
        "[[native_execution]]\nenabled = true\n",
        "security = 5\n",
        "[security]\nkey_provider = {}\n",
        "[security]\nkey_provider = { Environment = 3 }\n",
        "[native_execution]\nmax_memory_mb = 9223372036854775807\nmax_cpu_cores = inf\n",
        "[native_execution]\nmax_cpu_cores = nan\n",
        "[runtime]\nmax_loop_iterations = -1\n",
        "[security]\ndefault_sandbox_tier = 1979-05-27\n",
        "a.b.c.d = 1\n",
        "",
    ] {
        let _ = load_text(text);
    }
    assert_eq!(load_text("[native_execution]\nmax_cpu_cores = inf\n"), ["E0505"]);
    assert_eq!(load_text("[[native_execution]]\nenabled = true\n"), ["E0504"]);
    assert_eq!(load_text("[security]\nkey_provider = {}\n"), ["E0505"]);
    assert_eq!(load_text("[runtime]\nmax_loop_iterations = -1\n"), ["E0505"]);
    assert!(load_text("").is_empty());
    assert_eq!(load_text("[docker]\nimage = \"\"\n"), ["E0505"]);
    // `[api]` is used by `symbi up` now: an empty host is refused like an empty image; a key
    // of a section that is only validated may still be empty.
    assert_eq!(load_text("[api]\nhost = \"\"\n"), ["E0505"]);
    assert!(load_text("[database]\nqdrant_url = \"\"\n").is_empty());
    // A byte-order mark, as some editors write, is not an error.
    assert!(load_text("\u{feff}[security]\nallow_native_execution = true\n").is_empty());
}
