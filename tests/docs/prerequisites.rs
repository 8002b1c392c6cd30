//! Every test that needs something of the host says so where libtest can see it: a test
//! that asks for the engine or an editor at run time also carries the build-time
//! `cfg_attr(not(symbi_…), ignore = "…")`, so a host without it reports the test as ignored,
//! never as passed (CONTRIBUTING.md, "Tests that need the host").

use crate::support::{root, rust_files};

/// The run-time checks of a prerequisite, as the tests write them (`engine::$lock()` is
/// `per_tier!`'s, which takes `shared` or `exclusive`).
const RUNTIME_CHECKS: [&str; 5] =
    ["engine::ready()", "engine::shared()", "engine::exclusive()", "engine::$lock()", "editor_available("];

/// How many test functions begin with a run-time check of a prerequisite, and `path:line` of
/// each of them without the build-time attribute among the lines above it.
fn unmarked_tests(files: &[std::path::PathBuf]) -> (usize, Vec<String>) {
    let (mut checked, mut unmarked) = (0, Vec::new());
    for file in files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let is_fn = line.trim_start().starts_with("fn ") || line.trim_start().starts_with("async fn ");
            let checks = lines.get(i + 1).is_some_and(|next| RUNTIME_CHECKS.iter().any(|c| next.contains(c)));
            if !is_fn || !checks {
                continue;
            }
            checked += 1;
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
    (checked, unmarked)
}

#[test]
fn every_test_that_needs_the_host_is_ignored_where_the_host_lacks_it() {
    let files = rust_files(&root().join("tests"));
    let (checked, unmarked) = unmarked_tests(&files);
    assert!(unmarked.is_empty(), "tests without #[cfg_attr(not(symbi_…), ignore = …)]: {unmarked:#?}");
    // The scan finds what it looks for: the container and editor tests are many (13 places
    // when this was written, `per_tier!`'s two standing for the many it defines).
    assert!(checked >= 10, "only {checked} checking tests found: is the scan still reading the tests?");
}

#[test]
fn a_test_that_checks_the_engine_without_the_attribute_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("t.rs");
    std::fs::write(
        &file,
        "#[test]\nfn needs_docker() {\n    let Some(_engine) = engine::shared() else { return };\n}\n",
    )
    .expect("write");
    assert_eq!(unmarked_tests(std::slice::from_ref(&file)), (1, vec![format!("{}:2", file.display())]));
}
