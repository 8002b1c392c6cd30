//! Every comment of a source text, found by a small scanner that knows where strings are.
//!
//! The parser drops comments (they are trivia in the grammar), so the formatter reads them
//! back from the text. The scanner follows the grammar's lexical rules: `//`, `///` and `#`
//! run to the end of the line, `/* */` nests, and nothing inside a `"..."` string (outside
//! its `${...}` interpolations) or a `"""..."""` raw string is a comment.

/// Whether a comment runs to the end of its line or is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...`, `/// ...` or `# ...`: ends at the newline, so nothing may follow it on its line.
    Line,
    /// `/* ... */`, possibly nested and spanning lines.
    Block,
}

/// One comment with its place in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Line or block.
    pub kind: CommentKind,
    /// First byte (the `/` or `#`).
    pub start: usize,
    /// One past the last byte (a line comment's trailing whitespace and newline are not
    /// part of it).
    pub end: usize,
    /// The text as it will be printed: trailing whitespace of a line comment removed,
    /// `\r\n` inside a block comment turned into `\n`.
    pub text: String,
    /// Nothing but whitespace precedes it on its line: it sits on a line of its own.
    pub own_line: bool,
    /// Nothing but whitespace follows it up to the end of its line.
    pub ends_line: bool,
}

/// What the scanner is inside of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Code; `braces` counts `{` opened inside an interpolation so its `}` is found.
    Code { braces: usize, interp: bool },
    /// A `"..."` string.
    Str,
}

/// Every comment of `text`, in source order. Never panics; an unterminated string or
/// comment simply runs to the end of the text.
pub fn scan(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut stack = vec![Mode::Code { braces: 0, interp: false }];
    let mut i = 0;
    while i < bytes.len() {
        let Some(&mode) = stack.last() else { break };
        let rest = &bytes[i..];
        match mode {
            Mode::Str => match bytes[i] {
                // An escape takes the next character whatever it is (`\"`, `\$`, `\\`).
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'$' if rest.starts_with(b"${") => {
                    stack.push(Mode::Code { braces: 0, interp: true });
                    i += 2;
                }
                _ => i += 1,
            },
            Mode::Code { braces, interp } => {
                if rest.starts_with(b"//") || bytes[i] == b'#' {
                    let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                    out.push(comment(text, CommentKind::Line, i, end));
                    i = end;
                } else if rest.starts_with(b"/*") {
                    let end = block_end(bytes, i);
                    out.push(comment(text, CommentKind::Block, i, end));
                    i = end;
                } else if rest.starts_with(b"\"\"\"") {
                    // Raw strings have no escapes: they end at the next `"""`.
                    i = text[i + 3..].find("\"\"\"").map_or(text.len(), |n| i + 3 + n + 3);
                } else {
                    match bytes[i] {
                        b'"' => stack.push(Mode::Str),
                        b'{' => set_braces(&mut stack, braces + 1, interp),
                        b'}' if braces == 0 && interp => {
                            stack.pop();
                        }
                        b'}' => set_braces(&mut stack, braces.saturating_sub(1), interp),
                        _ => {}
                    }
                    i += 1;
                }
            }
        }
    }
    out
}

fn set_braces(stack: &mut [Mode], braces: usize, interp: bool) {
    if let Some(top) = stack.last_mut() {
        *top = Mode::Code { braces, interp };
    }
}

/// One past the `*/` that closes the block comment opened at `start`, counting nesting.
fn block_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

fn comment(text: &str, kind: CommentKind, start: usize, end: usize) -> Comment {
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    let own_line = text[line_start..start].trim().is_empty();
    let line_end = text[end..].find('\n').map_or(text.len(), |n| end + n);
    let ends_line = text[end..line_end].trim().is_empty();
    let raw = &text[start..end];
    let (text, end) = match kind {
        // Trailing whitespace is not part of a line comment and is not printed.
        CommentKind::Line => (raw.trim_end().to_string(), start + raw.trim_end().len()),
        CommentKind::Block => (raw.replace("\r\n", "\n"), end),
    };
    Comment { kind, start, end, text, own_line, ends_line }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        scan(src).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn finds_each_kind() {
        let src = "// a\n/// b\n# c\nx /* d /* e */ f */ y // g  \r\n";
        assert_eq!(texts(src), ["// a", "/// b", "# c", "/* d /* e */ f */", "// g"]);
    }

    #[test]
    fn strings_hide_comment_markers() {
        let src = r#"let s = "a // b # c /* d" // real"#;
        assert_eq!(texts(src), ["// real"]);
        let src = "let s = \"\"\"\n  // no\n  # no\n  \"\"\" # yes";
        assert_eq!(texts(src), ["# yes"]);
        let src = r#"let s = "q \" // still string" # yes"#;
        assert_eq!(texts(src), ["# yes"]);
    }

    #[test]
    fn interpolations_are_code() {
        let src = r#"let s = "a ${ f({ k: "}" }) /* in */ } // no" // yes"#;
        assert_eq!(texts(src), ["/* in */", "// yes"]);
    }

    #[test]
    fn positions_on_the_line() {
        let c = scan("x = 1 // t\n  // own\n/* a */ y");
        assert!(!c[0].own_line && c[0].ends_line);
        assert!(c[1].own_line && c[1].ends_line);
        assert!(c[2].own_line && !c[2].ends_line);
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        assert_eq!(texts("/* open /* more"), ["/* open /* more"]);
        assert!(texts("\"open ${ \"x").is_empty());
        assert!(texts("\"\"\"open").is_empty());
        assert!(texts("\"ends in escape \\").is_empty());
    }
}
