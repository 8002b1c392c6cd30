//! The service's own log lines on stderr: `symbi up: LEVEL: message`, or one JSON object per
//! line (`[logging] format = "json"`), from `[logging] level` up. Never carries the token.

use std::io::Write;
use std::sync::OnceLock;

/// The levels, least severe first.
const LEVELS: [&str; 4] = ["debug", "info", "warn", "error"];

/// (JSON lines, least severe level written).
static SETTINGS: OnceLock<(bool, usize)> = OnceLock::new();

/// Applies `[logging]` for the rest of the process; an unknown level or format is an error
/// naming the accepted values.
pub fn configure(level: &str, format: &str) -> Result<(), String> {
    let level_index = LEVELS
        .iter()
        .position(|l| l.eq_ignore_ascii_case(level))
        .ok_or_else(|| format!("`logging.level` is `{level}`; write one of {}", LEVELS.join(", ")))?;
    let json = match format.to_ascii_lowercase().as_str() {
        "json" => true,
        "pretty" | "compact" => false,
        _ => return Err(format!("`logging.format` is `{format}`; write pretty, compact or json")),
    };
    let _ = SETTINGS.set((json, level_index));
    Ok(())
}

fn line(level: usize, message: &str) {
    let (json, least) = *SETTINGS.get_or_init(|| (false, 1));
    if level < least {
        return;
    }
    let name = LEVELS[level];
    let text = if json {
        let time = crate::eval::audit::now_rfc3339();
        serde_json::json!({"time": time, "level": name, "message": message}).to_string()
    } else {
        format!("symbi up: {name}: {message}")
    };
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// A debugging line.
pub fn debug(message: &str) {
    line(0, message);
}

/// An informational line.
pub fn info(message: &str) {
    line(1, message);
}

/// A warning line.
pub fn warn(message: &str) {
    line(2, message);
}
