//! The audit log: one JSON line per execution, appended to `storage.audit_log`.
//!
//! Environment variables are recorded by name only, never by value, so the log can be kept
//! and shared without leaking secrets. A log that cannot be written is a warning for the
//! run (once), never a reason to stop it.

use crate::sandbox::Limits;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// One execution, as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    /// When the execution started (RFC 3339, UTC).
    pub time: String,
    /// The agent.
    pub agent: String,
    /// The trigger whose handler ran it.
    pub trigger: String,
    /// The tier it ran on.
    pub tier: String,
    /// The argument vector (for code, the interpreter and `<code on stdin>`).
    pub argv: Vec<String>,
    /// The names of the variables passed explicitly (values are never written).
    pub env_keys: Vec<String>,
    /// The working directory.
    pub working_directory: String,
    /// The limits it ran under.
    pub limits: Limits,
    /// `started` (written before the spawn; the outcome follows in a second line),
    /// `exited`, `signaled`, `timed_out`, `refused` (the sandbox would not run it) or
    /// `interrupted` (SIGINT/SIGTERM ended the run while it ran).
    pub outcome: String,
    /// The exit status, when it exited.
    pub exit_code: Option<i32>,
    /// The signal that ended it.
    pub signal: Option<String>,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// The diagnostic code, when it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The current time in RFC 3339 (UTC), for audit entries.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| String::from("unknown"))
}

/// An append-only JSON-lines file.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    warned: AtomicBool,
}

impl AuditLog {
    /// A log at `path` (created, with its folder, on the first write).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        AuditLog { path: path.into(), warned: AtomicBool::new(false) }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entry`. On failure returns the warning to show, the first time only.
    pub fn append(&self, entry: &AuditEntry) -> Option<String> {
        match self.try_append(entry) {
            Ok(()) => None,
            Err(e) if !self.warned.swap(true, Ordering::Relaxed) => {
                Some(format!("cannot write the audit log `{}`: {e}", self.path.display()))
            }
            Err(_) => None,
        }
    }

    fn try_append(&self, entry: &AuditEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        // One write of the whole line with O_APPEND, so concurrent runs do not interleave.
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        file.write_all(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            time: now_rfc3339(),
            agent: "A".into(),
            trigger: "t".into(),
            tier: "None".into(),
            argv: vec!["true".into()],
            env_keys: vec!["TOKEN".into()],
            working_directory: "/tmp".into(),
            limits: Limits::default(),
            outcome: "exited".into(),
            exit_code: Some(0),
            signal: None,
            duration_ms: 1,
            error: None,
        }
    }

    #[test]
    fn entries_append_as_json_lines() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let log = AuditLog::new(dir.path().join("sub/audit.jsonl"));
        assert_eq!(log.append(&entry()), None);
        assert_eq!(log.append(&entry()), None);
        let text = std::fs::read_to_string(log.path()).unwrap_or_default();
        let lines: Vec<serde_json::Value> =
            text.lines().map(|l| serde_json::from_str(l).unwrap_or_default()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["env_keys"], serde_json::json!(["TOKEN"]));
        assert_eq!(lines[0]["limits"]["timeout"], 300_000);
    }

    #[test]
    fn a_write_failure_warns_once() {
        let log = AuditLog::new("/proc/symbi-cannot-write-here/audit.jsonl");
        assert!(log.append(&entry()).is_some());
        assert_eq!(log.append(&entry()), None);
    }
}
