//! `symbi run FILE --list`: the agents of a file and their triggers, so a user can see what
//! `--agent` and `--trigger` accept without reading the file.

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::diag::{Sources, render::render_human};
use crate::syntax::ast::TriggerSource;
use std::path::Path;

/// Prints each agent with its triggers (kind, name and payload binding) on stdout.
pub fn list(file: &Path) -> u8 {
    let name = file.display().to_string();
    let source = match crate::syntax::read_source(file) {
        Ok(source) => source,
        Err(d) => {
            eprint!("{}", render_human(&[d], &Sources::new(name, ""), false));
            return EXIT_USAGE;
        }
    };
    let parsed = crate::syntax::parse(&source);
    if !parsed.diagnostics.is_empty() {
        // What could be read is still listed; the syntax errors say what could not.
        eprint!("{}", render_human(&parsed.diagnostics, &Sources::new(name.clone(), &source), false));
    }
    let mut out = String::new();
    for agent in parsed.file.agents() {
        out.push_str(&format!("agent {}\n", agent.name.name));
        if agent.triggers.is_empty() {
            out.push_str("  (no trigger)\n");
        }
        for trigger in &agent.triggers {
            let binding = trigger.binding.as_ref().map_or("input", |b| b.name.as_str());
            let kind = match &trigger.source {
                TriggerSource::Manual => "trigger".to_string(),
                TriggerSource::Schedule { cron } => format!("schedule \"{}\"", cron.value),
                TriggerSource::Webhook { .. } => "webhook".to_string(),
            };
            out.push_str(&format!("  {kind}: \"{}\" (payload: {binding})\n", trigger.name.value));
        }
    }
    if out.is_empty() {
        out.push_str(&format!("{name} defines no agent\n"));
    }
    print!("{out}");
    if parsed.is_ok() { EXIT_OK } else { EXIT_FAILURE }
}
