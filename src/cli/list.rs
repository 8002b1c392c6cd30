//! `symbi run --list`: the agents and triggers of a file and what fires each, instead of a
//! run. It needs the syntax only: listing a tier None agent needs no consent.

use super::{EXIT_FAILURE, EXIT_OK, RunFormat};
use crate::eval::Transcript;
use crate::schedule::Cron;
use crate::schedule::scheduler::rfc3339;
use crate::syntax::ast::{Agent, Trigger, TriggerSource};
use time::OffsetDateTime;

/// Prints one line per trigger (tab-separated, or JSON objects with `--format json`).
pub fn list(source: &str, format: RunFormat, transcript: &dyn Transcript) -> u8 {
    let parsed = crate::syntax::parse(source);
    for d in &parsed.diagnostics {
        transcript.diagnostic(d);
    }
    if !parsed.is_ok() {
        return EXIT_FAILURE;
    }
    let now = OffsetDateTime::now_utc();
    let mut out = String::new();
    for agent in parsed.file.agents() {
        for trigger in &agent.triggers {
            let entry = entry(agent, trigger, now);
            let line = match format {
                RunFormat::Json => entry.to_string(),
                RunFormat::Human => human(&entry),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    print!("{out}");
    EXIT_OK
}

/// `{"agent", "trigger", "kind", "schedule"?, "next_fire"?, "secret"?}`: the fields of the
/// service's `GET /api/v1/agents` triggers, and when a schedule fires next.
fn entry(agent: &Agent, trigger: &Trigger, now: OffsetDateTime) -> serde_json::Value {
    let mut entry = serde_json::json!({
        "agent": agent.name.name,
        "trigger": trigger.name.value,
        "kind": trigger.kind(),
    });
    match &trigger.source {
        TriggerSource::Manual => {}
        TriggerSource::Schedule { cron } => {
            entry["schedule"] = cron.value.clone().into();
            let next = Cron::parse(&cron.value).ok().and_then(|c| c.next_after(now));
            entry["next_fire"] = next.map(rfc3339).into();
        }
        TriggerSource::Webhook { secret } => {
            entry["secret"] = secret.as_ref().map(|s| s.value.clone()).into();
        }
    }
    entry
}

/// `Agent<TAB>kind<TAB>name<TAB>detail`.
fn human(entry: &serde_json::Value) -> String {
    let text = |key: &str| entry[key].as_str().unwrap_or("").to_string();
    let detail = match text("kind").as_str() {
        "schedule" => {
            format!("{} (UTC), next {}", text("schedule"), entry["next_fire"].as_str().unwrap_or("never"))
        }
        "webhook" => format!("secret ${}", text("secret")),
        _ => String::new(),
    };
    format!("{}\t{}\t{}\t{detail}", text("agent"), text("kind"), text("trigger")).trim_end().to_string()
}
