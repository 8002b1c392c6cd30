//! Hover on a trigger's header: how it is fired, and for a schedule its next fire times.

use crate::diag::Span;
use crate::schedule::Cron;
use crate::syntax::ast::{File, StrValue, Trigger, TriggerSource};
use time::OffsetDateTime;

/// How many fire times the hover lists.
const FIRES_SHOWN: usize = 5;

/// The trigger whose header string (name, cron expression or secret) is at `offset`.
pub fn header_at(file: &File, offset: usize) -> Option<(&Trigger, Span)> {
    let triggers = file.agents().flat_map(|a| a.triggers.iter());
    triggers.into_iter().find_map(|t| {
        let strings = [Some(&t.name), t.cron(), t.webhook_secret()];
        strings.into_iter().flatten().find(|s| s.span.contains(offset)).map(|s| (t, s.span))
    })
}

/// The hover text of `trigger`, with fire times computed from `now`.
pub fn describe(trigger: &Trigger, now: OffsetDateTime) -> String {
    let quoted = |s: &StrValue| format!("{:?}", s.value);
    match &trigger.source {
        TriggerSource::Manual => format!(
            "```symbi\non trigger {}\n```\n\nRun it with `symbi run --trigger` or `emit`.",
            quoted(&trigger.name)
        ),
        TriggerSource::Schedule { cron } => {
            let named = if trigger.name.span == cron.span {
                String::new()
            } else {
                format!(" as {}", quoted(&trigger.name))
            };
            let header = format!("```symbi\non schedule {}{named}\n```\n\n", quoted(cron));
            header + &fire_times(&cron.value, now)
        }
        TriggerSource::Webhook { secret } => format!(
            "```symbi\non webhook {}{}\n```\n\nFired by `POST /api/v1/webhooks/{{agent}}/{}` signed with HMAC-SHA256 \
             (`X-Hub-Signature-256`) using the secret in {}. Test it with `symbi run --trigger`.",
            quoted(&trigger.name),
            secret.as_ref().map(|s| format!(" secret {}", quoted(s))).unwrap_or_default(),
            trigger.name.value,
            secret.as_ref().map_or("(no variable named)".into(), |s| format!("`${}`", s.value)),
        ),
    }
}

fn fire_times(cron: &str, now: OffsetDateTime) -> String {
    let cron = match Cron::parse(cron) {
        Ok(cron) => cron,
        Err(e) => return format!("Not a valid schedule: {}.", e.message),
    };
    let lines: Vec<String> = cron
        .upcoming(now, FIRES_SHOWN)
        .into_iter()
        .map(|t| {
            let day = t.weekday().to_string();
            format!("- {} {:02}:{:02}:{:02} {}", t.date(), t.hour(), t.minute(), t.second(), &day[..3])
        })
        .collect();
    format!("Next fires (UTC):\n{}\n\nRun it now with `symbi run --trigger`.", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;

    fn file(text: &str) -> File {
        let parsed = crate::syntax::parse(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.file
    }

    #[test]
    fn a_schedule_shows_its_next_fire_times_in_utc() {
        let text = "agent A {\n  on schedule \"0 9 * * MON-FRI\" as \"report\" { print(1) }\n}\n";
        let f = file(text);
        let (t, span) = header_at(&f, text.find("MON").expect("in text")).expect("a header");
        assert_eq!(&text[span.start..span.end], "\"0 9 * * MON-FRI\"");
        let now = OffsetDateTime::parse("2026-12-04T10:00:00Z", &Rfc3339).expect("RFC 3339");
        assert_eq!(
            describe(t, now),
            "```symbi\non schedule \"0 9 * * MON-FRI\" as \"report\"\n```\n\nNext fires (UTC):\n\
             - 2026-12-07 09:00:00 Mon\n- 2026-12-08 09:00:00 Tue\n- 2026-12-09 09:00:00 Wed\n\
             - 2026-12-10 09:00:00 Thu\n- 2026-12-11 09:00:00 Fri\n\nRun it now with `symbi run --trigger`."
        );
    }

    #[test]
    fn a_webhook_names_its_route_and_secret() {
        let text = "agent A {\n  on webhook \"push\" secret \"GH_SECRET\" { print(1) }\n}\n";
        let f = file(text);
        let (t, _) = header_at(&f, text.find("GH_").expect("in text")).expect("a header");
        let hover = describe(t, OffsetDateTime::UNIX_EPOCH);
        assert!(hover.contains("/api/v1/webhooks/{agent}/push") && hover.contains("`$GH_SECRET`"), "{hover}");
    }
}
