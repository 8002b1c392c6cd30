//! The audit log: one JSON line per execution, appended to `storage.audit_log`.
//!
//! The log is opened once, before anything runs (`O_APPEND`, `O_NOFOLLOW`, `O_NONBLOCK`,
//! created 0600, regular files only), and refused when it lies inside the working
//! directory, where the agent it records could rewrite it.
//!
//! Environment variables are recorded by name only, never by value, so the log can be kept
//! and shared without leaking secrets. A log that cannot be written is a warning for the
//! run (once), never a reason to stop it.

use crate::diag::Diagnostic;
use crate::diag::codes::AUDIT_LOG_REFUSED;
use crate::files::regular::{self, Refusal};
use crate::sandbox::Limits;
use crate::security::Tier;
use serde::Serialize;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
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
    pub tier: Tier,
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
    /// What fired the run (`api`, `schedule`, `webhook`), for runs of `symbi up`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The network address of the caller that fired the run, for runs of `symbi up`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
}

/// The current time in RFC 3339 (UTC), for audit entries.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| String::from("unknown"))
}

/// An append-only JSON-lines file, opened once before the run's first execution.
///
/// The descriptor is kept for the whole run: replacing the file at the path afterwards
/// (by a rename or a symbolic link) does not redirect the run's entries.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    /// The open log, or why it could not be opened (warned about at the first append).
    file: Result<File, String>,
    warned: AtomicBool,
    /// Stamped on every entry: who fired the run.
    caller: Option<super::launch::Caller>,
}

impl AuditLog {
    /// Opens the log at `path` for a run whose file builtins and processes work in
    /// `working_dir` (canonical).
    ///
    /// Refused (the run must not start): a path inside the working directory (the agent it
    /// records could rewrite it), a symbolic link, a FIFO, a device or anything else that is
    /// not a regular file. A log that merely cannot be opened (permissions, no such folder)
    /// is not refused: each run's first append reports it as a warning.
    pub fn open(path: &Path, working_dir: &Path) -> Result<Self, Box<Diagnostic>> {
        let refuse = |why: String, help: &str| {
            Box::new(
                Diagnostic::error(AUDIT_LOG_REFUSED, format!("the audit log `{}` {why}", path.display()))
                    .with_help(help.to_string()),
            )
        };
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
            return Err(refuse("is not a file path".into(), "set `storage.audit_log` to a file path"));
        };
        // The folder is created private to the user; an existing one keeps its mode.
        let _ = std::fs::DirBuilder::new().recursive(true).mode(0o700).create(parent);
        let resolved = std::fs::canonicalize(parent).map(|p| p.join(name)).unwrap_or(absolute.clone());
        if resolved.starts_with(working_dir) {
            return Err(refuse(
                format!("is inside the working directory `{}`", working_dir.display()),
                "set `storage.audit_log` to a path outside `native_execution.working_directory`: \
                 the agent it records can write anywhere in the working directory",
            ));
        }
        let file = match regular::open_write(&resolved, 0o600, true) {
            Ok(file) => Ok(file),
            Err(Refusal::NotRegular(kind)) => {
                return Err(refuse(
                    format!("is {kind}, not a regular file"),
                    "set `storage.audit_log` to a regular file (it is created when missing)",
                ));
            }
            Err(Refusal::Io(e)) => Err(e.to_string()),
            Err(Refusal::TooLarge(..)) => Err("too large".to_string()),
        };
        Ok(AuditLog { path: path.to_path_buf(), file, warned: AtomicBool::new(false), caller: None })
    }

    /// A log at `path`, opened now, with no working directory to keep it out of; a refusal
    /// becomes the warning of the first append.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        match AuditLog::open(&path, Path::new("/nonexistent/symbi")) {
            Ok(log) => log,
            Err(d) => {
                AuditLog { path, file: Err(d.message.clone()), warned: AtomicBool::new(false), caller: None }
            }
        }
    }

    /// The log, stamping `caller` (source and address) on every entry it appends.
    pub fn with_caller(mut self, caller: Option<super::launch::Caller>) -> Self {
        self.caller = caller;
        self
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

    /// Makes the appended lines durable (`fdatasync`). Appends are not synced one by one:
    /// a run calls this once at its end, success or failure (a SIGKILLed symbi's lines are
    /// in the page cache and survive it; only a crash of the machine can lose them).
    pub fn sync(&self) {
        if let Ok(file) = &self.file {
            let _ = file.sync_data();
        }
    }

    fn try_append(&self, entry: &AuditEntry) -> std::io::Result<()> {
        let mut line = match &self.caller {
            Some(caller) => {
                let mut stamped = entry.clone();
                stamped.source = Some(caller.source.clone());
                stamped.caller = caller.address.clone();
                serde_json::to_vec(&stamped)
            }
            None => serde_json::to_vec(entry),
        }
        .map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = self.file.as_ref().map_err(|e| std::io::Error::other(e.clone()))?;
        // One write of the whole line with O_APPEND, so concurrent runs do not interleave.
        file.write_all(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn entry() -> AuditEntry {
        AuditEntry {
            time: now_rfc3339(),
            agent: "A".into(),
            trigger: "t".into(),
            tier: Tier::None,
            argv: vec!["true".into()],
            env_keys: vec!["TOKEN".into()],
            working_directory: "/tmp".into(),
            limits: Limits::default(),
            outcome: "exited".into(),
            exit_code: Some(0),
            signal: None,
            duration_ms: 1,
            error: None,
            source: None,
            caller: None,
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
    fn a_log_inside_the_working_directory_or_not_a_regular_file_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_default();
        let work = root.join("work");
        let _ = std::fs::create_dir_all(&work);
        let code = |r: Result<AuditLog, Box<Diagnostic>>| r.err().map(|d| d.code);
        assert_eq!(code(AuditLog::open(&work.join("audit.jsonl"), &work)), Some(AUDIT_LOG_REFUSED));
        assert_eq!(code(AuditLog::open(&work.join("deeper/a.jsonl"), &work)), Some(AUDIT_LOG_REFUSED));
        let fifo = root.join("fifo");
        let _ = nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600));
        assert_eq!(code(AuditLog::open(&fifo, &work)), Some(AUDIT_LOG_REFUSED));
        let link = root.join("link.jsonl");
        let _ = std::os::unix::fs::symlink(root.join("target.jsonl"), &link);
        assert_eq!(code(AuditLog::open(&link, &work)), Some(AUDIT_LOG_REFUSED));
        assert_eq!(code(AuditLog::open(Path::new("/dev/null"), &work)), Some(AUDIT_LOG_REFUSED));
        // A path that reaches the working directory through a symbolic link is inside it.
        let _ = std::os::unix::fs::symlink(&work, root.join("alias"));
        assert_eq!(code(AuditLog::open(&root.join("alias/a.jsonl"), &work)), Some(AUDIT_LOG_REFUSED));
        let log = AuditLog::open(&root.join("logs/audit.jsonl"), &work);
        assert!(log.is_ok());
        let mode = std::fs::metadata(root.join("logs/audit.jsonl")).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
    }

    #[test]
    fn a_write_failure_warns_once() {
        let log = AuditLog::new("/proc/symbi-cannot-write-here/audit.jsonl");
        assert!(log.append(&entry()).is_some());
        assert_eq!(log.append(&entry()), None);
    }
}
