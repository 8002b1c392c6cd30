//! docs/configuration.md keeps up with the key table and the environment variables.

use crate::support::root;
use symbi::config::{OVERRIDES, schema};

#[test]
fn every_key_and_variable_is_documented() {
    let text = std::fs::read_to_string(root().join("docs/configuration.md")).unwrap_or_default();
    let mut missing = Vec::new();
    for dotted in schema::dotted_keys() {
        let (section, key) = dotted.split_once('.').unwrap_or_default();
        // Keys are documented in their section's table, or by dotted name.
        let in_section = text.split(&format!("### `[{section}]`")).nth(1).is_some_and(|rest| {
            rest.split("\n### ").next().unwrap_or_default().contains(&format!("| `{key}` |"))
        });
        if !in_section && !text.contains(&format!("`{dotted}`")) {
            missing.push(dotted);
        }
    }
    for (var, _) in OVERRIDES {
        if !text.contains(&format!("`{var}`")) {
            missing.push(var.to_string());
        }
    }
    assert!(missing.is_empty(), "not documented in docs/configuration.md: {missing:?}");
}
