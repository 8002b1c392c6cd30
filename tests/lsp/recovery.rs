//! The editor sees the checker's diagnostics of a file with a half-typed trigger.

use super::client::{Client, file_uri};
use serde_json::{Value, json};

#[test]
fn a_half_typed_trigger_keeps_the_other_diagnostics_of_the_file() {
    let text = "agent A {\n  on trigger \"go\" {\n    let n: Int = \"text\"\n    print(n)\n  }\n\n  on trigger \"typing\" {\n    let x = (1 +\n  }\n}\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::spawn(dir.path());
    client.initialize(dir.path(), json!({}), Value::Null);
    let uri = file_uri(&dir.path().join("typing.symbi"));
    client.open(&uri, text);
    let published = client.diagnostics_for(&uri);
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["E0213", "E0105"], "{published}");
}
