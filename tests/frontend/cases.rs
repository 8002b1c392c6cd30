//! The annotated case corpus: `tests/cases/parse/*.symbi` must parse cleanly and snapshot
//! their s-expression; `tests/cases/syntax/*.symbi` must fail with the code named in their
//! `// expect: E01xx` header and snapshot their diagnostics, rendered for humans (no
//! colour) and as JSON lines.

use crate::support::root;
use symbi::diag::Diagnostic;
use symbi::diag::Sources;
use symbi::diag::render::{render_human, render_json};
use symbi::syntax::{parse, to_sexpr};

/// The codes a case file's `// expect:` header lines name.
fn expected_codes(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("// expect:"))
        .flat_map(|rest| rest.split_whitespace().map(str::to_string))
        .collect()
}

/// A readable, stable listing of diagnostics with line:column positions.
pub fn listing(source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = symbi::diag::LineIndex::new(source);
    let pos = |offset: usize| {
        let lc = index.line_col(source, offset);
        format!("{}:{}", lc.line, lc.column)
    };
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!("{:?}[{}]: {}\n", d.severity, d.code, d.message));
        if let Some(p) = &d.primary {
            out.push_str(&format!("  at {}-{}: {}\n", pos(p.span.start), pos(p.span.end), p.message));
        }
        for s in &d.secondary {
            out.push_str(&format!("  also {}-{}: {}\n", pos(s.span.start), pos(s.span.end), s.message));
        }
        for n in &d.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        if let Some(h) = &d.help {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    out
}

#[test]
fn parse_cases() {
    insta::with_settings!({snapshot_path => root().join("snapshots/parse"), prepend_module_to_snapshot => false}, {
        insta::glob!(root().join("tests/cases"), "parse/*.symbi", |path| {
            let source = std::fs::read_to_string(path).expect("case file is readable");
            let parsed = parse(&source);
            assert!(
                parsed.diagnostics.is_empty(),
                "{} should parse cleanly:\n{}",
                path.display(),
                listing(&source, &parsed.diagnostics)
            );
            insta::assert_snapshot!(to_sexpr(&parsed.file));
        });
    });
}

#[test]
fn syntax_cases() {
    insta::with_settings!({snapshot_path => root().join("snapshots/syntax"), prepend_module_to_snapshot => false}, {
        insta::glob!(root().join("tests/cases"), "syntax/*.symbi", |path| {
            let source = std::fs::read_to_string(path).expect("case file is readable");
            let parsed = parse(&source);
            let codes: Vec<&str> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
            for want in expected_codes(&source) {
                assert!(
                    codes.contains(&want.as_str()),
                    "{}: expected {want}, got:\n{}",
                    path.display(),
                    listing(&source, &parsed.diagnostics)
                );
            }
            assert!(!parsed.is_ok(), "{} should have a syntax error", path.display());
            let name = format!("syntax/{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("case"));
            let sources = Sources::new(name, source.as_str());
            let human = render_human(&parsed.diagnostics, &sources, false);
            let json = render_json(&parsed.diagnostics, &sources);
            insta::assert_snapshot!(format!("{human}\n--- json ---\n{json}"));
        });
    });
}

/// Parses every file with one of `extensions` in the repository folder `dir`, asserting it
/// has no diagnostics; returns each file's path and tree.
fn parse_each(dir: &str, extensions: &[&str]) -> Vec<(std::path::PathBuf, symbi::syntax::ast::File)> {
    let mut parsed_files = Vec::new();
    for entry in std::fs::read_dir(root().join(dir)).unwrap_or_else(|e| panic!("{dir}/: {e}")) {
        let path = entry.expect("directory entry").path();
        if !path.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e)) {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("file is readable");
        let parsed = parse(&source);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}:\n{}",
            path.display(),
            listing(&source, &parsed.diagnostics)
        );
        parsed_files.push((path, parsed.file));
    }
    parsed_files
}

#[test]
fn every_example_parses() {
    let examples = parse_each("examples", &["symbi", "dsl"]);
    for (path, file) in &examples {
        assert!(!file.items.is_empty(), "{} has items", path.display());
    }
    assert!(examples.len() >= 4, "examples/ holds the seed agent and at least three more");
}

#[test]
fn every_stdlib_file_parses() {
    assert!(!parse_each("stdlib", &["symbi"]).is_empty());
}
