//! `symbi run --list`: each trigger with its kind, a schedule's expression and next fire
//! time, a webhook's secret variable; no consent needed, nothing runs.

use crate::support::symbi;

const FILE: &str = "tests/cases/run/ambiguous_trigger_sources.symbi";

#[test]
fn list_names_each_trigger_with_its_kind_and_runs_nothing() {
    let out = symbi(&["run", FILE, "--list"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert_eq!(lines[0], ["A", "trigger", "one"]);
    assert_eq!(lines[1][..3], ["A", "schedule", "nightly"]);
    assert!(
        lines[1][3].starts_with("0 3 * * * (UTC), next ") && lines[1][3].ends_with("T03:00:00Z"),
        "{stdout}"
    );
    assert_eq!(lines[2][..3], ["A", "schedule", "@hourly"]);
    assert!(lines[2][3].ends_with(":00:00Z"), "{stdout}");
    assert_eq!(lines[3], ["A", "webhook", "push", "secret $PUSH_SECRET"]);
    assert!(!stdout.contains("1\n2"), "no handler ran");
}

#[test]
fn list_as_json_has_the_fields_of_the_agents_route() {
    let out = symbi(&["run", FILE, "--list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let entries: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(entries[0], serde_json::json!({"agent": "A", "trigger": "one", "kind": "trigger"}));
    assert_eq!(entries[1]["schedule"], "0 3 * * *");
    assert!(entries[1]["next_fire"].as_str().is_some_and(|t| t.ends_with("T03:00:00Z")));
    assert_eq!(
        entries[3],
        serde_json::json!({"agent": "A", "trigger": "push", "kind": "webhook", "secret": "PUSH_SECRET"})
    );
}
