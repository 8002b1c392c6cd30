//! Format arbitrary UTF-8 text and hold the formatter to what `docs/formatting.md`
//! promises: a file that parses is either formatted or refused with E0002 (never a
//! panic); a formatted file keeps every comment in order, parses to the same tree
//! (`format_source` checks that itself), and formatting it again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use symbi::fmt::{format_source, scan_comments};

fn comment_texts(text: &str) -> Vec<String> {
    scan_comments(text).into_iter().map(|c| c.text.trim_end().to_string()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parses = symbi::syntax::parse(text).is_ok();
    let out = match format_source(text) {
        Ok(out) => out,
        Err(diags) => {
            // Refused: for syntax errors, or (E0002) a layout that would change meaning.
            assert!(!diags.is_empty());
            if parses {
                assert!(diags.iter().all(|d| d.code == "E0002"), "{diags:?}");
            }
            return;
        }
    };
    assert!(parses, "text with syntax errors was formatted");
    assert_eq!(comment_texts(&out), comment_texts(text), "comments changed\n{out}");
    assert_eq!(format_source(&out).as_ref(), Ok(&out), "not idempotent");
});
