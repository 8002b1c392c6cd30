//! Checking after syntax errors: a broken trigger or function is left out, the rest of the
//! file is still checked, and errors that only follow from the left-out parts are not shown.

use crate::support::symbi;
use symbi::check::{CheckContext, check_source};
use symbi::config::Config;

/// One agent with a sound trigger, a broken trigger and a broken function (each broken
/// across lines, so leaving out one line does not mend it); the sound trigger has a type
/// error, calls the broken function and emits the broken trigger.
const BROKEN_MEMBERS: &str = r#"agent Demo {
    on trigger "good" {
        let n: Int = "text"
        print(n)
        helper(2)
        emit("broken")
    }

    on trigger "broken" {
        let x = (1 +
            2 +)
    }

    fn helper(a: Int) {
        let y = ]
    }
}
"#;

fn codes(text: &str) -> Vec<&'static str> {
    let config = Config::default();
    check_source(text, &CheckContext::new(&config)).diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn a_broken_trigger_does_not_hide_the_errors_of_its_agent() {
    // One syntax error per broken member, and the type error of the sound trigger; no
    // E0202 for `helper` and no E0206 for `emit("broken")`.
    assert_eq!(codes(BROKEN_MEMBERS), ["E0213", "E0123", "E0105"]);
}

#[test]
fn each_broken_member_reports_the_error_it_gives_alone() {
    let parsed = symbi::syntax::parse(BROKEN_MEMBERS);
    assert!(parsed.is_recovered());
    let names: Vec<&str> = parsed.dropped.iter().flat_map(|d| d.names.iter().map(String::as_str)).collect();
    assert_eq!(names, ["broken", "helper"]);
    let lines: Vec<usize> = parsed
        .diagnostics
        .iter()
        .map(|d| BROKEN_MEMBERS[..d.span().start].matches('\n').count() + 1)
        .collect();
    assert_eq!(lines, [11, 15], "{:?}", parsed.diagnostics);
    // The sound trigger is in the tree, the broken ones are not.
    let agent = parsed.file.agents().next().expect("the agent is kept");
    assert_eq!(agent.triggers.len(), 1);
    assert!(agent.functions.is_empty());
}

#[test]
fn a_broken_statement_line_keeps_its_trigger_and_its_variable_is_not_reported_again() {
    // `(` never closed: the next line starts the next statement, so only this line is
    // left out; `x` is then unknown only because its `let` was left out.
    let text = "agent A {\n    on trigger \"go\" {\n        let x = len([1, 2\n        let s: Int = \"no\"\n        print(x)\n        print(s)\n    }\n}\n";
    let parsed = symbi::syntax::parse(text);
    assert!(parsed.is_recovered());
    let left_out: Vec<&str> = parsed.dropped.iter().map(|d| text[d.span.start..d.span.end].trim()).collect();
    assert_eq!(left_out, ["let x = len([1, 2"]);
    assert_eq!(parsed.dropped[0].names, ["x"]);
    assert_eq!(codes(text), ["E0105", "E0213"]);
}

#[test]
fn a_broken_top_level_function_gives_no_unknown_function_at_its_calls() {
    let text = "fn helper(x: Int) -> Int {\n    return x +\n}\n\nagent A {\n    on trigger \"go\" {\n        helper(1)\n        missing(2)\n    }\n}\n";
    assert_eq!(codes(text), ["E0123", "E0202"], "only the call of a name defined nowhere");
}

#[test]
fn an_unclosed_trigger_keeps_the_next_member() {
    let text = "agent A {\n    on trigger \"a\" {\n        let x = 1\n\n    on trigger \"b\" {\n        let s: Int = \"no\"\n        print(s)\n    }\n}\n";
    let found = codes(text);
    assert!(found.contains(&"E0213"), "the second trigger is checked: {found:?}");
    assert_eq!(found.iter().filter(|c| c.starts_with("E01")).count(), 1, "{found:?}");
}

#[test]
fn a_broken_settings_block_still_hides_its_agent() {
    // Leaving `security` out would report every capability the triggers use.
    let text = "agent A {\n    security {\n        tier: \n    }\n    on trigger \"go\" {\n        let s: Int = \"no\"\n        print(s)\n    }\n}\n";
    let found = codes(text);
    assert!(found.iter().all(|c| c.starts_with("E01")), "{found:?}");
}

#[test]
fn run_and_fmt_still_refuse_a_file_with_syntax_errors() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("broken.symbi");
    let sound_trigger = "agent A {\n    on trigger \"go\" {\n        print(\"ran\")\n    }\n\n    on trigger \"broken\" {\n        let x = (1 +\n    }\n}\n";
    std::fs::write(&file, sound_trigger).unwrap_or_else(|e| panic!("{e}"));
    let path = file.to_string_lossy().into_owned();
    let out = symbi(&["run", "--native", "--trigger", "go", "--format", "json", &path]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("\"code\":\"E0105\""), "{text}");
    assert!(!text.contains("ran"), "nothing was run: {text}");
    assert!(symbi::fmt::format_source(sound_trigger).is_err());
}

#[test]
fn a_dropped_trigger_excuses_emits_of_its_own_agent_only() {
    // `emit` reaches only the agent's own triggers: B's emit("x") is a real error even
    // though A's broken trigger "x" was left out.
    let text = "agent A {\n    on trigger \"x\" {\n        let v = (1 +\n    }\n\n    on trigger \"go\" {\n        emit(\"x\")\n    }\n}\n\nagent B {\n    on trigger \"go\" {\n        emit(\"x\")\n    }\n}\n";
    assert_eq!(codes(text), ["E0105", "E0206"]);
}
