//! The open documents: their text, version and last analysis.

use super::analysis::Analysis;
use super::position::{Encoding, PositionMap};
use crate::diag::LineIndex;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// One open document.
#[derive(Debug)]
pub struct Document {
    /// The current text.
    pub text: String,
    /// The client's version of that text.
    pub version: i32,
    /// Line starts of `text`, rebuilt on every change.
    pub lines: LineIndex,
    /// Parse and check results for `text` (recomputed on every change).
    pub analysis: Analysis,
}

impl Document {
    /// A document with its first text, analysed.
    pub fn new(text: String, version: i32, analysis: Analysis) -> Self {
        let lines = LineIndex::new(&text);
        Document { text, version, lines, analysis }
    }

    /// Position conversions for the current text.
    pub fn positions(&self, encoding: Encoding) -> PositionMap<'_> {
        PositionMap::new(&self.text, &self.lines, encoding)
    }

    /// Applies the changes of one `didChange`, in order: a change without a range replaces
    /// the whole text (full sync); one with a range replaces that range (incremental sync).
    pub fn apply_changes(&mut self, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    // Each change is relative to the text after the previous one, so the
                    // line index is rebuilt before converting the next range.
                    let span = self.positions(encoding).span(range);
                    let span = span.clamp_to(&self.text);
                    self.text.replace_range(span, &change.text);
                }
            }
            self.lines = LineIndex::new(&self.text);
        }
    }
}

/// Every open document, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<Uri, Document>,
}

impl Documents {
    /// Stores a newly opened document (replacing one with the same URI).
    pub fn open(&mut self, uri: Uri, document: Document) {
        self.open.insert(uri, document);
    }

    /// Forgets a closed document; true when it was open.
    pub fn close(&mut self, uri: &Uri) -> bool {
        self.open.remove(uri).is_some()
    }

    /// The open document at `uri`.
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    /// The open document at `uri`, for changing it.
    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.open.get_mut(uri)
    }

    /// Number of open documents.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// True when no document is open.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(range: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((a, b), (c, d))| Range::new(Position::new(a, b), Position::new(c, d))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order_in_utf16() {
        let mut doc = Document::new("a 😀 b\nline two\n".into(), 1, Analysis::default());
        // Replace "b" (after a surrogate pair: UTF-16 column 5), then insert on line 1.
        doc.apply_changes(
            vec![change(Some(((0, 5), (0, 6))), "c"), change(Some(((1, 0), (1, 4))), "LINE")],
            Encoding::Utf16,
        );
        assert_eq!(doc.text, "a 😀 c\nLINE two\n");
        assert_eq!(doc.lines.line_count(), 3);
    }

    #[test]
    fn a_change_without_range_replaces_everything() {
        let mut doc = Document::new("old".into(), 1, Analysis::default());
        doc.apply_changes(vec![change(None, "new\ntext")], Encoding::Utf16);
        assert_eq!(doc.text, "new\ntext");
        assert_eq!(doc.lines.line_count(), 2);
    }

    #[test]
    fn ranges_past_the_end_clamp_instead_of_panicking() {
        let mut doc = Document::new("abc".into(), 1, Analysis::default());
        doc.apply_changes(vec![change(Some(((5, 0), (9, 9))), "!")], Encoding::Utf8);
        assert_eq!(doc.text, "abc!");
    }
}
