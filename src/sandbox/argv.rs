//! Command-line splitting by POSIX word rules, without a shell.
//!
//! `execute_native("python3 process.py 'a b'")` becomes `["python3", "process.py", "a b"]`.
//! Quotes and backslashes group and escape; nothing else is special: no globbing, no `$`
//! expansion, and `;`, `|`, `&&`, `>` are ordinary characters of an argument, because the
//! command never reaches a shell.

use super::SandboxError;
use crate::diag::codes;
use logos::Logos;

/// The pieces a command line is made of. A word is one or more adjacent pieces.
#[derive(Logos, Debug, PartialEq, Eq, Clone, Copy)]
enum Piece {
    /// Blanks separate words.
    #[regex(r"[ \t\r\n]+")]
    Blank,
    /// Characters with no special meaning.
    #[regex(r#"[^ \t\r\n'"\\]+"#)]
    Plain,
    /// `'...'`: every character literal, no escapes.
    #[regex(r"'[^']*'")]
    SingleQuoted,
    /// `'...` running to the end of the line.
    #[regex(r"'[^']*")]
    UnterminatedSingle,
    /// `"..."`: backslash escapes only `"`, `\`, `$`, `` ` `` and a newline.
    #[regex(r#""([^"\\]|\\[\s\S])*""#)]
    DoubleQuoted,
    /// `"...` running to the end of the line.
    #[regex(r#""([^"\\]|\\[\s\S])*\\?"#)]
    UnterminatedDouble,
    /// A backslash and a newline: a line continuation, removed.
    #[regex(r"\\\n")]
    Continuation,
    /// A backslash and the character it makes literal.
    #[regex(r"\\[^\n]")]
    Escaped,
    /// A backslash at the very end of the line.
    #[token("\\")]
    TrailingBackslash,
}

/// A command line that cannot be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgvError {
    /// Byte offset of the problem in the command line.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ArgvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

/// [`split`] for a sandbox: a line that cannot be split is refused with E0403, on every tier.
pub fn split_for_sandbox(line: &str) -> Result<Vec<String>, SandboxError> {
    split(line).map_err(|e| {
        SandboxError::new(
            codes::COMMAND_LINE_UNSPLITTABLE,
            format!("the command line cannot be split: {}", e.message),
        )
        .with_note(format!("at byte {} of `{line}`", e.offset))
        .with_help("close the quote, or escape the character with a backslash")
    })
}

/// Splits `line` into an argument vector by POSIX word rules (quotes, backslashes, adjacent
/// parts joining into one word), with no expansion of any kind.
pub fn split(line: &str) -> Result<Vec<String>, ArgvError> {
    let mut words = Vec::new();
    // `None` between words; `Some` once a word has started, even an empty `''`.
    let mut current: Option<String> = None;
    let mut lexer = Piece::lexer(line);
    while let Some(piece) = lexer.next() {
        let text = lexer.slice();
        let offset = lexer.span().start;
        let piece = piece.map_err(|()| ArgvError { offset, message: "unexpected character".into() })?;
        match piece {
            Piece::Blank => {
                if let Some(word) = current.take() {
                    words.push(word);
                }
            }
            Piece::Plain => current.get_or_insert_with(String::new).push_str(text),
            Piece::SingleQuoted => {
                current.get_or_insert_with(String::new).push_str(&text[1..text.len() - 1]);
            }
            Piece::DoubleQuoted => {
                unescape_double(&text[1..text.len() - 1], current.get_or_insert_with(String::new));
            }
            Piece::Continuation => {}
            Piece::Escaped => current.get_or_insert_with(String::new).push_str(&text[1..]),
            Piece::UnterminatedSingle => {
                return Err(ArgvError { offset, message: "unterminated single quote".into() });
            }
            Piece::UnterminatedDouble => {
                return Err(ArgvError { offset, message: "unterminated double quote".into() });
            }
            Piece::TrailingBackslash => {
                return Err(ArgvError { offset, message: "backslash at the end of the command".into() });
            }
        }
    }
    if let Some(word) = current {
        words.push(word);
    }
    Ok(words)
}

/// Inside double quotes a backslash only escapes `"`, `\`, `$`, `` ` `` and newline (which
/// it removes); before any other character it stays, as in a POSIX shell.
fn unescape_double(inner: &str, out: &mut String) {
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') => {}
            Some(next @ ('"' | '\\' | '$' | '`')) => out.push(next),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
}

/// Quotes `word` so that [`split`] gives it back unchanged (for messages and transcripts).
pub fn quote(word: &str) -> String {
    let plain =
        !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain { word.to_string() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Vec<String> {
        match split(line) {
            Ok(words) => words,
            Err(e) => panic!("{line:?} did not split: {e}"),
        }
    }

    #[test]
    fn blanks_separate_words() {
        assert_eq!(ok("  python3\tprocess.py \n x  "), ["python3", "process.py", "x"]);
        assert!(ok("").is_empty());
        assert!(ok("   ").is_empty());
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(ok(r#"echo 'a b' '$HOME' 'x\y' '"'"#), ["echo", "a b", "$HOME", r"x\y", "\""]);
    }

    #[test]
    fn double_quotes_escape_only_some_characters() {
        assert_eq!(
            ok(r#"echo "a b" "q\"q" "b\\s" "d\$" "n\x""#),
            ["echo", "a b", "q\"q", r"b\s", "d$", r"n\x"]
        );
        assert_eq!(ok("echo \"line\\\nnext\""), ["echo", "linenext"]);
    }

    #[test]
    fn adjacent_parts_join_and_empty_quotes_make_a_word() {
        assert_eq!(ok(r#"a'b c'"d e"f"#), ["ab cd ef"]);
        assert_eq!(ok("x '' \"\""), ["x", "", ""]);
        assert_eq!(ok("--opt='a b'"), ["--opt=a b"]);
    }

    #[test]
    fn backslash_escapes_outside_quotes() {
        assert_eq!(ok(r"a\ b c\'d \\"), ["a b", "c'd", r"\"]);
        assert_eq!(ok("a\\\nb"), ["ab"]);
    }

    #[test]
    fn shell_operators_are_ordinary_characters() {
        assert_eq!(
            ok("echo a;rm -rf / | cat && x > f $(id) `id` *"),
            ["echo", "a;rm", "-rf", "/", "|", "cat", "&&", "x", ">", "f", "$(id)", "`id`", "*"]
        );
    }

    #[test]
    fn non_ascii_text_is_kept() {
        assert_eq!(ok("echo 'héllo wörld' 日本"), ["echo", "héllo wörld", "日本"]);
    }

    #[test]
    fn unterminated_quotes_report_their_offset() {
        assert_eq!(
            split("echo 'abc"),
            Err(ArgvError { offset: 5, message: "unterminated single quote".into() })
        );
        assert_eq!(
            split(r#"echo ok "abc\""#),
            Err(ArgvError { offset: 8, message: "unterminated double quote".into() })
        );
        assert_eq!(split(r"echo \").map_err(|e| e.offset), Err(5));
    }

    #[test]
    fn quote_round_trips() {
        for word in ["plain", "a b", "it's", "", "$x", "日本", "a\\b"] {
            assert_eq!(ok(&quote(word)), [word]);
        }
    }
}
