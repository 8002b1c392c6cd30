//! Opening files that must be regular files.
//!
//! A FIFO, a device or a socket planted where a file was expected must not block symbi
//! (an `open` of a FIFO waits for the other end, a `read` of `/dev/zero` never ends), so
//! every open here is `O_NONBLOCK` (a FIFO opens at once, or fails with `ENXIO` for a
//! writer without a reader) and `O_CLOEXEC` (children do not inherit it), with
//! `O_NOFOLLOW` (a symbolic link in the last component is refused, not followed) where the
//! caller asks for it, and the opened descriptor is checked with `fstat` before a byte
//! moves: the path may have been swapped since it was listed.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Whether a symbolic link in the last component of the path is followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Follow it: a path the user named (an agent file, `--config`, `--input @FILE`).
    Follow,
    /// Refuse it: a path an agent names, which must stay inside its working directory.
    Refuse,
}

/// Why a file could not be used.
#[derive(Debug)]
pub enum Refusal {
    /// The path names something other than a regular file (its kind, e.g. `a FIFO`).
    NotRegular(&'static str),
    /// The file is larger than the cap (its size, when known, and the cap), in bytes.
    TooLarge(Option<u64>, u64),
    /// The operating system refused.
    Io(io::Error),
}

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Self {
        match e.raw_os_error() {
            // O_NOFOLLOW on a symbolic link.
            Some(libc::ELOOP) => Refusal::NotRegular("a symbolic link"),
            // O_NONBLOCK | O_WRONLY on a FIFO nobody reads.
            Some(libc::ENXIO) => Refusal::NotRegular("a FIFO or a device without a reader"),
            _ => Refusal::Io(e),
        }
    }
}

impl std::fmt::Display for Refusal {
    /// The reason, worded to follow "cannot read `PATH`: ".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            Refusal::TooLarge(Some(size), cap) => write!(f, "it is larger than {cap} bytes ({size} bytes)"),
            Refusal::TooLarge(None, cap) => write!(f, "it is larger than {cap} bytes"),
            Refusal::Io(e) => f.write_str(&io_reason(e)),
        }
    }
}

/// The OS error without its "(os error N)" suffix, which says nothing to a user.
pub fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// What kind of file `meta` describes, in words (`None` for a regular file).
pub fn irregular_kind(meta: &Metadata) -> Option<&'static str> {
    let ty = meta.file_type();
    Some(if ty.is_file() {
        return None;
    } else if ty.is_dir() {
        "a folder"
    } else if ty.is_symlink() {
        "a symbolic link"
    } else if ty.is_fifo() {
        "a FIFO"
    } else if ty.is_char_device() {
        "a character device"
    } else if ty.is_block_device() {
        "a block device"
    } else if ty.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    })
}

fn flags(links: Links) -> i32 {
    let nofollow = if links == Links::Refuse { libc::O_NOFOLLOW } else { 0 };
    libc::O_NONBLOCK | libc::O_CLOEXEC | nofollow
}

/// The file's metadata as the open will see it: the link itself when links are refused.
fn peek(path: &Path, links: Links) -> io::Result<Metadata> {
    match links {
        Links::Follow => std::fs::metadata(path),
        Links::Refuse => std::fs::symlink_metadata(path),
    }
}

/// Refuses `file` unless it is a regular file.
fn ensure_regular(file: &File) -> Result<Metadata, Refusal> {
    let meta = file.metadata()?;
    match irregular_kind(&meta) {
        None => Ok(meta),
        Some(kind) => Err(Refusal::NotRegular(kind)),
    }
}

/// Reads the whole regular file at `path`, refusing it past `cap` bytes (checked on the size
/// and again while reading, so a file that grows meanwhile is still cut off).
pub fn read(path: &Path, cap: u64, links: Links) -> Result<Vec<u8>, Refusal> {
    // Refuse what is already visible as irregular before opening: opening a device can
    // have effects of its own.
    if let Ok(meta) = peek(path, links)
        && let Some(kind) = irregular_kind(&meta)
    {
        return Err(Refusal::NotRegular(kind));
    }
    let file = OpenOptions::new().read(true).custom_flags(flags(links)).open(path)?;
    let meta = ensure_regular(&file)?;
    if meta.len() > cap {
        return Err(Refusal::TooLarge(Some(meta.len()), cap));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(Refusal::TooLarge(None, cap));
    }
    Ok(bytes)
}

/// Opens the regular file at `path` for writing (created with `mode` when missing), without
/// truncating it: the caller truncates once the descriptor is known to be a regular file.
/// A symbolic link is refused.
pub fn open_write(path: &Path, mode: u32, append: bool) -> Result<File, Refusal> {
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && let Some(kind) = irregular_kind(&meta)
    {
        return Err(Refusal::NotRegular(kind));
    }
    let file = OpenOptions::new()
        .write(true)
        .append(append)
        .create(true)
        .mode(mode)
        .custom_flags(flags(Links::Refuse))
        .open(path)?;
    ensure_regular(&file)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(r: Result<impl Sized, Refusal>) -> String {
        match r {
            Ok(_) => "ok".into(),
            Err(Refusal::NotRegular(k)) => k.into(),
            Err(Refusal::TooLarge(..)) => "too large".into(),
            Err(Refusal::Io(e)) => format!("io: {e}"),
        }
    }

    #[test]
    fn only_regular_files_open() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("f.txt");
        let _ = std::fs::write(&file, "hello");
        let fifo = dir.path().join("fifo");
        let _ = nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600));
        let link = dir.path().join("link");
        let _ = std::os::unix::fs::symlink(&file, &link);
        let refuse = Links::Refuse;
        assert_eq!(kind(read(&file, 100, refuse)), "ok");
        assert_eq!(kind(read(&file, 4, refuse)), "too large");
        assert_eq!(kind(read(&fifo, 100, refuse)), "a FIFO");
        assert_eq!(kind(read(&link, 100, refuse)), "a symbolic link");
        assert_eq!(kind(read(&link, 100, Links::Follow)), "ok");
        assert_eq!(kind(read(dir.path(), 100, refuse)), "a folder");
        assert_eq!(kind(read(Path::new("/dev/zero"), 100, Links::Follow)), "a character device");
        let fifo_link = dir.path().join("fifo-link");
        let _ = std::os::unix::fs::symlink(&fifo, &fifo_link);
        assert_eq!(kind(read(&fifo_link, 100, Links::Follow)), "a FIFO");
        assert_eq!(kind(open_write(&fifo, 0o600, false)), "a FIFO");
        assert_eq!(kind(open_write(&link, 0o600, true)), "a symbolic link");
        assert_eq!(kind(open_write(Path::new("/dev/null"), 0o600, true)), "a character device");
        assert_eq!(kind(open_write(&dir.path().join("new"), 0o600, false)), "ok");
    }
}
