//! Live diagnostics: published on open and on change, with UTF-16 ranges, cleared when fixed.

use super::client::{Client, Workspace, file_uri};
use serde_json::{Value, json};

/// An unknown function after an emoji on the same line.
const BROKEN: &str = "agent A {\n  on trigger \"go\" {\n    let s = \"😀\"; prnt(s)\n  }\n}\n";

#[test]
fn an_error_after_an_emoji_has_its_utf16_range_and_a_fix_clears_it() {
    let (Workspace { mut client, uri, dir: _dir }, published) = Workspace::open("a.symbi", BROKEN);
    assert_eq!(published["version"], 1);
    let diags = published["diagnostics"].as_array().cloned().unwrap_or_default();
    let unknown =
        diags.iter().find(|d| d["code"] == "E0202").unwrap_or_else(|| panic!("no E0202 in {diags:?}"));
    // `    let s = "😀"; ` is 18 UTF-16 units (the emoji is a surrogate pair): 20 in bytes, 17 in chars.
    assert_eq!(
        unknown["range"],
        json!({"start": {"line": 2, "character": 18}, "end": {"line": 2, "character": 22}})
    );
    assert_eq!(unknown["severity"], 1);
    assert_eq!(unknown["source"], "symbi");
    assert!(unknown["message"].as_str().unwrap_or("").contains("print"), "did-you-mean in {unknown}");

    // Replace `prnt` with `print` by an incremental change.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 2, "character": 18}, "end": {"line": 2, "character": 22}}, "text": "print"}],
        }),
    );
    let published = client.diagnostics_for(&uri);
    assert_eq!(published["version"], 2);
    assert_eq!(published["diagnostics"], json!([]), "fixed: {published}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn utf8_clients_get_byte_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), json!({"general": {"positionEncodings": ["utf-8"]}}), Value::Null);
    let uri = file_uri(&dir.path().join("a.symbi"));
    client.open(&uri, BROKEN);
    let diags = client.diagnostics_for(&uri)["diagnostics"].clone();
    let unknown =
        diags.as_array().into_iter().flatten().find(|d| d["code"] == "E0202").cloned().unwrap_or_default();
    assert_eq!(unknown["range"]["start"], json!({"line": 2, "character": 20}));
}

#[test]
fn the_configuration_near_the_file_decides_like_symbi_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let agents = dir.path().join("agents");
    std::fs::create_dir_all(&agents).expect("mkdir");
    let text = "agent A {\n  security { tier: None }\n  on trigger \"go\" { print(\"hi\") }\n}\n";
    let codes = |client: &mut Client, uri: &str| -> Vec<String> {
        client.open(uri, text);
        let diags = client.diagnostics_for(uri)["diagnostics"].clone();
        diags.as_array().into_iter().flatten().filter_map(|d| d["code"].as_str().map(String::from)).collect()
    };
    // Without configuration tier None is refused (E0301) ...
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), json!({}), Value::Null);
    let uri = file_uri(&agents.join("a.symbi"));
    assert!(codes(&mut client, &uri).contains(&"E0301".to_string()));
    drop(client);
    // ... a config.toml in the workspace folder consents to it ...
    std::fs::write(dir.path().join("config.toml"), "[security]\nallow_native_execution = true\n")
        .expect("write");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), json!({}), Value::Null);
    assert!(!codes(&mut client, &uri).contains(&"E0301".to_string()));
    drop(client);
    // ... and `initializationOptions.config` names another file, like `--config`.
    std::fs::write(dir.path().join("strict.toml"), "[security]\nallow_native_execution = false\n")
        .expect("write");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), json!({}), json!({"config": "strict.toml"}));
    assert!(codes(&mut client, &uri).contains(&"E0301".to_string()));
}

#[test]
fn an_untrusted_config_beside_the_file_is_reported_and_not_read_as_symbi_check_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, agents, home) = (dir.path().join("ws"), dir.path().join("ws/agents"), dir.path().join("home"));
    std::fs::create_dir_all(&agents).expect("mkdir");
    std::fs::write(agents.join("config.toml"), "[security]\nallow_native_execution = true\n").expect("write");
    let text = "agent A {\n  security { tier: None }\n  on trigger \"go\" { print(\"hi\") }\n}\n";
    let uri = file_uri(&agents.join("a.symbi"));
    let codes = || -> Vec<String> {
        let mut client = Client::spawn_with(&ws, &[("HOME", &home), ("XDG_DATA_HOME", &home.join("data"))]);
        client.initialize(&ws, json!({}), Value::Null);
        client.open(&uri, text);
        let diags = client.diagnostics_for(&uri)["diagnostics"].clone();
        diags.as_array().into_iter().flatten().filter_map(|d| d["code"].as_str().map(String::from)).collect()
    };
    // The folder is not trusted: its consent does not count, and the editor says why.
    let seen = codes();
    assert!(seen.contains(&"W0501".to_string()) && seen.contains(&"E0301".to_string()), "{seen:?}");
    // Trusted the way `symbi trust` records it: read, as `symbi check` and `symbi run` read it.
    let out = std::process::Command::new(crate::support::symbi_bin())
        .arg("trust")
        .arg(&agents)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("symbi trust runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let seen = codes();
    assert!(!seen.contains(&"W0501".to_string()) && !seen.contains(&"E0301".to_string()), "{seen:?}");
}
