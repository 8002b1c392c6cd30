//! Byte offsets to LSP positions and back.
//!
//! Spans are byte offsets; LSP positions are (line, character) where `character` counts
//! UTF-16 code units unless the client and server agree on UTF-8 (LSP 3.17
//! `positionEncoding`). Converting only here keeps a multibyte character earlier on a line
//! from shifting a squiggle.

use crate::diag::{LineIndex, Span};
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

/// How the `character` of a position is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-16 code units: the LSP default, and what VS Code speaks.
    #[default]
    Utf16,
    /// UTF-8 code units (bytes), when the client offers it.
    Utf8,
}

impl Encoding {
    /// Picks UTF-8 when the client lists it among its `general.positionEncodings`,
    /// else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The kind announced in the server capabilities.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf8 => PositionEncodingKind::UTF8,
        }
    }
}

/// A text with its line index, converting in both directions.
#[derive(Clone, Copy, Debug)]
pub struct PositionMap<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    encoding: Encoding,
}

impl<'a> PositionMap<'a> {
    /// A map over `text`, whose `lines` must be `LineIndex::new(text)`.
    pub fn new(text: &'a str, lines: &'a LineIndex, encoding: Encoding) -> Self {
        PositionMap { text, lines, encoding }
    }

    /// The position of a byte offset (clamped to the text and to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = Span::point(offset).clamp_to(self.text).start;
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line).unwrap_or(0);
        let before = &self.text[start..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position. A line past the end gives the end of the text; a
    /// character past the end of its line gives the end of the line (as LSP asks); a
    /// character inside a surrogate pair or a UTF-8 sequence gives the character's start.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        let Some(start) = self.lines.line_start(line) else {
            return self.text.len();
        };
        let end = self.lines.line_start(line + 1).unwrap_or(self.text.len());
        let content = self.text[start..end].trim_end_matches(['\n', '\r']);
        let wanted = position.character as usize;
        let mut units = 0;
        for (i, c) in content.char_indices() {
            let width = match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + width > wanted {
                return start + i;
            }
            units += width;
        }
        start + content.len()
    }

    /// The byte span of a range.
    pub fn span(&self, range: Range) -> Span {
        Span::new(self.offset(range.start), self.offset(range.end))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str, encoding: Encoding, f: impl FnOnce(PositionMap<'_>)) {
        let lines = LineIndex::new(text);
        f(PositionMap::new(text, &lines, encoding));
    }

    #[test]
    fn emoji_counts_two_utf16_units_and_four_bytes() {
        // "😀" is U+1F600: one char, a surrogate pair in UTF-16, four bytes in UTF-8.
        let text = "let a = \"😀\" + x\n";
        let x = text.find('x').unwrap_or(0);
        map(text, Encoding::Utf16, |m| {
            assert_eq!(m.position(x), Position::new(0, 15));
            assert_eq!(m.offset(Position::new(0, 15)), x);
        });
        map(text, Encoding::Utf8, |m| {
            assert_eq!(m.position(x), Position::new(0, 17));
            assert_eq!(m.offset(Position::new(0, 17)), x);
        });
    }

    #[test]
    fn cjk_counts_one_utf16_unit_and_three_bytes() {
        let text = "// 智能体\nfoo()";
        let foo = text.find("foo").unwrap_or(0);
        map(text, Encoding::Utf16, |m| {
            assert_eq!(m.position(foo), Position::new(1, 0));
            assert_eq!(m.position(foo - 1), Position::new(0, 6));
        });
        map(text, Encoding::Utf8, |m| assert_eq!(m.position(foo - 1), Position::new(0, 12)));
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\r\ncd";
        map(text, Encoding::Utf16, |m| {
            assert_eq!(m.offset(Position::new(0, 99)), 2, "end of line, before CRLF");
            assert_eq!(m.offset(Position::new(9, 0)), text.len());
            assert_eq!(m.position(999), Position::new(1, 2));
        });
    }

    #[test]
    fn inside_a_surrogate_pair_rounds_down() {
        let text = "😀x";
        map(text, Encoding::Utf16, |m| assert_eq!(m.offset(Position::new(0, 1)), 0));
        map(text, Encoding::Utf8, |m| assert_eq!(m.offset(Position::new(0, 2)), 0));
    }

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])), Encoding::Utf16);
    }
}
