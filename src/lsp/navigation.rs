//! Definition, references and document symbols.

use super::documents::Document;
use super::position::Encoding;
use tower_lsp_server::ls_types::{DocumentSymbol, Position, Range};

/// Where the name at `position` is defined.
pub fn definition(_doc: &Document, _enc: Encoding, _position: Position) -> Option<Range> {
    None
}

/// Every use of the name at `position`.
pub fn references(_doc: &Document, _enc: Encoding, _position: Position, _include: bool) -> Vec<Range> {
    Vec::new()
}

/// The outline: agents, their triggers and functions, and top-level functions.
pub fn document_symbols(_doc: &Document, _enc: Encoding) -> Vec<DocumentSymbol> {
    Vec::new()
}
