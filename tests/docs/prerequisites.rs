//! Every test that needs something of the host says so where libtest can see it: a test
//! that asks for the engine or an editor at run time also carries the build-time
//! `cfg_attr(not(symbi_…), ignore = "…")`, so a host without it reports the test as ignored,
//! never as passed (CONTRIBUTING.md, "Tests that need the host").

use crate::support::{root, rust_files};

/// The run-time checks of a prerequisite, as the tests write them.
const RUNTIME_CHECKS: [&str; 3] = ["harness::ready()", "docker::ready()", "editor_available("];

/// `path:line` of each test function whose first statement checks a prerequisite at run time
/// without the build-time attribute among the lines above it.
fn unmarked_tests(files: &[std::path::PathBuf]) -> Vec<String> {
    let mut unmarked = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let is_fn = line.trim_start().starts_with("fn ") || line.trim_start().starts_with("async fn ");
            let checks = lines.get(i + 1).is_some_and(|next| RUNTIME_CHECKS.iter().any(|c| next.contains(c)));
            if !is_fn || !checks {
                continue;
            }
            // The item's attributes: the lines above it back to the end of the previous item
            // (rustfmt may spread one attribute over several lines).
            let above: Vec<&str> = lines[..i]
                .iter()
                .rev()
                .take_while(|l| {
                    let l = l.trim();
                    !(l.is_empty() || l == "}" || l.ends_with(';') || l.ends_with('{'))
                })
                .copied()
                .collect();
            let attributes = above.join(" ");
            if !(attributes.contains("cfg_attr(") && attributes.contains("ignore = \"needs ")) {
                unmarked.push(format!("{}:{}", file.display(), i + 1));
            }
        }
    }
    unmarked
}

#[test]
fn every_test_that_needs_the_host_is_ignored_where_the_host_lacks_it() {
    let files = rust_files(&root().join("tests"));
    let unmarked = unmarked_tests(&files);
    assert!(unmarked.is_empty(), "tests without #[cfg_attr(not(symbi_…), ignore = …)]: {unmarked:#?}");
    // The scan finds what it looks for: the container and editor tests are many.
    let marked = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default().matches("ignore = \"needs ").count())
        .sum::<usize>();
    assert!(marked >= 15, "only {marked} marked tests found: is the scan still reading the tests?");
}

#[test]
fn a_test_that_checks_the_engine_without_the_attribute_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("t.rs");
    std::fs::write(
        &file,
        "#[test]\nfn needs_docker() {\n    if !harness::ready() {\n        return;\n    }\n}\n",
    )
    .expect("write");
    assert_eq!(unmarked_tests(std::slice::from_ref(&file)).len(), 1);
}
