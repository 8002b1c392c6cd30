//! Reload: SIGHUP, POST /api/v1/reload and --watch; a bad file keeps its previous version.

use super::harness::{Up, agent, config, folder, marker};
use crate::support::within;
use nix::sys::signal::Signal;
use std::time::Duration;

fn triggers(up: &Up) -> Vec<String> {
    let agents = up.get("/api/v1/agents").json();
    agents["agents"][0]["triggers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect()
}

fn with_extra_trigger(text: &str) -> String {
    text.replacen(
        "on trigger \"go\"",
        "on trigger \"added\" {\n        print(\"new\")\n    }\n    on trigger \"go\"",
        1,
    )
}

#[test]
fn post_reload_refuses_a_bad_file_and_keeps_serving_its_previous_version() {
    let text = agent(&marker());
    let dir = folder(&text, &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    std::fs::write(dir.path().join("agent.symbi"), "agent Hello { on trigger \"go\" { nope() } }").ok();
    let r = up.post("/api/v1/reload", "");
    assert_eq!(r.status, 422, "{}", r.body);
    let refused = &r.json()["refused"][0];
    assert!(refused["file"].as_str().is_some_and(|f| f.ends_with("agent.symbi")), "{}", r.body);
    assert!(refused["diagnostics"][0].as_str().is_some_and(|d| d.contains("error[")), "{}", r.body);
    assert!(triggers(&up).contains(&"slow".to_string()), "the previous version serves");
    assert_eq!(up.post("/api/v1/agents/Hello/triggers/go?wait=true", "").json()["status"], "succeeded");

    std::fs::write(dir.path().join("agent.symbi"), with_extra_trigger(&text)).ok();
    let r = up.post("/api/v1/reload", "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(triggers(&up).contains(&"added".to_string()));
}

#[test]
fn sighup_reloads() {
    let text = agent(&marker());
    let dir = folder(&text, &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    std::fs::write(dir.path().join("agent.symbi"), with_extra_trigger(&text)).ok();
    up.signal(Signal::SIGHUP);
    assert!(within(Duration::from_secs(10), || triggers(&up).contains(&"added".to_string())).is_some());
}

#[test]
fn watch_reloads_a_changed_file() {
    let text = agent(&marker());
    let dir = folder(&text, &config(""));
    let up = Up::start(dir.path(), &["--watch"], &[]);
    std::thread::sleep(Duration::from_millis(50));
    std::fs::write(dir.path().join("agent.symbi"), with_extra_trigger(&text)).ok();
    assert!(within(Duration::from_secs(10), || triggers(&up).contains(&"added".to_string())).is_some());
}

#[test]
fn a_run_in_flight_finishes_on_the_version_it_started_with() {
    let text = agent(&marker())
        .replace("execute_native(\"echo from-echo\")", "execute_native(\"sleep 1\")\n        print(\"old\")");
    let dir = folder(&text, &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    let id = up.fire("go");
    std::thread::sleep(Duration::from_millis(200));
    std::fs::write(dir.path().join("agent.symbi"), text.replace("print(\"old\")", "print(\"new\")")).ok();
    assert_eq!(up.post("/api/v1/reload", "").status, 200);
    let run = up.wait_status(&id, &["succeeded", "failed"]);
    assert_eq!(run["output"], "hi\nold\n", "{run}");
    let after = up.post("/api/v1/agents/Hello/triggers/go?wait=true", "").json();
    assert_eq!(after["output"], "hi\nnew\n", "{after}");
}
