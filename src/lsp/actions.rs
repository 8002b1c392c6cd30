//! Quick fixes for diagnostics with one obvious fix.

use super::documents::Document;
use super::position::Encoding;
use tower_lsp_server::ls_types::{CodeAction, Diagnostic, Uri};

/// The quick fixes for the `diagnostics` the client sent.
pub fn code_actions(
    _doc: &Document,
    _enc: Encoding,
    _uri: &Uri,
    _diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    Vec::new()
}
