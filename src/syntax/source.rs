//! Reading a source file: E0001 for unreadable or non-UTF-8 input.

use crate::diag::Diagnostic;
use crate::diag::codes;
use crate::files::{Links, Refusal};
use std::path::Path;

/// The largest agent file symbi reads (a real one is a few KiB; this only keeps a runaway
/// file from filling the memory).
pub const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a file as UTF-8 text. A missing or unreadable file, one that is not a regular file
/// or is larger than `MAX_SOURCE_BYTES` (64 MiB), or bytes that are not UTF-8 (reported with the
/// offset of the first bad byte), is an E0001 diagnostic.
// The shared interface returns the diagnostic itself; reading a file is not a hot path.
#[allow(clippy::result_large_err)]
pub fn read_source(path: &Path) -> Result<String, Diagnostic> {
    // The one guarded reader: a FIFO would block the open or the read for ever and a device
    // such as `/dev/zero` never ends, so only a regular file is read, whatever the path
    // turned into since it was listed.
    let bytes =
        crate::files::read(path, MAX_SOURCE_BYTES, Links::Follow).map_err(|refusal| match refusal {
            Refusal::NotRegular(kind) => Diagnostic::error(
                codes::INPUT_UNREADABLE,
                format!("`{}` is not a regular file ({kind})", path.display()),
            )
            .with_help("name an agent file"),
            other => Diagnostic::error(
                codes::INPUT_UNREADABLE,
                format!("cannot read `{}`: {other}", path.display()),
            ),
        })?;
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
