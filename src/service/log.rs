//! The service's own log lines on stderr: `symbi up: LEVEL message`, or one JSON object per
//! line when `SYMBIONT_LOG_FORMAT=json`. Never carries the bearer token.

use std::io::Write;
use std::sync::OnceLock;

static JSON: OnceLock<bool> = OnceLock::new();

/// Chooses JSON lines (`true`) or text for the rest of the process.
pub fn set_json(json: bool) {
    let _ = JSON.set(json);
}

fn line(level: &str, message: &str) {
    let text = if *JSON.get_or_init(|| false) {
        let time = crate::eval::audit::now_rfc3339();
        serde_json::json!({"time": time, "level": level, "message": message}).to_string()
    } else {
        format!("symbi up: {level}: {message}")
    };
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// An informational line.
pub fn info(message: &str) {
    line("info", message);
}

/// A warning line.
pub fn warn(message: &str) {
    line("warn", message);
}
