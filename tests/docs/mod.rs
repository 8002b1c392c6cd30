//! The documentation keeps up with the code: every diagnostic code is explained, and the
//! fields of `ExecResult` are the ones the standard library declares.

mod architecture;

use crate::support::{root, symbi};
use std::collections::BTreeSet;

/// Every `"E0123"` / `"W0123"` string literal in the sources.
fn codes_in_sources() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for path in crate::support::rust_files(&root().join("src")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Unit tests use made-up codes; only the code above them counts.
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices('"') {
            let lit = &bytes[i + 1..(i + 7).min(bytes.len())];
            let is_code = lit.len() == 6
                && (lit[0] == b'E' || lit[0] == b'W')
                && lit[1..5].iter().all(u8::is_ascii_digit)
                && lit[5] == b'"';
            if is_code {
                codes.insert(String::from_utf8_lossy(&lit[..5]).into_owned());
            }
        }
    }
    codes
}

#[test]
fn every_code_in_the_sources_is_documented_and_explained() {
    let codes = codes_in_sources();
    let documented: BTreeSet<String> =
        symbi::diag::explain::documented_codes().into_iter().map(String::from).collect();
    let missing: Vec<_> = codes.difference(&documented).collect();
    assert!(missing.is_empty(), "codes used in src/ but not documented in docs/diagnostics.md: {missing:?}");
}

#[test]
fn explain_prints_the_entry_and_refuses_unknown_codes() {
    let out = symbi(&["explain", "E0001"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("### E0001: the input cannot be read"));
    let out = symbi(&["explain", "E9999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no diagnostic has the code `E9999`"));
}

#[test]
fn language_md_lists_the_exec_result_fields_the_stdlib_declares() {
    let text = std::fs::read_to_string(root().join("docs/language.md")).unwrap_or_default();
    let marker = "The fields of `ExecResult`:";
    let listing = text.split(marker).nth(1).and_then(|rest| rest.split(".\n").next()).unwrap_or_default();
    let listed: Vec<&str> = listing.split('`').skip(1).step_by(2).collect();
    let record = symbi::stdlib::stdlib().record("ExecResult").expect("ExecResult is declared");
    let declared: Vec<&str> = record.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(listed, declared, "docs/language.md `{marker}` against stdlib/exec.symbi");
}
