//! A comment may sit in any gap between tokens: wherever one is inserted, the file still
//! formats, keeps the comment (and every other one) in order, and formats idempotently.

use crate::support::root;
use symbi::fmt::{format_source, scan_comments};
use symbi::syntax::parse;

/// The comments inserted, one at a time: a block note, a line comment, one on its own line.
const INSERTS: [&str; 3] = [" /* n */ ", " // l\n", "\n// own\n"];

fn comment_texts(text: &str) -> Vec<String> {
    scan_comments(text).into_iter().map(|c| c.text).collect()
}

/// Inserts each comment at each whitespace gap of `text` and checks every variant that parses.
fn check_every_gap(name: &str, text: &str) -> usize {
    let mut checked = 0;
    // The first whitespace after each token: one gap per token boundary.
    let gaps: Vec<usize> = text
        .char_indices()
        .zip(text.chars().skip(1))
        .filter(|((_, c), next)| !c.is_whitespace() && next.is_whitespace())
        .map(|((i, c), _)| i + c.len_utf8())
        .collect();
    // Every other gap gets one kind of comment, the kinds in turn, which keeps the run
    // short on a busy machine; `SYMBI_FMT_EVERY_GAP=1` tries every kind in every gap.
    let every = std::env::var_os("SYMBI_FMT_EVERY_GAP").is_some();
    for (n, at) in gaps.into_iter().enumerate() {
        for (k, insert) in INSERTS.into_iter().enumerate() {
            if !every && (n % 2 == 1 || k != (n / 2) % INSERTS.len()) {
                continue;
            }
            let variant = format!("{}{insert}{}", &text[..at], &text[at..]);
            if !parse(&variant).is_ok() {
                continue;
            }
            let out = match format_source(&variant) {
                Ok(out) => out,
                Err(diags) => panic!("{name}: {insert:?} at {at} is refused: {diags:#?}\n{variant}"),
            };
            assert_eq!(
                comment_texts(&out),
                comment_texts(&variant),
                "{name}: {insert:?} at {at}: comments changed\n--- input\n{variant}\n--- output\n{out}"
            );
            let again = format_source(&out);
            assert_eq!(
                again.as_ref(),
                Ok(&out),
                "{name}: {insert:?} at {at}: not idempotent\n--- input\n{variant}\n--- output\n{out}"
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn a_comment_in_any_gap_is_kept_and_formats_idempotently() {
    let mut checked = 0;
    for case in ["layout", "strings", "semicolons", "extern_decls", "trigger_sources"] {
        let path = root().join(format!("tests/cases/fmt/{case}.symbi"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // The formatted form has one gap per token boundary, which keeps the run short.
        let text = format_source(&text).unwrap_or(text);
        checked += check_every_gap(case, &text);
    }
    assert!(checked > 150, "only {checked} variants were checked");
}
