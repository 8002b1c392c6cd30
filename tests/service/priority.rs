//! Runs execute below the service in priority: a run's processes have a nice value 10 above
//! the service's, so the API keeps answering on a machine whose cores are busy with runs.

use super::harness::{Up, config, folder};

const AGENT: &str = r#"agent Nice {
    security { tier: None capabilities: ["network"] }
    on trigger "stat" {
        execute_native("sh -c 'read line < /proc/self/stat; echo $line'")
    }
}
"#;

/// The nice value in a `/proc/PID/stat` line (field 19; the name before it is in parentheses).
fn nice_of(stat: &str) -> Option<i32> {
    stat.rsplit(')').next()?.split_whitespace().nth(16)?.parse().ok()
}

#[test]
fn a_runs_processes_are_niced_below_the_service() {
    let dir = folder(AGENT, &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    let service = std::fs::read_to_string(format!("/proc/{}/stat", up.child.id())).unwrap_or_default();
    let service_nice = nice_of(&service).expect("the service's nice value");
    let run = up.post("/api/v1/agents/Nice/triggers/stat?wait=true", "");
    assert_eq!(run.status, 200, "{}", run.body);
    let output = run.json()["output"].as_str().unwrap_or_default().to_string();
    assert_eq!(nice_of(&output), Some((service_nice + 10).min(19)), "{output}");
}
