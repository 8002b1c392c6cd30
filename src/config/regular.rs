//! Reading a file the user named (`--config`, `--input @FILE`, the trust store) safely: only
//! a regular file, opened without blocking and read up to a cap. A FIFO would block the
//! open or the read for good, and a device such as `/dev/zero` never ends; both are refused
//! with a reason instead.

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The largest configuration file symbi reads (a real one is a few KiB).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads the regular file at `path`, at most `cap` bytes. The error is the reason, worded to
/// follow "cannot read `PATH`: ".
pub fn read_regular_file(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| io_reason(&e))?;
    // fstat on the opened file, not stat on the path: the path may be swapped in between.
    let meta = file.metadata().map_err(|e| io_reason(&e))?;
    let kind = meta.file_type();
    let refused = if kind.is_dir() {
        Some("a directory")
    } else if kind.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if kind.is_char_device() {
        Some("a character device")
    } else if kind.is_block_device() {
        Some("a block device")
    } else if kind.is_socket() {
        Some("a socket")
    } else if !kind.is_file() {
        Some("not a regular file")
    } else {
        None
    };
    if let Some(what) = refused {
        return Err(format!("it is {what}, not a regular file"));
    }
    if meta.len() > cap {
        return Err(format!("it is larger than {cap} bytes ({} bytes)", meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One byte past the cap tells a file that grew after the fstat from one that did not.
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > cap {
        return Err(format!("it is larger than {cap} bytes"));
    }
    Ok(bytes)
}

/// The OS error without its "(os error N)" suffix, which says nothing to a user.
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
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
        assert!(read_regular_file(dir.path(), 100).is_err_and(|e| e.contains("a directory")));
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
