//! Reading a file the user named (`--config`, `--input @FILE`, the trust store) safely: only
//! a regular file, opened without blocking and read up to a cap (the one reader,
//! [`crate::files::regular`]). A FIFO would block the open or the read for good, and a
//! device such as `/dev/zero` never ends; both are refused with a reason instead.

use crate::files::{Links, read};
use std::path::Path;

pub use crate::files::io_reason;

/// The largest configuration file symbi reads (a real one is a few KiB).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads the regular file at `path` (following a symbolic link), at most `cap` bytes. The
/// error is the reason, worded to follow "cannot read `PATH`: ".
pub fn read_regular_file(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    read(path, cap, Links::Follow).map_err(|refusal| refusal.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_everything_else_refused() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "x = 1\n")?;
        assert_eq!(read_regular_file(&file, 100), Ok(b"x = 1\n".to_vec()));
        assert_eq!(read_regular_file(&file, 3), Err("it is larger than 3 bytes (6 bytes)".into()));
        assert!(read_regular_file(dir.path(), 100).is_err_and(|e| e.contains("a folder")));
        assert!(
            read_regular_file(Path::new("/dev/zero"), 100).is_err_and(|e| e.contains("character device"))
        );
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600))?;
        assert!(read_regular_file(&fifo, 100).is_err_and(|e| e.contains("FIFO")));
        assert!(read_regular_file(&dir.path().join("none"), 100).is_err_and(|e| e.contains("No such file")));
        Ok(())
    }
}
