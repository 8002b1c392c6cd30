//! The protocol itself: initialization, encoding negotiation, lifecycle, bad input.

use super::client::{Client, file_uri};
use serde_json::{Value, json};

fn started() -> (tempfile::TempDir, Client) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), json!({}), Value::Null);
    (dir, client)
}

#[test]
fn utf16_is_the_default_encoding_and_utf8_is_negotiated_when_offered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut plain = Client::spawn(dir.path());
    let caps = plain.initialize(dir.path(), json!({}), Value::Null)["capabilities"].clone();
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    for provider in ["hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider"] {
        assert_eq!(caps[provider], true, "{provider}");
    }
    assert_eq!(plain.shutdown_and_exit().code(), Some(0));

    let mut utf8 = Client::spawn(dir.path());
    let offered = json!({"general": {"positionEncodings": ["utf-32", "utf-8", "utf-16"]}});
    let caps = utf8.initialize(dir.path(), offered, Value::Null)["capabilities"].clone();
    assert_eq!(caps["positionEncoding"], "utf-8");
}

#[test]
fn shutdown_then_exit_ends_with_status_zero_and_exit_alone_with_one() {
    let (_dir, client) = started();
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    let (_dir, mut client) = started();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn malformed_messages_get_an_error_answer_and_the_server_keeps_serving() {
    let (dir, mut client) = started();
    // A body that is not JSON.
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let answer = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(answer["id"], Value::Null);
    assert_eq!(answer["error"]["code"], -32700, "parse error: {answer}");
    // JSON that is not a JSON-RPC message.
    client.send(&json!({"hello": "world"}));
    let answer = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(answer["error"]["code"], -32600, "invalid request: {answer}");
    // A request with parameters of the wrong shape.
    let answer = client.request("textDocument/hover", json!({"textDocument": 42}));
    assert_eq!(answer["error"]["code"], -32602, "invalid params: {answer}");
    // An unknown method.
    let answer = client.request("symbi/nonsense", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "method not found: {answer}");
    // Still serving: a document opens and gets its diagnostics.
    let uri = file_uri(&dir.path().join("ok.symbi"));
    client.open(&uri, "agent A {}\n");
    let published = client.diagnostics_for(&uri);
    assert!(published["diagnostics"].is_array());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let (dir, mut client) = started();
    let uri = file_uri(&dir.path().join("a.symbi"));
    client.open(&uri, "agent A {}\n");
    client.diagnostics_for(&uri);
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    let cleared = client.diagnostics_for(&uri);
    assert_eq!(cleared["diagnostics"], json!([]));
    // Requests about a closed document answer with nothing rather than an error.
    let hover = client.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover, Value::Null);
}

#[test]
fn the_vscode_extension_files_are_valid_and_point_at_each_other() {
    let dir = crate::support::root().join("editors/vscode");
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
    };
    let package = read("package.json");
    let language = &package["contributes"]["languages"][0];
    assert_eq!(language["extensions"], json!([".symbi", ".dsl"]));
    read(language["configuration"].as_str().unwrap_or_default());
    let grammar_path = package["contributes"]["grammars"][0]["path"].as_str().unwrap_or_default();
    let grammar = read(grammar_path);
    assert_eq!(grammar["scopeName"], package["contributes"]["grammars"][0]["scopeName"]);
    let main = package["main"].as_str().unwrap_or_default();
    let extension = std::fs::read_to_string(dir.join(main)).unwrap_or_default();
    assert!(extension.contains("args: [\"lsp\"]"), "the extension starts `symbi lsp`");
}
