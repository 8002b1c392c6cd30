//! Parse, lower and check arbitrary UTF-8 text: the checker must return, never panic or
//! overflow, and every diagnostic about the input must point inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let config = symbi::config::Config::default();
    let checked = symbi::check::check_source(text, &symbi::check::CheckContext::new(&config));
    for d in checked.diagnostics.iter().filter(|d| d.primary.as_ref().is_some_and(|l| l.source.is_none())) {
        assert!(d.span().end <= text.len(), "{d:?}");
    }
});
