//! docs/stdlib.md is generated from `stdlib/*.symbi` and must match it: a builtin added,
//! renamed or documented differently fails here until the file is regenerated.

use crate::support::root;
use symbi::stdlib::{REFERENCE_COMMAND, reference_markdown, stdlib};

#[test]
fn stdlib_md_is_up_to_date() {
    let path = root().join("docs/stdlib.md");
    let want = reference_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let first = have.lines().zip(want.lines()).position(|(h, w)| h != w);
        let line = first.unwrap_or_else(|| have.lines().count().min(want.lines().count())) + 1;
        panic!(
            "docs/stdlib.md is out of date with stdlib/*.symbi (first difference at line {line}); \
             regenerate it with `{REFERENCE_COMMAND}`"
        );
    }
}

/// Every builtin, method, record and field is documented where it is declared, so the
/// reference has no empty entry.
#[test]
fn every_stdlib_declaration_has_a_doc_comment() {
    let lib = stdlib();
    let mut missing: Vec<String> = lib
        .functions()
        .chain(lib.methods())
        .filter(|b| b.decl.doc.is_none())
        .map(|b| {
            let recv = b.decl.receiver.as_ref().map(|r| format!("{}.", r.name)).unwrap_or_default();
            format!("{recv}{}", b.name())
        })
        .collect();
    let record = lib.record("ExecResult").expect("ExecResult is declared");
    missing.extend(
        record.fields.iter().filter(|f| f.doc.is_none()).map(|f| format!("ExecResult.{}", f.name.name)),
    );
    missing.sort();
    assert!(missing.is_empty(), "no `///` doc comment in stdlib/: {missing:?}");
    for name in ["execute_native", "String.trim", "List.append", "Map.set", "ExecResult"] {
        assert!(reference_markdown().contains(&format!("### `{name}`")), "docs/stdlib.md has `{name}`");
    }
}
