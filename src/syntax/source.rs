//! Reading a source file: E0001 for unreadable or non-UTF-8 input.

use crate::diag::Diagnostic;
use crate::diag::codes;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Reads a file as UTF-8 text. A missing or unreadable file, or bytes that are not UTF-8
/// (reported with the offset of the first bad byte), is an E0001 diagnostic.
// The shared interface returns the diagnostic itself; reading a file is not a hot path.
#[allow(clippy::result_large_err)]
pub fn read_source(path: &Path) -> Result<String, Diagnostic> {
    let cannot_read = |e: std::io::Error| {
        Diagnostic::error(
            codes::INPUT_UNREADABLE,
            format!("cannot read `{}`: {}", path.display(), io_reason(&e)),
        )
    };
    // Opened without blocking and checked on the open file itself: a FIFO would block the
    // open or the read for ever and a device such as `/dev/zero` never ends, so only a
    // regular file is read, whatever the path turned into since it was listed.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(cannot_read)?;
    let meta = file.metadata().map_err(cannot_read)?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            codes::INPUT_UNREADABLE,
            format!("`{}` is not a regular file ({})", path.display(), file_kind(&meta)),
        )
        .with_help("name an agent file"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(cannot_read)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        Diagnostic::error(
            codes::INPUT_UNREADABLE,
            format!("`{}` is not UTF-8 text: invalid byte at offset {offset}", path.display()),
        )
        .with_note(format!("the text is valid up to byte {offset}"))
        .with_help("save the file as UTF-8")
    })
}

/// The OS reason without Rust's "(os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// What a path that is not a regular file is, in words (`a FIFO`), for diagnostics.
pub fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}
