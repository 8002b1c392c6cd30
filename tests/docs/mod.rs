//! The documentation keeps up with the code: every diagnostic code is explained, and the
//! fields of `ExecResult` are the ones the standard library declares.

mod architecture;
mod prerequisites;
mod stdlib_reference;
mod tutorial;

use crate::support::{root, symbi};

/// Every `"E0123"` / `"W0123"` string literal under src/, as `path:line: literal`, except in
/// the registry (src/diag/codes.rs), the one place a code is written.
fn code_literals_outside_the_registry() -> Vec<String> {
    let registry = root().join("src/diag/codes.rs");
    let mut found = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && path != registry {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (n, line) in text.lines().enumerate() {
                    found.extend(code_literals(line).map(|c| format!("{}:{}: {c}", path.display(), n + 1)));
                }
            }
        }
    }
    found
}

/// The `"E0123"`-shaped literals of one line.
fn code_literals(line: &str) -> impl Iterator<Item = &str> {
    line.match_indices('"').filter_map(move |(i, _)| {
        let lit = line.get(i..i + 7)?;
        let b = lit.as_bytes();
        let is_code =
            (b[1] == b'E' || b[1] == b'W') && b[2..6].iter().all(u8::is_ascii_digit) && b[6] == b'"';
        is_code.then_some(lit)
    })
}

#[test]
fn no_code_literal_outside_the_registry() {
    assert_eq!(code_literals("x(\"E0401\", \"W0001\")").count(), 2, "the scanner finds literals");
    assert_eq!(code_literals("/// E0401: \"E040\" \"E04011\"").count(), 0);
    let found = code_literals_outside_the_registry();
    assert!(
        found.is_empty(),
        "diagnostic codes are written only in src/diag/codes.rs; use its constants:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_registered_code_is_documented_and_every_documented_code_registered() {
    let documented = symbi::diag::explain::documented_codes();
    for code in symbi::diag::codes::ALL {
        assert!(documented.contains(&code.as_str()), "{code} has no entry in docs/diagnostics.md");
    }
    let stray: Vec<_> = documented.iter().filter(|c| symbi::diag::Code::parse(c).is_none()).collect();
    assert!(stray.is_empty(), "documented but not in src/diag/codes.rs: {stray:?}");
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

/// Every code a subcommand's `--help` names as an example is one `symbi explain` knows.
#[test]
fn help_texts_name_codes_that_exist() {
    for sub in ["check", "run", "fmt", "doctor", "explain", "trust", "init", "up"] {
        let help = String::from_utf8_lossy(&symbi(&[sub, "--help"]).stdout).into_owned();
        let words = help.split(|c: char| !c.is_ascii_alphanumeric());
        for code in words.filter(|w| {
            w.len() == 5
                && (w.starts_with('E') || w.starts_with('W'))
                && w[1..].bytes().all(|b| b.is_ascii_digit())
        }) {
            let out = symbi(&["explain", code]);
            assert_eq!(out.status.code(), Some(0), "`symbi {sub} --help` names {code}, which does not exist");
        }
    }
}

/// Map key order is one rule, stated in docs/language.md ("Map key order"); the standard
/// library and the other pages refer to it and never state another (the run case
/// `map_key_order.symbi` holds the interpreter to it).
#[test]
fn map_key_order_is_one_rule() {
    let language = std::fs::read_to_string(root().join("docs/language.md")).unwrap_or_default();
    assert!(language.contains("### Map key order"), "docs/language.md states the rule");
    let mut texts: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["stdlib", "docs"] {
        texts.extend(std::fs::read_dir(root().join(dir)).into_iter().flatten().flatten().map(|e| e.path()));
    }
    texts.push(root().join("README.md"));
    for path in texts {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(!text.contains("insertion order"), "{} states another map key order", path.display());
    }
    let collections = std::fs::read_to_string(root().join("stdlib/collections.symbi")).unwrap_or_default();
    assert_eq!(
        collections.matches("\"Map key order\"").count(),
        4,
        "keys and values (function and method) refer to the rule"
    );
}
