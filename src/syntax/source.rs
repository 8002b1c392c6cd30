//! Reading a source file: E0001 for unreadable or non-UTF-8 input.

use crate::diag::Diagnostic;
use std::path::Path;

/// Reads a file as UTF-8 text. A missing or unreadable file, or bytes that are not UTF-8
/// (reported with the offset of the first bad byte), is an E0001 diagnostic.
// The shared interface returns the diagnostic itself; reading a file is not a hot path.
#[allow(clippy::result_large_err)]
pub fn read_source(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error("E0001", format!("cannot read `{}`: {}", path.display(), io_reason(&e)))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        Diagnostic::error(
            "E0001",
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
