//! Hover: what the word under the cursor is.

use super::documents::Document;
use super::position::Encoding;
use tower_lsp_server::ls_types::{Hover, Position};

/// The hover for `position` in `doc`.
pub fn hover(_doc: &Document, _enc: Encoding, _position: Position) -> Option<Hover> {
    None
}
