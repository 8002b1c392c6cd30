//! The formatter: one canonical layout for agent files, comments kept.
//!
//! [`format_source`] parses the text, prints the tree in the layout described in
//! `docs/formatting.md` with every comment where it was, and then parses its own output to
//! make sure the meaning (the tree without spans) did not change. A file with syntax errors
//! is never rewritten.

mod comments;
mod expr;
mod items;
mod printer;
mod raw_string;
mod stmt;
mod writer;

pub use comments::{Comment, CommentKind, scan as scan_comments};
pub use writer::MAX_WIDTH;

use crate::diag::codes;
use crate::diag::{Diagnostic, Span};
use crate::syntax::{parse, to_sexpr};

/// The text in canonical layout, or the syntax errors that keep it from being formatted.
///
/// Never panics. A leading byte-order mark is dropped (the parser skips it), line ends become `\n`, and the
/// result ends with one newline. If the layout would change what the file means (which
/// would be a bug of the formatter), the result is an E0002 error and not a rewrite.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse(text);
    if !parsed.is_ok() {
        return Err(parsed.diagnostics.into_iter().filter(Diagnostic::is_error).collect());
    }
    let mut printer = printer::Printer::new(text, comments::scan(text));
    printer.file(&parsed.file);
    let output = printer.finish();
    // One tree at a time: the original's is dropped before the output is parsed, since
    // a tree takes many times the bytes of its text (a 54 MB file's takes gigabytes).
    let before = to_sexpr(&parsed.file);
    drop(parsed);
    let reparsed = parse(&output);
    let (ok, after) = (reparsed.is_ok(), to_sexpr(&reparsed.file));
    drop(reparsed);
    if !ok || before != after {
        return Err(vec![meaning_changed(text, &before, &after)]);
    }
    Ok(output)
}

/// E0002, with the first line where the trees differ so the report can be acted on.
fn meaning_changed(text: &str, before: &str, after: &str) -> Diagnostic {
    let differs = before.lines().zip(after.lines().chain(std::iter::repeat(""))).find(|(b, a)| b != a);
    let mut diag = Diagnostic::error(
        codes::FORMAT_CHANGES_MEANING,
        "the formatter cannot lay this file out without changing its meaning",
    )
    .with_primary(Span::new(0, text.len().min(1)), "the file is left as it is")
    .with_note("this is a bug of `symbi fmt`; the file itself is fine")
    .with_help("please report the file; `symbi check` and `symbi run` are not affected");
    if let Some((b, a)) = differs {
        diag = diag.with_note(format!("the tree was `{b}`\nand would become `{a}`"));
    }
    diag
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats `stmt` as the only statement of a trigger and returns it.
    fn stmt(stmt: &str) -> String {
        let src = format!("agent A {{\n  on trigger \"t\" {{\n    {stmt}\n  }}\n}}\n");
        let out = format_source(&src).unwrap_or_else(|d| panic!("{stmt}: {d:?}"));
        out.lines().nth(2).unwrap_or_default().trim().to_string()
    }

    #[test]
    fn parentheses_only_where_precedence_needs_them() {
        assert_eq!(stmt("let a = (1 + 2) * 3"), "let a = (1 + 2) * 3");
        assert_eq!(stmt("let a = 1 + (2 * 3)"), "let a = 1 + 2 * 3");
        assert_eq!(stmt("let a = x - (y - z)"), "let a = x - (y - z)");
        assert_eq!(stmt("let a = (x - y) - z"), "let a = x - y - z");
        assert_eq!(stmt("let a = -(x.y)"), "let a = -x.y");
        assert_eq!(stmt("let a = (-x).y"), "let a = (-x).y");
        assert_eq!(stmt("let a = !(p && q) || (r)"), "let a = !(p && q) || r");
        assert_eq!(stmt("let a = (a < b) == (c < d)"), "let a = a < b == c < d");
    }

    #[test]
    fn syntax_errors_are_returned_not_rewritten() {
        let errs = format_source("agent A {").expect_err("an unclosed agent is an error");
        assert!(!errs.is_empty() && errs.iter().all(|d| d.code.as_str().starts_with("E01")), "{errs:?}");
    }

    #[test]
    fn a_layout_that_would_move_a_doc_comment_is_refused() {
        let src = "extern record R {\n  /// shared\n  a: Int, b: Int\n}\n";
        let errs = format_source(src).expect_err("splitting the line would undocument b");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, codes::FORMAT_CHANGES_MEANING);
        assert!(errs[0].notes.iter().any(|n| n.contains("(b Int (doc \"shared\"))")), "{:?}", errs[0].notes);
    }

    #[test]
    fn byte_order_mark_and_crlf_are_normalised() {
        let src = "\u{feff}agent A {\r\n  on trigger \"t\" {} // c\r\n}\r\n";
        assert_eq!(format_source(src).as_deref(), Ok("agent A {\n  on trigger \"t\" {} // c\n}\n"));
        assert_eq!(format_source("").as_deref(), Ok(""));
    }
}
