//! A light scanner that knows only brackets, strings, comments and words.
//!
//! It runs before pest to bound nesting (pest recurses once per level, so 100,000 nested
//! brackets would overflow the stack), to find where top-level items start (error
//! recovery), and after a syntax error to give the error its context: which brackets are
//! open, what was opened where, and which token sits at the error.

use crate::diag::codes;
use crate::diag::{Diagnostic, Span};

/// What kind of bracket or string is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// `(`
    Paren,
    /// `[`
    Bracket,
    /// `{`
    Brace,
    /// `"` ... (a one-line string, possibly interpolated)
    Str,
    /// `${` inside a string
    Interp,
}

/// An open frame and where it was opened.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Open {
    /// The frame's kind.
    pub kind: Frame,
    /// The opening text (`{`, `"`, `${`).
    pub span: Span,
}

/// A token of the light scanner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// An identifier-shaped word (keywords included).
    Word,
    /// A number, duration included.
    Number,
    /// A whole string; `closed` is false when the line ended first.
    Str { closed: bool },
    /// A raw `"""` string; `closed` is false at end of input.
    RawStr { closed: bool },
    /// A block comment that never closes (closed ones are skipped).
    OpenComment,
    /// `(`, `[` or `{`.
    Open,
    /// `)`, `]` or `}`; `matched` is false when it does not close the innermost frame.
    Close { matched: bool },
    /// `${` inside a string.
    InterpOpen,
    /// The `}` that ends an interpolation.
    InterpClose,
    /// Any other character or operator.
    Punct,
    /// End of input.
    Eof,
}

/// A token with its span and whether a newline came before it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    /// The kind.
    pub tok: Tok,
    /// Where it is.
    pub span: Span,
    /// True when a line break separates it from the previous token.
    pub line_start: bool,
}

/// The scanner; `frames` is the stack of open brackets and strings at its position.
pub(crate) struct Scanner<'s> {
    text: &'s str,
    pos: usize,
    /// Open frames, innermost last.
    pub frames: Vec<Open>,
    /// The deepest block-comment nesting seen, with the comment that reached it.
    pub comment_depth: (usize, usize),
}

impl<'s> Scanner<'s> {
    /// A scanner over `text[start..]`, with positions relative to `text`.
    pub fn new(text: &'s str, start: usize) -> Self {
        Scanner { text, pos: start.min(text.len()), frames: Vec::new(), comment_depth: (0, 0) }
    }

    /// The next token.
    pub fn next_token(&mut self) -> Token {
        let bytes = self.text.as_bytes();
        if matches!(self.frames.last(), Some(Open { kind: Frame::Str, .. })) {
            return self.string_rest();
        }
        let mut line_start = self.pos == 0;
        loop {
            let Some(&b) = bytes.get(self.pos) else {
                return Token { tok: Tok::Eof, span: Span::point(self.pos), line_start };
            };
            match b {
                b'\n' => {
                    line_start = true;
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'#' => self.skip_line(),
                b'/' if bytes.get(self.pos + 1) == Some(&b'/') => self.skip_line(),
                b'/' if bytes.get(self.pos + 1) == Some(&b'*') => {
                    let start = self.pos;
                    if !self.skip_block_comment() {
                        let span = Span::new(start, self.pos);
                        return Token { tok: Tok::OpenComment, span, line_start };
                    }
                }
                _ => break,
            }
        }
        let start = self.pos;
        let b = bytes[start];
        let tok = match b {
            b'"' if bytes[start..].starts_with(b"\"\"\"") => {
                let body = start + 3;
                match self.text[body..].find("\"\"\"") {
                    Some(i) => {
                        self.pos = body + i + 3;
                        Tok::RawStr { closed: true }
                    }
                    None => {
                        self.pos = self.text.len();
                        Tok::RawStr { closed: false }
                    }
                }
            }
            b'"' => {
                self.frames.push(Open { kind: Frame::Str, span: Span::new(start, start + 1) });
                self.pos += 1;
                let mut t = self.string_rest();
                t.line_start = line_start;
                return t;
            }
            b'(' | b'[' | b'{' => {
                let kind = match b {
                    b'(' => Frame::Paren,
                    b'[' => Frame::Bracket,
                    _ => Frame::Brace,
                };
                self.frames.push(Open { kind, span: Span::new(start, start + 1) });
                self.pos += 1;
                Tok::Open
            }
            b')' | b']' | b'}' => {
                self.pos += 1;
                let want = match b {
                    b')' => Frame::Paren,
                    b']' => Frame::Bracket,
                    _ => Frame::Brace,
                };
                match self.frames.last().map(|f| f.kind) {
                    Some(Frame::Interp) if b == b'}' => {
                        self.frames.pop();
                        Tok::InterpClose
                    }
                    Some(k) if k == want => {
                        self.frames.pop();
                        Tok::Close { matched: true }
                    }
                    _ => Tok::Close { matched: false },
                }
            }
            b'0'..=b'9' => {
                self.pos += 1;
                while let Some(&c) = bytes.get(self.pos) {
                    let digit_after_dot =
                        c == b'.' && bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit);
                    if c.is_ascii_alphanumeric() || c == b'_' || digit_after_dot {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Tok::Number
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while bytes.get(self.pos).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    self.pos += 1;
                }
                Tok::Word
            }
            _ => {
                const OPS: [&[u8]; 9] = [b"==", b"!=", b"<=", b">=", b"&&", b"||", b"->", b"+=", b"${"];
                let rest = &bytes[start..];
                let len = OPS.iter().find(|op| rest.starts_with(op)).map_or_else(
                    || self.text[start..].chars().next().map_or(1, char::len_utf8),
                    |op| op.len(),
                );
                self.pos += len;
                Tok::Punct
            }
        };
        Token { tok, span: Span::new(start, self.pos), line_start }
    }

    /// Continues a string whose opening quote is the innermost frame.
    fn string_rest(&mut self) -> Token {
        let bytes = self.text.as_bytes();
        let start = self.frames.last().map_or(self.pos, |f| f.span.start);
        loop {
            match bytes.get(self.pos) {
                None | Some(b'\n') => {
                    self.frames.pop();
                    let span = Span::new(start, self.pos);
                    return Token { tok: Tok::Str { closed: false }, span, line_start: false };
                }
                Some(b'"') => {
                    self.pos += 1;
                    self.frames.pop();
                    let span = Span::new(start, self.pos);
                    return Token { tok: Tok::Str { closed: true }, span, line_start: false };
                }
                Some(b'\\') => self.pos = (self.pos + 2).min(bytes.len()),
                Some(b'$') if bytes.get(self.pos + 1) == Some(&b'{') => {
                    let span = Span::new(self.pos, self.pos + 2);
                    self.frames.push(Open { kind: Frame::Interp, span });
                    self.pos += 2;
                    return Token { tok: Tok::InterpOpen, span, line_start: false };
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn skip_line(&mut self) {
        match self.text[self.pos..].find('\n') {
            Some(i) => self.pos += i,
            None => self.pos = self.text.len(),
        }
    }

    /// Skips a (nested) block comment; false when it never closes.
    fn skip_block_comment(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut depth = 0usize;
        while self.pos < bytes.len() {
            if bytes[self.pos..].starts_with(b"/*") {
                depth += 1;
                if depth > self.comment_depth.0 {
                    self.comment_depth = (depth, start);
                }
                self.pos += 2;
            } else if bytes[self.pos..].starts_with(b"*/") {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return true;
                }
            } else {
                self.pos += 1;
            }
        }
        false
    }
}

/// E0119 when brackets, interpolations or block comments nest deeper than `limit`;
/// otherwise where the top-level items start (see [`starts_item`]). One pass serves both,
/// because every parse needs both and one scan is about 4% of the parse time.
pub(crate) fn check_nesting(text: &str, limit: usize) -> Result<Vec<usize>, Box<Diagnostic>> {
    let mut scanner = Scanner::new(text, 0);
    let mut item_starts = vec![0];
    // Type arguments (`List<List<...>>`) nest in the grammar too. A `<` right after a word
    // may open one; any token that cannot be part of a type ends the run.
    let mut angles = 0usize;
    let mut after_word = false;
    loop {
        let token = scanner.next_token();
        let punct = if token.tok == Tok::Punct { &text[token.span.start..token.span.end] } else { "" };
        match (token.tok, punct) {
            (Tok::Punct, "<") if after_word => {
                angles += 1;
                if angles > limit {
                    return Err(Box::new(too_deep(token.span, limit, "type arguments")));
                }
            }
            (Tok::Punct, ">") => angles = angles.saturating_sub(1),
            (Tok::Word, _) | (Tok::Punct, "," | "?") => {}
            _ => angles = 0,
        }
        after_word = token.tok == Tok::Word;
        // The opening brace of an item is scanned after its word, so the frames here are
        // those around the word.
        if scanner.frames.is_empty() && token.span.start > 0 && starts_item(text, &token) {
            item_starts.push(token.span.start);
        }
        if scanner.frames.len() > limit {
            let span = scanner.frames.last().map_or(token.span, |f| f.span);
            return Err(Box::new(too_deep(span, limit, "brackets")));
        }
        if scanner.comment_depth.0 > limit {
            let span = Span::new(scanner.comment_depth.1, scanner.comment_depth.1 + 2);
            return Err(Box::new(too_deep(span, limit, "block comments")));
        }
        if token.tok == Tok::Eof {
            return Ok(item_starts);
        }
    }
}

/// True when `token` can begin a top-level item: an `agent`, `fn` or `extern` word that
/// begins a line. (Whether it is outside every bracket is the caller's to know.)
pub(crate) fn starts_item(text: &str, token: &Token) -> bool {
    token.tok == Tok::Word
        && token.line_start
        && matches!(&text[token.span.start..token.span.end], "agent" | "fn" | "extern")
}

fn too_deep(span: Span, limit: usize, what: &str) -> Diagnostic {
    Diagnostic::error(codes::NESTING_TOO_DEEP, format!("{what} nest too deeply (more than {limit} levels)"))
        .with_primary(span, "this is one level too deep")
        .with_help("split the value or the code into named parts (`let`, `fn`)")
}
