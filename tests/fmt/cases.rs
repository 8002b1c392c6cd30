//! The formatter's own cases (`tests/cases/fmt/`): each comment kind in each position, and
//! the layout of every construct, snapshotted in `snapshots/fmt/`.

use crate::support::root;
use symbi::fmt::{format_source, scan_comments};

fn comment_texts(text: &str) -> Vec<String> {
    scan_comments(text).into_iter().map(|c| c.text).collect()
}

#[test]
fn each_case_keeps_its_comments_in_order_and_matches_its_snapshot() {
    let dir = root().join("tests/cases/fmt");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "symbi"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "the formatter's cases are missing from {}", dir.display());
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots/fmt"));
    settings.set_prepend_module_to_snapshot(false);
    for path in paths {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let out = match format_source(&text) {
            Ok(out) => out,
            Err(diags) => panic!("{name}: {diags:#?}"),
        };
        assert_eq!(comment_texts(&out), comment_texts(&text), "{name}: comments lost, changed or reordered");
        assert_eq!(format_source(&out).as_ref(), Ok(&out), "{name}: not idempotent");
        settings.set_description(format!("symbi fmt tests/cases/fmt/{name}.symbi"));
        settings.bind(|| insta::assert_snapshot!(name, out));
    }
}

#[test]
fn comment_markers_inside_strings_stay_text() {
    let src = "agent A {\n  on trigger \"t\" {\n    let s = \"// not # a /* comment\"\n  }\n}\n";
    assert_eq!(format_source(src).as_deref(), Ok(src));
    assert!(comment_texts(src).is_empty());
}
