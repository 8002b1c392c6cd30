//! Parse and lower arbitrary bytes: any UTF-8 input must return, never panic or overflow,
//! every diagnostic must point inside the input, and the tree must print.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = symbi::syntax::parse(text);
    for d in &parsed.diagnostics {
        assert!(d.span().end <= text.len(), "{d:?}");
    }
    for x in &parsed.dropped {
        assert!(x.span.end <= text.len(), "{x:?}");
    }
    let _ = symbi::syntax::to_sexpr(&parsed.file);
});
