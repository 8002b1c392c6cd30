//! Which agent and trigger `symbi run` runs, and the payload it gets (`--input`).

// A diagnostic is the error here and is built once per run, so its size does not matter.
#![allow(clippy::result_large_err)]

use super::Value;
use crate::diag::Diagnostic;
use crate::diag::codes::{BAD_INPUT, NO_SUCH_TARGET};
use crate::syntax::ast::{Agent, File, Trigger};

/// Picks the agent (`--agent`, or the only one) and its trigger (`--trigger`, or the only
/// one). An ambiguous or unknown choice is a diagnostic listing the choices.
pub fn choose<'f>(
    file: &'f File,
    agent: Option<&str>,
    trigger: Option<&str>,
) -> Result<(&'f Agent, &'f Trigger), Diagnostic> {
    let agents: Vec<&Agent> = file.agents().collect();
    let names = |items: Vec<&str>| items.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let agent_names = names(agents.iter().map(|a| a.name.name.as_str()).collect());
    let chosen = match agent {
        Some(wanted) => agents.iter().find(|a| a.name.name == wanted).copied().ok_or_else(|| {
            Diagnostic::error(NO_SUCH_TARGET, format!("the file has no agent `{wanted}`"))
                .with_note(format!("its agents: {agent_names}"))
                .with_help("name one of them with `--agent NAME`")
        })?,
        None => match agents.as_slice() {
            [only] => *only,
            [] => return Err(Diagnostic::error(NO_SUCH_TARGET, "the file defines no agent to run")),
            _ => {
                return Err(Diagnostic::error(
                    NO_SUCH_TARGET,
                    "the file has several agents; say which one to run",
                )
                .with_note(format!("its agents: {agent_names}"))
                .with_help("add `--agent NAME`"));
            }
        },
    };
    let trigger_names = chosen.triggers.iter().map(listed).collect::<Vec<_>>().join(", ");
    let handler = match trigger {
        Some(wanted) => chosen.triggers.iter().find(|t| t.name.value == wanted).ok_or_else(|| {
            Diagnostic::error(
                NO_SUCH_TARGET,
                format!("agent `{}` has no trigger `{wanted}`", chosen.name.name),
            )
            .with_note(format!("its triggers: {trigger_names}"))
            .with_help("name one of them with `--trigger NAME`")
        })?,
        None => match chosen.triggers.as_slice() {
            [only] => only,
            [] => {
                return Err(Diagnostic::error(
                    NO_SUCH_TARGET,
                    format!("agent `{}` has no trigger to run", chosen.name.name),
                )
                .with_help("add a handler: `on trigger \"start\" { ... }`"));
            }
            _ => {
                return Err(Diagnostic::error(
                    NO_SUCH_TARGET,
                    format!("agent `{}` has several triggers; say which one to run", chosen.name.name),
                )
                .with_note(format!("its triggers: {trigger_names}"))
                .with_help("add `--trigger NAME`"));
            }
        },
    };
    Ok((chosen, handler))
}

/// A trigger as the notes list it: its name, and what else fires it.
fn listed(t: &Trigger) -> String {
    match (t.kind(), t.cron()) {
        (_, Some(cron)) if cron.span != t.name.span => {
            format!("`{}` (schedule `{}`)", t.name.value, cron.value)
        }
        ("trigger", _) => format!("`{}`", t.name.value),
        (kind, _) => format!("`{}` ({kind})", t.name.value),
    }
}

/// The largest `--input @FILE` payload read (64 MiB).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The payload of `--input`: JSON text, or `@path` to a file of JSON; none is `null`.
pub fn parse_input(arg: Option<&str>) -> Result<Value, Diagnostic> {
    let Some(arg) = arg else { return Ok(Value::Null) };
    let (text, from) = match arg.strip_prefix('@') {
        // Only a regular file, read without blocking and up to a cap: `@/dev/zero` or a FIFO
        // is refused at once rather than filling memory or waiting for a writer.
        Some(path) => match crate::config::read_regular_file(std::path::Path::new(path), MAX_INPUT_BYTES)
            .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string()))
        {
            Ok(text) => (text, format!("the file `{path}`")),
            Err(why) => {
                return Err(Diagnostic::error(
                    BAD_INPUT,
                    format!("cannot read the --input file `{path}`: {why}"),
                )
                .with_help("give `--input @FILE` a regular JSON file, or the JSON text itself"));
            }
        },
        None => (arg.to_string(), "--input".to_string()),
    };
    serde_json::from_str::<serde_json::Value>(&text).map(|j| Value::from_json(&j)).map_err(|e| {
        Diagnostic::error(BAD_INPUT, format!("{from} is not valid JSON: {e}"))
            .with_help("give JSON text (`--input '{\"name\": 1}'`) or `--input @payload.json`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_json_text_or_a_file() {
        assert_eq!(parse_input(None), Ok(Value::Null));
        assert_eq!(parse_input(Some("[1]")), Ok(Value::List(vec![Value::Int(1)])));
        assert_eq!(parse_input(Some("{nope")).map_err(|d| d.code), Err(BAD_INPUT));
        assert_eq!(parse_input(Some("@/nonexistent/x.json")).map_err(|d| d.code), Err(BAD_INPUT));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("p.json");
        let _ = std::fs::write(&path, r#"{"n": 2}"#);
        let got = parse_input(Some(&format!("@{}", path.display())));
        assert_eq!(got.map(|v| v.to_string()), Ok(r#"{"n":2}"#.to_string()));
    }
}
