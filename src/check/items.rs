//! Duplicates among items: agents, triggers, functions, parameters, blocks and keys.

use crate::diag::{Code, Diagnostic, Span, codes};
use crate::syntax::ast::{Agent, Entry, File, Function};
use std::collections::HashMap;

/// Reports every name defined twice in one scope, pointing at the repeat and the original.
fn duplicates<'n>(
    names: impl Iterator<Item = (&'n str, Span)>,
    code: Code,
    what: &str,
    help: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for (name, span) in names {
        match seen.get(name) {
            Some(first) => diags.push(
                Diagnostic::error(code, format!("{what} `{name}` is defined more than once"))
                    .with_primary(span, "defined again here")
                    .with_secondary(*first, "first defined here")
                    .with_help(help.to_string()),
            ),
            None => {
                seen.insert(name, span);
            }
        }
    }
}

/// Duplicate agents and top-level functions, and the parameters of top-level functions.
pub fn check_file_items(file: &File, diags: &mut Vec<Diagnostic>) {
    duplicates(
        file.agents().map(|a| (a.name.name.as_str(), a.name.span)),
        codes::DUPLICATE_AGENT,
        "agent",
        "rename one of the agents",
        diags,
    );
    check_functions(&file.functions().collect::<Vec<_>>(), diags);
}

/// Duplicate functions in one scope and duplicate parameters of each.
fn check_functions(functions: &[&Function], diags: &mut Vec<Diagnostic>) {
    duplicates(
        functions.iter().map(|f| (f.name.name.as_str(), f.name.span)),
        codes::DUPLICATE_FUNCTION,
        "function",
        "rename or remove one of the functions",
        diags,
    );
    for f in functions {
        duplicates(
            f.params.iter().map(|p| (p.name.name.as_str(), p.name.span)),
            codes::DUPLICATE_PARAMETER,
            "parameter",
            "give each parameter its own name",
            diags,
        );
    }
}

/// Duplicates inside one agent: triggers, functions, blocks and keys.
pub fn check_agent_items(agent: &Agent, diags: &mut Vec<Diagnostic>) {
    duplicates(
        agent.triggers.iter().map(|t| (t.name.value.as_str(), t.name.span)),
        codes::DUPLICATE_TRIGGER,
        "trigger",
        "merge the two handlers into one",
        diags,
    );
    check_functions(&agent.functions.iter().collect::<Vec<_>>(), diags);
    let blocks = [
        ("metadata", agent.metadata.iter().map(|b| b.span).collect::<Vec<_>>()),
        ("security", agent.security.iter().map(|b| b.span).collect()),
        ("resources", agent.resources.iter().map(|b| b.span).collect()),
    ];
    for (name, spans) in blocks {
        if let Some((first, rest)) = spans.split_first() {
            for span in rest {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_BLOCK,
                        format!("agent `{}` has more than one `{name}` block", agent.name.name),
                    )
                    .with_primary(Span::new(span.start, span.start + name.len()), "another block here")
                    .with_secondary(
                        Span::new(first.start, first.start + name.len()),
                        "the first one, which counts",
                    )
                    .with_help(format!("merge the `{name}` blocks into one")),
                );
            }
        }
    }
    let entry_lists: [(&str, Option<&Vec<Entry>>); 3] = [
        ("metadata", agent.metadata().map(|b| &b.entries)),
        ("security", agent.security().map(|b| &b.entries)),
        ("resources", agent.resources().map(|b| &b.entries)),
    ];
    for (block, entries) in entry_lists {
        if let Some(entries) = entries {
            duplicates(
                entries.iter().map(|e| (e.key.name.as_str(), e.key.span)),
                codes::DUPLICATE_KEY,
                &format!("`{block}` key"),
                "keep one of the two; only the first counts",
                diags,
            );
        }
    }
}
