//! Hover, completion, navigation, outline, formatting and quick fixes on one agent file.

use super::client::{Client, Workspace};
use serde_json::{Value, json};

const AGENT: &str = r#"agent Worker {
  security {
    tier: Tier1
    capabilities: ["network"]
  }

  on trigger "start" {
    let count = 3
    let r = execute_native("python3 x.py")
    print(r.stdout)
    emit("finish", count)
    helper(count)
  }

  on trigger "finish" (n) {
    print(read_file("a.txt"))
  }

  fn helper(n: Int) -> Int {
    return n
  }
}
"#;

struct Session {
    client: Client,
    uri: String,
    _dir: tempfile::TempDir,
}

impl Session {
    fn open(text: &str) -> (Session, Value) {
        let (Workspace { client, uri, dir }, published) = Workspace::open("worker.symbi", text);
        (Session { client, uri, _dir: dir }, published)
    }

    fn at(&mut self, method: &str, line: u32, character: u32) -> Value {
        let mut params =
            json!({"textDocument": {"uri": self.uri}, "position": {"line": line, "character": character}});
        if method == "textDocument/references" {
            params["context"] = json!({"includeDeclaration": true});
        }
        self.client.call(method, params)
    }

    fn hover(&mut self, line: u32, character: u32) -> String {
        self.at("textDocument/hover", line, character)["contents"]["value"].as_str().unwrap_or("").to_string()
    }

    fn labels(&mut self, line: u32, character: u32) -> Vec<String> {
        let items = self.at("textDocument/completion", line, character);
        items.as_array().into_iter().flatten().filter_map(|i| i["label"].as_str().map(String::from)).collect()
    }
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

#[test]
fn hover_explains_builtins_fields_variables_keywords_tiers_and_capabilities() {
    let (mut s, _) = Session::open(AGENT);
    let builtin = s.hover(8, 14);
    assert!(builtin.contains("fn execute_native(command: Any"), "{builtin}");
    assert!(builtin.contains("`List<String>`"), "doc comment from stdlib: {builtin}");
    assert!(s.hover(9, 14).contains("ExecResult.stdout: String"));
    assert!(s.hover(11, 12).contains("count: Int"), "inferred from the literal");
    assert!(s.hover(9, 10).contains("r: ExecResult"), "inferred from the builtin's return type");
    assert!(s.hover(11, 6).contains("fn helper(n: Int) -> Int"));
    assert!(s.hover(2, 5).contains("isolation tier"), "keyword from docs/keywords.md");
    assert!(s.hover(2, 11).contains("Docker"), "tier from docs/security.md");
    assert!(s.hover(3, 21).contains("only when declared"), "capability from docs/security.md");
    assert_eq!(s.at("textDocument/hover", 5, 0), Value::Null, "nothing to say on a blank line");
}

#[test]
fn hover_shows_the_type_the_checker_inferred() {
    let text = r#"agent A {
  security {
    capabilities: ["environment"]
  }

  on trigger "t" {
    let total = twice(2) + 1
    let parts = "a b".split(" ")
    let maybe = env("HOME")
    print(total)
    print(parts)
    print(maybe)
  }

  fn twice(n: Int) -> Int {
    return n * 2
  }
}
"#;
    let (mut s, published) = Session::open(text);
    assert_eq!(published["diagnostics"], json!([]), "the file checks");
    assert!(s.hover(6, 9).contains("total: Int"), "a user function's return type through `+`");
    assert!(s.hover(7, 9).contains("parts: List<String>"), "a method's return type");
    assert!(s.hover(8, 9).contains("maybe: String?"), "an optional builtin result");
    assert!(s.hover(9, 11).contains("total: Int"), "a use shows its binding's type");
}

#[test]
fn completion_offers_what_fits_each_context() {
    let (mut s, _) = Session::open(AGENT);
    let has = |labels: &[String], want: &[&str]| want.iter().all(|w| labels.iter().any(|l| l == w));
    let top = s.labels(21, 1);
    assert!(has(&top, &["agent", "fn"]), "top level: {top:?}");
    let agent = s.labels(5, 0);
    assert!(
        has(&agent, &["security", "resources", "on trigger", "on schedule", "on webhook"])
            && !agent.contains(&"let".to_string()),
        "{agent:?}"
    );
    let security = s.labels(2, 4);
    assert!(has(&security, &["tier", "sandbox", "capabilities"]), "{security:?}");
    let tiers = s.labels(2, 10);
    assert!(has(&tiers, &["None", "Tier1", "docker"]), "{tiers:?}");
    let caps = s.labels(3, 20);
    assert!(has(&caps, &["local_filesystem", "network", "environment"]), "{caps:?}");
    let fields = s.labels(9, 12);
    assert!(has(&fields, &["stdout", "exit_code", "success"]), "{fields:?}");
    assert!(!fields.contains(&"trim".to_string()), "an ExecResult has no string methods: {fields:?}");
    let triggers = s.labels(10, 10);
    assert!(has(&triggers, &["start", "finish"]), "{triggers:?}");
    let body = s.labels(11, 4);
    assert!(has(&body, &["let", "if", "execute_native", "print", "helper", "count"]), "{body:?}");
    assert!(has(&body, &["break", "continue"]), "the loop statements are keywords too: {body:?}");
    // Builtins come as snippets with their required parameters.
    let items = s.at("textDocument/completion", 11, 4);
    let exec = items.as_array().into_iter().flatten().find(|i| i["label"] == "execute_native").cloned();
    let exec = exec.unwrap_or_default();
    assert_eq!(exec["insertTextFormat"], 2);
    assert_eq!(exec["insertText"], "execute_native(${1:command})");
}

#[test]
fn definition_references_and_outline() {
    let (mut s, _) = Session::open(AGENT);
    assert_eq!(s.at("textDocument/definition", 11, 5)["range"], range(18, 5, 18, 11), "function");
    assert_eq!(s.at("textDocument/definition", 10, 11)["range"], range(14, 13, 14, 21), "trigger from emit");
    assert_eq!(s.at("textDocument/definition", 19, 11)["range"], range(18, 12, 18, 13), "parameter");
    let refs = s.at("textDocument/references", 7, 9);
    let lines: Vec<u64> =
        refs.as_array().into_iter().flatten().filter_map(|l| l["range"]["start"]["line"].as_u64()).collect();
    assert_eq!(lines, vec![7, 10, 11]);

    let symbols = s.client.call("textDocument/documentSymbol", json!({"textDocument": {"uri": s.uri}}));
    assert_eq!(symbols[0]["name"], "Worker");
    let children: Vec<&str> =
        symbols[0]["children"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(children, vec!["on trigger \"start\"", "on trigger \"finish\"", "helper"]);
    assert_eq!(symbols[0]["children"][2]["selectionRange"], range(18, 5, 18, 11));
}

#[test]
fn quick_fixes_add_the_missing_capability_and_apply_a_did_you_mean() {
    let (mut s, published) = Session::open(AGENT);
    let diags = published["diagnostics"].as_array().cloned().unwrap_or_default();
    let missing =
        diags.iter().find(|d| d["code"] == "E0305").cloned().unwrap_or_else(|| panic!("no E0305: {diags:?}"));
    let params = json!({"textDocument": {"uri": s.uri}, "range": missing["range"], "context": {"diagnostics": [missing]}});
    let actions = s.client.call("textDocument/codeAction", params);
    let edit = &actions[0]["edit"]["changes"][s.uri.as_str()][0];
    assert_eq!(edit["newText"], ", \"local_filesystem\"");
    assert_eq!(edit["range"], range(3, 28, 3, 28));

    let (mut s, published) = Session::open("agent A {\n  on trigger \"go\" {\n    prnt(\"hi\")\n  }\n}\n");
    let typo = published["diagnostics"][0].clone();
    let params =
        json!({"textDocument": {"uri": s.uri}, "range": typo["range"], "context": {"diagnostics": [typo]}});
    let actions = s.client.call("textDocument/codeAction", params);
    assert_eq!(actions[0]["title"], "Replace with `print`");
    assert_eq!(actions[0]["edit"]["changes"][s.uri.as_str()][0]["newText"], "print");
}

#[test]
fn formatting_returns_the_layout_of_symbi_fmt() {
    let messy = "agent   A {\non trigger \"go\" {print(\"hi\")}\n}";
    let (mut s, _) = Session::open(messy);
    let edits = s.client.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": s.uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let expected = symbi::fmt::format_source(messy).unwrap_or_default();
    assert_ne!(expected, messy);
    assert_eq!(edits[0]["newText"], expected.as_str());
    assert_eq!(edits[0]["range"]["start"], json!({"line": 0, "character": 0}));
}

#[test]
fn hover_on_a_schedule_lists_its_next_fire_times_and_on_a_webhook_its_route() {
    let text = "agent Clock {\n  on schedule \"*/15 * * * *\" as \"quarter\" { print(input) }\n  on webhook \"push\" secret \"PUSH_SECRET\" { print(input) }\n  on trigger \"t\" { emit(\"quarter\") }\n}\n";
    let (mut s, published) = Session::open(text);
    assert_eq!(published["diagnostics"], json!([]), "the file checks clean");
    let on_cron = s.hover(1, 16);
    assert!(
        on_cron.contains("on schedule \"*/15 * * * *\" as \"quarter\"")
            && on_cron.contains("Next fires (UTC):"),
        "{on_cron}"
    );
    let times: Vec<&str> = on_cron.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(times.len(), 5, "{on_cron}");
    assert!(
        times.iter().all(|t| [":00:00 ", ":15:00 ", ":30:00 ", ":45:00 "].iter().any(|m| t.contains(m))),
        "{times:?}"
    );
    assert!(s.hover(3, 28).contains("Next fires (UTC):"), "an `emit` of the schedule's name shows it too");
    assert!(s.hover(2, 30).contains("X-Hub-Signature-256"), "the webhook's secret");

    let symbols = s.client.call("textDocument/documentSymbol", json!({"textDocument": {"uri": s.uri}}));
    let children: Vec<(&str, &str)> = symbols[0]["children"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["name"].as_str().unwrap_or(""), c["detail"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        children,
        vec![
            ("on schedule \"quarter\"", "*/15 * * * *"),
            ("on webhook \"push\"", ""),
            ("on trigger \"t\"", "")
        ]
    );
}
