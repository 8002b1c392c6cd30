//! The event stream of a run.

use super::harness::{Up, agent, appears, config, folder, marker, request};

fn data_lines(body: &str) -> Vec<serde_json::Value> {
    body.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(|d| serde_json::from_str(d.trim()).unwrap_or_default())
        .collect()
}

#[test]
fn a_late_subscriber_gets_every_event_and_the_stream_ends_with_the_run() {
    let dir = folder(&agent(&marker()), &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    let id = up.fire("go");
    up.wait_status(&id, &["succeeded"]);
    let finished = up.get(&format!("/api/v1/runs/{id}/events"));
    assert_eq!(finished.header("content-type"), Some("text/event-stream"));
    let events = data_lines(&finished.body);
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"configuration"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"trigger_ended"), "{kinds:?}");
    assert!(
        kinds.contains(&"exec_started") && kinds.contains(&"output") && kinds.contains(&"print"),
        "{kinds:?}"
    );
}

#[test]
fn a_subscriber_of_a_running_run_follows_it_to_the_end() {
    let mark = marker();
    let dir = folder(&agent(&mark), &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    let id = up.fire("slow");
    assert!(appears(&mark));
    let port = up.port;
    let path = format!("/api/v1/runs/{id}/events");
    let follower = std::thread::spawn(move || request(port, "GET", &path, "", &[]));
    std::thread::sleep(std::time::Duration::from_millis(300));
    up.post(&format!("/api/v1/runs/{id}/cancel"), "");
    let body = follower.join().map(|r| r.body).unwrap_or_default();
    let kinds: Vec<String> =
        data_lines(&body).iter().filter_map(|e| e["event"].as_str().map(str::to_string)).collect();
    assert_eq!(kinds.first().map(String::as_str), Some("configuration"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "exec_started"), "{kinds:?}");
    assert_eq!(kinds.last().map(String::as_str), Some("trigger_ended"), "{kinds:?}");
}
