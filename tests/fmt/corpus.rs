//! Over every agent file of the repository: formatting is idempotent and keeps the tree.

use crate::support::root;
use std::path::{Path, PathBuf};
use symbi::fmt::format_source;
use symbi::syntax::{parse, to_sexpr};

/// Every `.symbi` and `.dsl` file below `dir`, sorted.
fn agent_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            agent_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "symbi" || e == "dsl") {
            found.push(path);
        }
    }
}

fn corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["examples", "tests/cases", "stdlib"] {
        agent_files(&root().join(dir), &mut files);
    }
    files.sort();
    files
}

#[test]
fn every_file_that_parses_formats_idempotently_to_the_same_tree() {
    let mut formatted = 0;
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let parsed = parse(&text);
        if !parsed.is_ok() {
            continue;
        }
        let name = path.display();
        let once = match format_source(&text) {
            Ok(once) => once,
            Err(diags) => panic!("{name} parses but does not format: {diags:#?}"),
        };
        let reparsed = parse(&once);
        assert!(reparsed.is_ok(), "{name}: the formatted text does not parse:\n{once}");
        assert_eq!(to_sexpr(&reparsed.file), to_sexpr(&parsed.file), "{name}: the tree changed");
        assert_eq!(format_source(&once).as_ref(), Ok(&once), "{name}: formatting twice changes it again");
        formatted += 1;
    }
    // The corpus holds the examples, the parser's cases, the formatter's cases and the
    // standard library; far fewer means the walk found nothing and proved nothing.
    assert!(formatted >= 12, "only {formatted} files were formatted");
}

#[test]
fn files_with_syntax_errors_are_refused_with_their_diagnostics() {
    let mut refused = 0;
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let parsed = parse(&text);
        if parsed.is_ok() {
            continue;
        }
        let expected: Vec<_> =
            parsed.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code.as_str()).collect();
        match format_source(&text) {
            Ok(_) => panic!("{} has syntax errors but was formatted", path.display()),
            Err(diags) => assert_eq!(diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), expected),
        }
        refused += 1;
    }
    assert!(refused >= 1, "the corpus has no broken file to refuse");
}
