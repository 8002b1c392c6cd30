//! One case file per diagnostic code, and clean files for every rule's allowed side.

use super::harness::{check_path, expected_code};
use std::path::Path;

fn case(path: &Path) {
    let outcome = check_path(path, |_| {});
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
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

#[test]
fn every_checker_code_has_a_case_file() {
    let dir = crate::support::root().join("tests/cases/check");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .expect("case directory exists")
        .flatten()
        .filter_map(|e| expected_code(&e.path()))
        .collect();
    let missing: Vec<&&str> =
        symbi::check::codes::ALL.iter().filter(|c| !files.iter().any(|f| f == *c)).collect();
    assert!(missing.is_empty(), "codes without a case file in tests/cases/check: {missing:?}");
}
