//! `Program::Code`: the program text goes into a private temporary file whose path is the
//! interpreter's last argument. Never one huge argv (it would hit ARG_MAX and show up in
//! `ps`), and stdin stays free for the request's own input.

use crate::sandbox::SandboxError;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// A code file that is removed (with its directory) when dropped.
#[derive(Debug)]
pub struct CodeFile {
    dir: PathBuf,
    /// The file's path, passed to the interpreter.
    pub path: PathBuf,
}

impl CodeFile {
    /// Writes `code` into a new directory (mode 0700) under the system temp directory.
    pub fn write(code: &str) -> Result<CodeFile, SandboxError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "symbi-code-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let fail = |e: std::io::Error| {
            SandboxError::new("E0410", format!("the program text cannot be staged: {e}"))
                .with_note(format!("in {}", dir.display()))
                .with_help("make the temporary directory ($TMPDIR, else /tmp) writable")
        };
        std::fs::DirBuilder::new().mode(0o700).create(&dir).map_err(fail)?;
        let file = CodeFile { path: dir.join("program"), dir: dir.clone() };
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&file.path)
            .and_then(|mut f| f.write_all(code.as_bytes()))
            .map_err(fail)?;
        Ok(file)
    }
}

impl Drop for CodeFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
