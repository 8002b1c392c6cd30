//! `Program::Code`: the program text goes into a private temporary file whose path is the
//! interpreter's last argument. Never one huge argv (it would hit ARG_MAX and show up in
//! `ps`), and stdin stays free for the request's own input.
//!
//! A named file, not an anonymous one (`memfd`, `/proc/self/fd/N`): node resolves the real
//! path of its main script and cannot run a file that has none. The directory's name holds
//! symbi's pid and 64 random bits, so no one can guess it and create it first (it is made
//! with `mkdir`, which fails on an existing name). It is removed when the call ends; a symbi
//! killed with SIGKILL cannot remove it, so the first code call of every symbi removes the
//! directories of symbi processes that are gone.

use crate::diag::codes;
use crate::sandbox::SandboxError;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Once;

/// The start of every code directory's name: `symbi-code-<pid>-<random>`.
pub const PREFIX: &str = "symbi-code-";

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
        let base = std::env::temp_dir();
        static SWEEP: Once = Once::new();
        SWEEP.call_once(|| sweep_leftovers(&base));
        let dir = base.join(format!("{PREFIX}{}-{:016x}", std::process::id(), random()));
        let fail = |e: std::io::Error| {
            SandboxError::new(codes::CODE_NOT_STAGED, format!("the program text cannot be staged: {e}"))
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

/// 64 bits from the kernel's random source (a clock-based value only if that fails, which
/// still leaves `mkdir` refusing a name someone created first).
fn random() -> u64 {
    let mut bytes = [0u8; 8];
    // SAFETY: getrandom writes at most `bytes.len()` bytes into the buffer.
    let n = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    if n == bytes.len() as isize {
        return u64::from_ne_bytes(bytes);
    }
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// Removes the code directories in `base` that belong to this user and whose symbi is gone
/// (no process has that pid any more).
fn sweep_leftovers(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else { return };
    let euid = nix::unistd::geteuid().as_raw();
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() && m.uid() == euid);
        if pid == me || !ours {
            continue;
        }
        // A reused pid keeps the directory until that process is gone too: telling symbi
        // apart from other programs by executable would remove the files of a live symbi
        // built elsewhere (a test binary, another install).
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}
