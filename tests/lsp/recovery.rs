//! The editor sees the checker's diagnostics of a file with a half-typed trigger.

use super::client::Workspace;

#[test]
fn a_half_typed_trigger_keeps_the_other_diagnostics_of_the_file() {
    let text = "agent A {\n  on trigger \"go\" {\n    let n: Int = \"text\"\n    print(n)\n  }\n\n  on trigger \"typing\" {\n    let x = (1 +\n  }\n}\n";
    let (_workspace, published) = Workspace::open("typing.symbi", text);
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["E0213", "E0105"], "{published}");
}
