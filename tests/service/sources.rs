//! Schedules and webhooks through the service.

use super::harness::{Up, config, folder};
use std::time::{Duration, Instant};

const AGENT: &str = r#"agent Sources {
    security { tier: None capabilities: ["network"] }
    on schedule "* * * * * *" as "tick" {
        print("tick")
    }
    on schedule "0 0 1 1 *" as "yearly" (fire) {
        print(fire.reason)
    }
    on webhook "push" secret "SYMBI_TEST_HOOK_SECRET" (event) {
        print("ref ${event.ref}")
    }
}
"#;

const SECRET: &str = "It's a Secret to Everybody";

fn runs_of(up: &Up, trigger: &str) -> Vec<serde_json::Value> {
    up.get(&format!("/api/v1/runs?trigger={trigger}&limit=100")).json()["runs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn schedules_fire_list_pause_resume_and_trigger_now() {
    let dir = folder(AGENT, &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    let agents = up.get("/api/v1/agents").json();
    let triggers = &agents["agents"][0]["triggers"];
    assert_eq!(
        triggers[0],
        serde_json::json!({"name": "tick", "kind": "schedule", "schedule": "* * * * * *"})
    );
    assert_eq!(triggers[2]["kind"], "webhook");

    // The every-second schedule fires on its own, with source `schedule`.
    let deadline = Instant::now() + Duration::from_secs(10);
    while runs_of(&up, "tick").is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let ticks = runs_of(&up, "tick");
    assert!(!ticks.is_empty(), "the schedule never fired");
    assert_eq!(ticks[0]["source"], "schedule");

    let listed = up.get("/api/v1/schedules").json();
    let yearly =
        listed["schedules"].as_array().into_iter().flatten().find(|s| s["trigger"] == "yearly").cloned();
    let yearly = yearly.unwrap_or_default();
    assert_eq!(yearly["schedule"], "0 0 1 1 *");
    assert_eq!(yearly["next_fires"].as_array().map(Vec::len), Some(5));
    assert!(yearly["next_fires"][0].as_str().is_some_and(|t| t.contains("-01-01T00:00:00")), "{yearly}");

    let paused = up.post("/api/v1/schedules/Sources/tick/pause", "");
    assert_eq!((paused.status, paused.json()["paused"].clone()), (200, true.into()), "{}", paused.body);
    std::thread::sleep(Duration::from_millis(1500));
    let before = runs_of(&up, "tick").len();
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(runs_of(&up, "tick").len(), before, "a paused schedule fired");
    assert_eq!(up.post("/api/v1/schedules/Sources/tick/resume", "").json()["paused"], false);

    let fired = up.post("/api/v1/schedules/Sources/yearly/trigger", "");
    assert_eq!(fired.status, 202, "{}", fired.body);
    let id = fired.json()["run_id"].as_str().unwrap_or_default().to_string();
    let run = up.wait_status(&id, &["succeeded", "failed"]);
    assert_eq!(
        (run["source"].clone(), run["output"].clone()),
        ("schedule".into(), "manual\n".into()),
        "{run}"
    );

    let unknown = up.post("/api/v1/schedules/Sources/yearyl/pause", "");
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("did you mean `Sources/yearly`"), "{}", unknown.body);
}

#[test]
fn webhooks_need_the_signature_not_the_token() {
    let dir = folder(AGENT, &config(""));
    let env = [("SYMBI_TEST_HOOK_SECRET", SECRET), ("SYMBIONT_API_TOKEN", "the-token")];
    let up = Up::start(dir.path(), &[], &env);
    let body = r#"{"ref":"refs/heads/main"}"#;
    let good = symbi::webhook::signature::sign(SECRET.as_bytes(), body.as_bytes());
    let bad = symbi::webhook::signature::sign(b"another secret", body.as_bytes());
    let path = "/api/v1/webhooks/Sources/push";
    for headers in
        [vec![], vec![("X-Hub-Signature-256", bad.as_str())], vec![("X-Hub-Signature-256", "sha256=zz")]]
    {
        let r = up.request("POST", path, body, &headers);
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (401, "bad_signature".into()),
            "{}",
            r.body
        );
    }
    let r = up.request("POST", path, body, &[("X-Hub-Signature-256", good.as_str())]);
    assert_eq!(r.status, 202, "{}", r.body);
    let id = r.json()["run_id"].as_str().unwrap_or_default().to_string();
    let auth = [("Authorization", "Bearer the-token")];
    let deadline = Instant::now() + Duration::from_secs(10);
    let run = loop {
        let run = up.request("GET", &format!("/api/v1/runs/{id}"), "", &auth).json();
        if run["status"] == "succeeded" || run["status"] == "failed" || Instant::now() > deadline {
            break run;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        (run["source"].clone(), run["output"].clone()),
        ("webhook".into(), "ref refs/heads/main\n".into())
    );
    // A schedule or a plain trigger is not a webhook.
    let r =
        up.request("POST", "/api/v1/webhooks/Sources/tick", body, &[("X-Hub-Signature-256", good.as_str())]);
    assert_eq!(r.status, 404);
}
