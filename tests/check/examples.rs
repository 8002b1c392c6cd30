//! Every example a new user runs first checks clean.

use super::harness::check_path;

#[test]
fn every_example_checks_clean() {
    let dir = crate::support::root().join("examples");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.extension().is_some_and(|e| e == "symbi" || e == "dsl") {
            continue;
        }
        // Examples are run as the README shows; those on tier None are run with consent,
        // which a header `// args: --native` or the user's configuration gives.
        let outcome = check_path(&path, |cfg| cfg.security.allow_native_execution = true);
        assert!(
            outcome.diagnostics.is_empty(),
            "{} should check clean:\n{}",
            path.display(),
            outcome.transcript
        );
    }
}
