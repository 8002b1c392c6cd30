//! One case file per diagnostic code, and clean files for every rule's allowed side.

use super::harness::{check_path, expected_code};
use std::path::Path;

fn case(path: &Path) {
    let outcome = check_path(path, |_| {});
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code.as_str()).collect();
    match expected_code(path) {
        Some(code) => {
            assert!(codes.contains(&code.as_str()), "{} should report {code}, got {codes:?}", path.display());
            insta::with_settings!({
                snapshot_path => crate::support::root().join("snapshots/check"),
                prepend_module_to_snapshot => false,
            }, {
                insta::assert_snapshot!(outcome.transcript);
            });
        }
        None => assert!(
            outcome.diagnostics.is_empty(),
            "{} should check clean, got:\n{}",
            path.display(),
            outcome.transcript
        ),
    }
}

#[test]
fn case_files() {
    insta::glob!("../cases/check", "*.symbi", case);
}

/// The codes the checker reports: every registered code named in `src/check/` or `src/policy/` (the registry,
/// `src/diag/codes.rs`, maps each constant to its code).
fn checker_codes() -> Vec<String> {
    let root = crate::support::root();
    let registry = std::fs::read_to_string(root.join("src/diag/codes.rs")).unwrap_or_default();
    let rows: Vec<(&str, &str)> = registry
        .lines()
        .filter_map(|l| l.trim().strip_suffix(',')?.split_once(' '))
        .filter(|(code, name)| code.len() == 5 && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
        .collect();
    // The policy names the codes of its refusals (consent, production), which the checker reports.
    let mut sources = String::new();
    for dir in ["src/check", "src/policy"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("the folder exists").flatten() {
            sources.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    let mut codes: Vec<String> = rows
        .iter()
        .filter(|(_, name)| {
            sources.match_indices(name).any(|(i, _)| {
                let after = sources[i + name.len()..].bytes().next();
                let before = sources[..i].bytes().last();
                !after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
        })
        .map(|(code, _)| code.to_string())
        .collect();
    codes.sort();
    codes
}

#[test]
fn every_checker_code_has_a_case_file() {
    let dir = crate::support::root().join("tests/cases/check");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .expect("case directory exists")
        .flatten()
        .filter_map(|e| expected_code(&e.path()))
        .collect();
    let codes = checker_codes();
    assert!(codes.len() >= 43, "the checker's codes were not found in src/check: {codes:?}");
    let missing: Vec<&String> = codes.iter().filter(|c| !files.contains(c)).collect();
    assert!(missing.is_empty(), "codes without a case file in tests/cases/check: {missing:?}");
}
