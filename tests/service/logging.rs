//! `[logging] level` and `format` shape the service's lines on stderr.

use super::harness::{Up, agent, config, folder, marker};
use nix::sys::signal::Signal;

fn stderr_with(logging: &str) -> (Option<i32>, String) {
    let text = format!("{}\n[logging]\n{logging}\n", config(""));
    let dir = folder(&agent(&marker()), &text);
    match Up::try_start(dir.path(), &[], &[]) {
        Ok(up) => {
            up.post("/api/v1/agents/Hello/triggers/go?wait=true", "");
            up.signal(Signal::SIGTERM);
            up.wait_exit()
        }
        Err(failed) => failed,
    }
}

#[test]
fn json_format_writes_one_object_per_line() {
    let (code, stderr) = stderr_with("format = \"Json\"\nlevel = \"debug\"");
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<serde_json::Value> =
        stderr.lines().map(|l| serde_json::from_str(l).unwrap_or_default()).collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| l["level"].is_string() && l["message"].is_string()),
        "{stderr}"
    );
    assert!(lines.iter().any(|l| l["level"] == "debug"), "debug lines are written at level debug: {stderr}");
}

#[test]
fn the_level_filters_and_unknown_values_refuse_to_start() {
    let (code, stderr) = stderr_with("level = \"warn\"");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("info:"), "{stderr}");
    let (code, stderr) = stderr_with("level = \"loud\"");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("logging.level"), "{stderr}");
}
