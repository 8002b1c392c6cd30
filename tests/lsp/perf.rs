//! The language server's figures: diagnostics latency on a 1,000-line file and memory with
//! ten such files open (recorded in docs/performance.md, `## Language server`).

use super::client::{Client, file_uri};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A 1,006-line agent: 100 triggers of 10 lines, each with calls, methods and variables.
pub fn thousand_lines() -> String {
    let mut s =
        String::from("agent Big {\n  security {\n    tier: Tier1\n    capabilities: [\"network\"]\n  }\n");
    for i in 0..100 {
        s.push_str(&format!("  on trigger \"t{i}\" {{\n"));
        s.push_str("    let name = \"item ${input}\"\n");
        s.push_str("    let parts = name.trim().split(\" \")\n");
        s.push_str("    let count = len(parts) + 1\n");
        s.push_str("    if count > 2 {\n");
        s.push_str("      print(\"many: ${count}\")\n");
        s.push_str("    } else {\n");
        s.push_str("      log(name.upper(), \"info\")\n");
        s.push_str("    }\n");
        s.push_str("  }\n");
    }
    s.push_str("}\n");
    s
}

fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[test]
fn diagnostics_of_a_thousand_line_file_follow_a_change_quickly_and_ten_files_fit_in_memory() {
    let text = thousand_lines();
    assert!(text.lines().count() >= 1000, "{} lines", text.lines().count());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), json!({}), Value::Null);
    let uri = file_uri(&dir.path().join("big0.symbi"));
    client.open(&uri, &text);
    let first = client.diagnostics_for(&uri);
    assert_eq!(first["diagnostics"], json!([]), "the generated file is clean");

    // Each change breaks or mends one line near the end; the time is from sending the
    // change to reading the diagnostics of that version.
    let mut times = Vec::new();
    for version in 2..12 {
        let line = 990;
        let new = if version % 2 == 0 { "      prnt(\"many\")" } else { "      print(\"many\")" };
        let change = json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 99}}, "text": new}],
        });
        let started = Instant::now();
        client.notify("textDocument/didChange", change);
        let published = client.diagnostics_for(&uri);
        times.push(started.elapsed());
        assert_eq!(published["version"], version);
        assert_eq!(published["diagnostics"].as_array().map(Vec::len), Some(usize::from(version % 2 == 0)));
    }
    times.sort();
    let median = times[times.len() / 2];
    // Only a hang detector here: the recorded figure is the median printed below.
    assert!(median < Duration::from_secs(2), "median {median:?}");

    for i in 1..10 {
        let uri = file_uri(&dir.path().join(format!("big{i}.symbi")));
        client.open(&uri, &text);
        client.diagnostics_for(&uri);
    }
    let (rss, hwm) = (status_kb(client.pid(), "VmRSS:"), status_kb(client.pid(), "VmHWM:"));
    println!(
        "lsp: change -> diagnostics median {median:?} (min {:?}); ten files: VmRSS {rss} kB, VmHWM {hwm} kB",
        times[0]
    );
    assert!(hwm < 100 * 1024, "VmHWM {hwm} kB");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
