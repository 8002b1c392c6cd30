//! The VS Code extension folder (`editors/vscode/`): VS Code itself cannot run here, so this
//! checks what can go stale without it — the manifest's references, and a TextMate grammar
//! that knows every keyword, tier and profile of the language.

use crate::support::root;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Every `match` regex of the grammar, concatenated.
fn grammar_regexes(grammar: &Value, out: &mut String) {
    match grammar {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("match" | "begin", Value::String(re)) => {
                        out.push_str(re);
                        out.push('\n');
                    }
                    _ => grammar_regexes(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| grammar_regexes(v, out)),
        _ => {}
    }
}

#[test]
fn vscode_extension_manifest_points_at_its_files_and_its_grammar_knows_the_language() {
    let dir = root().join("editors/vscode");
    let manifest = json(&dir.join("package.json"));
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "symbi");
    assert_eq!(language["extensions"], serde_json::json!([".symbi", ".dsl"]));
    json(&dir.join(language["configuration"].as_str().unwrap()));
    let main = dir.join(manifest["main"].as_str().unwrap());
    assert!(main.is_file(), "{}", main.display());
    let contributed = &manifest["contributes"]["grammars"][0];
    let grammar = json(&dir.join(contributed["path"].as_str().unwrap()));
    assert_eq!(grammar["scopeName"], contributed["scopeName"]);

    let mut regexes = String::new();
    grammar_regexes(&grammar, &mut regexes);
    let words = symbi::syntax::KEYWORDS
        .iter()
        .copied()
        .chain(symbi::security::Tier::ALL.iter().map(|t| t.name()))
        .chain(symbi::security::Profile::ALL.iter().map(|p| p.name()));
    for word in words {
        let listed = ["(", "|"].iter().any(|before| {
            [")", "|", "\\b", "\\s"].iter().any(|after| regexes.contains(&format!("{before}{word}{after}")))
        });
        assert!(listed, "the TextMate grammar does not highlight `{word}`");
    }

    // The client script at least parses, where Node is installed (it is on these machines).
    if Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()) {
        let checked = Command::new("node").arg("--check").arg(&main).output().unwrap();
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    }
}
