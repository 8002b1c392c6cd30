//! Formatting through the formatter of `symbi fmt`.

use super::documents::Document;
use super::position::Encoding;
use crate::diag::Span;
use tower_lsp_server::ls_types::TextEdit;

/// The edit that formats `doc`: one replacement of the whole text, or none when it is
/// already formatted. A text with syntax errors is left alone (`None`), as `symbi fmt` does.
pub fn format_document(doc: &Document, enc: Encoding) -> Option<Vec<TextEdit>> {
    let formatted = crate::fmt::format_source(&doc.text).ok()?;
    if formatted == doc.text {
        return Some(Vec::new());
    }
    let range = doc.positions(enc).range(Span::new(0, doc.text.len()));
    Some(vec![TextEdit::new(range, formatted)])
}
