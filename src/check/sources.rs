//! Trigger sources: a schedule's cron expression (parsed by `schedule::Cron`, the parser the
//! service fires with) and a webhook's secret variable.

use super::codes;
use crate::diag::{Diagnostic, Span};
use crate::schedule::{Cron, CronErrorKind};
use crate::syntax::ast::{Agent, StrValue, Trigger, TriggerSource};

/// The variable the API token is read from; a webhook secret must be another one.
const API_TOKEN_VARIABLE: &str = "SYMBIONT_API_TOKEN";

/// Checks the schedule and webhook headers of `agent`'s triggers.
pub fn check_trigger_sources(agent: &Agent, diags: &mut Vec<Diagnostic>) {
    for trigger in &agent.triggers {
        match &trigger.source {
            TriggerSource::Manual => {}
            TriggerSource::Schedule { cron } => check_cron(cron, diags),
            TriggerSource::Webhook { secret } => check_secret(trigger, secret.as_ref(), diags),
        }
    }
}

fn check_cron(cron: &StrValue, diags: &mut Vec<Diagnostic>) {
    // An interpolated literal was already reported (E0121) and has no value.
    if cron.value.is_empty() && cron.span.len() > 2 {
        return;
    }
    let Err(e) = Cron::parse(&cron.value) else { return };
    let (code, label) = match e.kind {
        CronErrorKind::FieldCount => (codes::SCHEDULE_FIELD_COUNT, "not 5 or 6 fields"),
        CronErrorKind::OutOfRange => (codes::SCHEDULE_OUT_OF_RANGE, "out of range"),
        CronErrorKind::Malformed => (codes::SCHEDULE_MALFORMED, "not cron syntax"),
        CronErrorKind::NeverFires => (codes::SCHEDULE_NEVER_FIRES, "no date matches"),
    };
    diags.push(
        Diagnostic::error(code, e.message)
            .with_primary(inside(cron, e.span), label)
            .with_help(format!("{}; schedules run in UTC", e.help)),
    );
}

/// The source span of bytes `range` of a literal's value, or the whole literal when escapes
/// make the value's bytes differ from the source's.
fn inside(literal: &StrValue, range: std::ops::Range<usize>) -> Span {
    let plain = literal.span.len() == literal.value.len() + 2;
    if !plain || range.is_empty() {
        return literal.span;
    }
    let start = literal.span.start + 1;
    Span::new(start + range.start, start + range.end)
}

fn check_secret(trigger: &Trigger, secret: Option<&StrValue>, diags: &mut Vec<Diagnostic>) {
    let Some(secret) = secret else {
        diags.push(
            Diagnostic::error(codes::WEBHOOK_WITHOUT_SECRET, format!("webhook `{}` has no secret", trigger.name.value))
                .with_primary(trigger.name.span, "nothing says how its requests are authenticated")
                .with_help(format!(
                    "name the environment variable holding the signing secret: `on webhook {:?} secret \"WEBHOOK_SECRET\" {{ ... }}`",
                    trigger.name.value
                )),
        );
        return;
    };
    if !is_variable_name(&secret.value) {
        diags.push(
            Diagnostic::error(
                codes::WEBHOOK_SECRET_NAME,
                format!("`{}` is not the name of an environment variable", secret.value),
            )
            .with_primary(secret.span, "expected a name such as \"GITHUB_WEBHOOK_SECRET\"")
            .with_help(
                "name the variable, not its value: letters, digits and `_`, not starting with a digit",
            ),
        );
    } else if secret.value == API_TOKEN_VARIABLE {
        diags.push(
            Diagnostic::warning(
                codes::WEBHOOK_SECRET_IS_API_TOKEN,
                format!("webhook `{}` is signed with the API token", trigger.name.value),
            )
            .with_primary(secret.span, "the sender would hold the token that opens every route")
            .with_help("give the webhook a secret of its own in another variable"),
        );
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: what a shell and the service accept as a variable name.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use crate::check::{CheckContext, check_source};
    use crate::config::Config;
    use crate::diag::codes::{
        self, INTERPOLATION_NOT_ALLOWED, SCHEDULE_FIELD_COUNT, SCHEDULE_OUT_OF_RANGE, WEBHOOK_SECRET_NAME,
    };

    /// The codes and the text under each primary label.
    fn reported(text: &str) -> Vec<(codes::Code, String)> {
        let config = Config::default();
        let checked = check_source(text, &CheckContext::new(&config));
        checked.diagnostics.iter().map(|d| (d.code, text[d.span().start..d.span().end].to_string())).collect()
    }

    fn agent(header: &str) -> String {
        format!("agent A {{\n  {header} {{ print(input) }}\n}}\n")
    }

    #[test]
    fn cron_errors_point_into_the_literal() {
        assert_eq!(reported(&agent(r#"on schedule "0 9 * * 1-9""#)), [(SCHEDULE_OUT_OF_RANGE, "9".into())]);
        assert_eq!(
            reported(&agent(r#"on schedule "0 9 * *" as "x""#)),
            [(SCHEDULE_FIELD_COUNT, "0 9 * *".into())]
        );
    }

    #[test]
    fn escapes_in_the_literal_put_the_label_on_the_whole_literal() {
        assert_eq!(
            reported(&agent(r#"on schedule "\u{36}0 * * * *""#)),
            [(SCHEDULE_OUT_OF_RANGE, r#""\u{36}0 * * * *""#.into())]
        );
    }

    #[test]
    fn an_interpolated_expression_is_reported_once() {
        let codes: Vec<codes::Code> =
            reported(&agent(r#"on schedule "${x} * * * *""#)).into_iter().map(|(code, _)| code).collect();
        assert_eq!(codes, [INTERPOLATION_NOT_ALLOWED]);
    }

    #[test]
    fn secret_names_follow_the_shell_rules() {
        assert!(reported(&agent(r#"on webhook "w" secret "_GH_2""#)).is_empty());
        for bad in ["2GH", "GH-SECRET", "", "GH SECRET", "ÉTÉ"] {
            let header = format!(r#"on webhook "w" secret "{bad}""#);
            assert_eq!(reported(&agent(&header)).first().map(|r| r.0), Some(WEBHOOK_SECRET_NAME), "{bad:?}");
        }
    }
}
