//! Quick fixes for diagnostics with one obvious fix, from the [`Fix`] the checker attached:
//! add the capability a call needs (E0305) to the agent's `security` block, and apply a
//! did-you-mean by replacing the diagnostic's range.

use super::documents::Document;
use super::position::Encoding;
use crate::diag::{Fix, Span};
use crate::syntax::ast::{self, ExprKind};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, Diagnostic, TextEdit, Uri, WorkspaceEdit};

/// The quick fixes for the `diagnostics` the client sent: the [`Fix`] each one carries in
/// its `data` (put there when the server published it).
pub fn code_actions(doc: &Document, enc: Encoding, uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<CodeAction> {
    let mut out = Vec::new();
    for d in diagnostics {
        let fix =
            d.data.as_ref().and_then(|v| v.get("fix")).and_then(|f| serde_json::from_value(f.clone()).ok());
        match fix {
            Some(Fix::UseName { name }) => {
                let span = doc.positions(enc).span(d.range);
                let old = &doc.text[span.clamp_to(&doc.text)];
                // Keep the quotes of a string literal (a misspelt capability or trigger name).
                let new = if old.starts_with('"') && old.ends_with('"') && old.len() >= 2 {
                    format!("\"{name}\"")
                } else {
                    name.clone()
                };
                out.push(action(format!("Replace with `{name}`"), uri, vec![TextEdit::new(d.range, new)], d));
            }
            Some(Fix::DeclareCapability { capability }) => {
                if let Some(edit) = add_capability(doc, enc, doc.positions(enc).span(d.range), &capability) {
                    let title = format!("Add \"{capability}\" to the agent's capabilities");
                    out.push(action(title, uri, vec![edit], d));
                }
            }
            None => {}
        }
    }
    out
}

fn action(title: String, uri: &Uri, edits: Vec<TextEdit>, d: &Diagnostic) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        is_preferred: Some(true),
        ..Default::default()
    }
}

/// The edit that declares `cap` in the agent around `at`.
fn add_capability(doc: &Document, enc: Encoding, at: Span, cap: &str) -> Option<TextEdit> {
    let agent = doc.analysis.file.agents().find(|a| a.span.contains(at.start))?;
    let map = doc.positions(enc);
    let insert = |offset: usize, text: String| {
        let p = map.position(offset);
        TextEdit::new(tower_lsp_server::ls_types::Range::new(p, p), text)
    };
    let Some(security) = agent.security() else {
        // No security block: add one after the agent's opening brace.
        let brace = doc.text[agent.span.clamp_to(&doc.text)].find('{')? + agent.span.start;
        return Some(insert(brace + 1, format!("\n  security {{\n    capabilities: [\"{cap}\"]\n  }}\n")));
    };
    let list = security.entries.iter().find(|e| e.key.name == "capabilities");
    match list.map(|e| &e.value) {
        Some(ast::Expr { kind: ExprKind::List(items), span }) => {
            let close = span.end.checked_sub(1)?;
            let text = if items.is_empty() { format!("\"{cap}\"") } else { format!(", \"{cap}\"") };
            let after_last = items.last().map_or(close, |i| i.span.end);
            Some(insert(after_last, text))
        }
        Some(_) => None,
        None => {
            let brace = doc.text[security.span.clamp_to(&doc.text)].find('{')? + security.span.start;
            Some(insert(brace + 1, format!("\n    capabilities: [\"{cap}\"]")))
        }
    }
}
