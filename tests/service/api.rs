//! The routes, their answers and their errors.

use super::harness::{Up, agent, appears, config, folder, gone_within, marker};
use std::time::Duration;

#[test]
fn health_agents_and_a_run_from_trigger_to_history() {
    let dir = folder(&agent(&marker()), &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    assert_eq!(up.get("/api/v1/health/live").json(), serde_json::json!({"status": "ok"}));
    assert_eq!(up.get("/api/v1/health/ready").status, 200);
    let agents = up.get("/api/v1/agents").json();
    assert_eq!(agents["agents"][0]["name"], "Hello");
    assert_eq!(agents["agents"][0]["tier"], "None");
    assert_eq!(agents["agents"][0]["file"], "./agent.symbi");
    assert_eq!(
        agents["agents"][0]["triggers"][0],
        serde_json::json!({"name": "go", "kind": "trigger", "schedule": null})
    );

    let accepted = up.post("/api/v1/agents/Hello/triggers/go", "");
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    assert_eq!(accepted.json()["status"], "queued");
    let id = accepted.json()["run_id"].as_str().unwrap_or_default().to_string();
    let run = up.wait_status(&id, &["succeeded", "failed"]);
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["output"], "hi\nfrom-echo\n");
    assert_eq!(run["exit_code"], 0);
    assert_eq!(run["source"], "api");
    for field in ["created_at", "started_at", "finished_at"] {
        assert!(run[field].is_string(), "{field}: {run}");
    }
    assert!(run["error"].is_null());

    // The input is the trigger's payload; ?wait=true answers with the finished run.
    let waited = up.post("/api/v1/agents/Hello/triggers/echo?wait=true", r#"{"n": 7}"#);
    assert_eq!(waited.status, 200, "{}", waited.body);
    assert_eq!(waited.json()["output"], "{\"n\":7}\n");
    let failed = up.post("/api/v1/agents/Hello/triggers/fail?wait=true", "");
    assert_eq!(failed.json()["status"], "failed");
    assert_eq!(failed.json()["exit_code"], 1);
}

#[test]
fn errors_have_the_documented_shape_and_codes() {
    let dir = folder(&agent(&marker()), &config("max_body_size = 64"));
    let up = Up::start(dir.path(), &[], &[]);
    let cases = [
        ("POST", "/api/v1/agents/Helo/triggers/go", "", 404, "not_found", Some("did you mean `Hello`")),
        ("POST", "/api/v1/agents/Hello/triggers/slwo", "", 404, "not_found", Some("did you mean `slow`")),
        ("GET", "/api/v1/agent", "", 404, "not_found", Some("did you mean `/api/v1/agents`")),
        ("POST", "/api/v1/agents/Hello/triggers/go", "{nope", 400, "invalid_json", None),
        ("POST", "/api/v1/agents/Hello/triggers/go?wait=maybe", "", 400, "bad_request", None),
        ("GET", "/api/v1/runs?limit=0", "", 400, "bad_request", None),
        ("GET", "/api/v1/runs?status=done", "", 400, "bad_request", None),
        ("GET", "/api/v1/runs?stauts=failed", "", 400, "bad_request", Some("did you mean `status`")),
        ("GET", "/api/v1/runs/nope", "", 404, "not_found", None),
        ("POST", "/api/v1/runs/nope/cancel", "", 404, "not_found", None),
        ("DELETE", "/api/v1/agents", "", 405, "method_not_allowed", None),
    ];
    for (method, path, body, status, code, hint) in cases {
        let r = up.request(method, path, body, &[]);
        assert_eq!(r.status, status, "{method} {path}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], code, "{method} {path}: {}", r.body);
        if let Some(hint) = hint {
            assert!(r.json()["error"]["message"].as_str().unwrap_or_default().contains(hint), "{}", r.body);
        }
    }
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(100));
    let r = up.post("/api/v1/agents/Hello/triggers/echo", &big);
    assert_eq!((r.status, r.json()["error"]["code"].clone()), (413, "payload_too_large".into()));
}

#[test]
fn every_route_of_the_list_is_served() {
    let dir = folder(&agent(&marker()), &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    for (method, path) in symbi::service::routes::ROUTES {
        let concrete = path.replace("{agent}", "Hello").replace("{trigger}", "go").replace("{id}", "x");
        let r = up.request(&method.to_uppercase(), &concrete, "", &[]);
        let unrouted = r.status == 405
            || r.json()["error"]["message"].as_str().is_some_and(|m| m.starts_with("no route"));
        assert!(!unrouted, "{method} {path}: {} {}", r.status, r.body);
    }
    let doc = up.get("/api/v1/openapi.json").json();
    assert_eq!(doc["openapi"], "3.0.3");
    let metrics = up.get("/metrics").body;
    for name in
        ["symbi_runs_total", "symbi_run_duration_seconds_bucket", "symbi_queue_depth", "symbi_runs_in_flight"]
    {
        assert!(metrics.contains(name), "{metrics}");
    }
}

#[test]
fn history_lists_newest_first_with_filters_and_cursor() {
    let dir = folder(&agent(&marker()), &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    let mut ids = Vec::new();
    for trigger in ["go", "fail", "go"] {
        let r = up.post(&format!("/api/v1/agents/Hello/triggers/{trigger}?wait=true"), "");
        ids.push(r.json()["id"].as_str().unwrap_or_default().to_string());
    }
    let all = up.get("/api/v1/runs").json();
    let listed: Vec<&str> =
        all["runs"].as_array().into_iter().flatten().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    assert!(all["next_cursor"].is_null());
    let page = up.get("/api/v1/runs?limit=2").json();
    assert_eq!(page["runs"].as_array().map(Vec::len), Some(2));
    let cursor = page["next_cursor"].as_str().unwrap_or_default().to_string();
    let next = up.get(&format!("/api/v1/runs?limit=2&cursor={cursor}")).json();
    assert_eq!(next["runs"][0]["id"], ids[0].as_str());
    assert!(next["next_cursor"].is_null());
    let failed = up.get("/api/v1/runs?status=failed&agent=Hello").json();
    assert_eq!(failed["runs"].as_array().map(Vec::len), Some(1));
    assert_eq!(up.get("/api/v1/runs?trigger=go").json()["runs"].as_array().map(Vec::len), Some(2));
}

#[test]
fn cancel_kills_the_runs_processes_and_records_cancelled() {
    let mark = marker();
    let dir = folder(&agent(&mark), &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    let id = up.fire("slow");
    assert!(appears(&mark), "the run's process never started");
    let r = up.post(&format!("/api/v1/runs/{id}/cancel"), "");
    assert_eq!(r.status, 202, "{}", r.body);
    let run = up.wait_status(&id, &["cancelled"]);
    assert_eq!(run["status"], "cancelled", "{run}");
    assert_eq!(gone_within(&mark, Duration::from_secs(5)), Vec::<i32>::new());
    let again = up.post(&format!("/api/v1/runs/{id}/cancel"), "");
    assert_eq!((again.status, again.json()["error"]["code"].clone()), (409, "run_finished".into()));
}

#[test]
fn a_full_queue_answers_429_with_retry_after() {
    let mark = marker();
    let dir = folder(&agent(&mark), &config("max_concurrent_runs = 1\nmax_queued_runs = 0"));
    let up = Up::start(dir.path(), &[], &[]);
    let id = up.fire("slow");
    assert!(appears(&mark));
    let r = up.post("/api/v1/agents/Hello/triggers/go", "");
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "queue_full");
    assert!(r.header("retry-after").is_some());
    up.post(&format!("/api/v1/runs/{id}/cancel"), "");
    assert_eq!(gone_within(&mark, Duration::from_secs(5)), Vec::<i32>::new());
}

#[test]
fn the_audit_log_records_the_source_and_the_caller() {
    let dir = folder(&agent(&marker()), &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    up.post("/api/v1/agents/Hello/triggers/go?wait=true", "");
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap_or_default();
    let line: serde_json::Value =
        serde_json::from_str(audit.lines().next().unwrap_or_default()).unwrap_or_default();
    assert_eq!(line["source"], "api", "{audit}");
    assert!(line["caller"].as_str().is_some_and(|c| c.starts_with("127.0.0.1:")), "{audit}");
}

#[test]
fn a_file_with_errors_serves_nothing() {
    let dir = folder("agent Broken { on trigger \"x\" { nope() } }", &config(""));
    let err = Up::try_start(dir.path(), &[], &[]).err();
    let (code, stderr) = err.unwrap_or_default();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("nothing is served"), "{stderr}");
}

#[test]
fn doctor_shows_the_api_keys_with_their_sources() {
    let dir = folder(&agent(&marker()), &config("max_concurrent_runs = 3"));
    let out = std::process::Command::new(crate::support::symbi_bin())
        .args(["doctor", "--format", "json", "--config", "config.toml"])
        .current_dir(dir.path())
        .env("SYMBIONT_API_PORT", "9999")
        .output()
        .expect("doctor runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("api.max_concurrent_runs"), "{text}");
    assert!(text.contains("SYMBIONT_API_PORT"), "{text}");
    assert!(text.contains("storage.runs_db"), "{text}");
}

#[test]
fn two_files_defining_one_agent_name_are_refused_with_e0600() {
    let text = agent(&marker());
    let dir = folder(&text, &config(""));
    std::fs::write(dir.path().join("again.symbi"), &text).ok();
    let (code, stderr) = Up::try_start(dir.path(), &[], &[]).err().unwrap_or_default();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("E0600") && stderr.contains("agent `Hello` is also defined in"), "{stderr}");
}
