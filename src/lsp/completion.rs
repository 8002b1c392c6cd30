//! Completion by context: block names and keys where a block or key goes, statement
//! keywords, builtins and user functions (as snippets) in bodies, methods and `ExecResult`
//! fields after `.`, capabilities inside `capabilities: [...]`, tiers and profiles after
//! `tier:` / `sandbox:`, and trigger names inside `emit("`.
//!
//! The context is read from the text before the cursor, not the tree: while typing, the
//! text rarely parses.

use super::documents::Document;
use super::hover::signature;
use super::index::{Index, Target};
use super::position::Encoding;
use crate::check::{METADATA_KEYS, RESOURCE_KEYS, SECURITY_KEYS};
use crate::security::{KNOWN_CAPABILITIES, Profile, Tier};
use crate::stdlib::{Builtin, stdlib};
use crate::syntax::ast;
use tower_lsp_server::ls_types::{CompletionItem, CompletionItemKind, InsertTextFormat, Position};

/// Where the cursor is, as far as completion cares.
#[derive(Debug, PartialEq)]
enum Context {
    TopLevel,
    Agent,
    Security,
    Resources,
    Metadata,
    Body,
    Member(String),
    Capability { quoted: bool },
    TierValue,
    ProfileValue,
    TriggerName,
}

/// Completion items at `position` in `doc`.
pub fn complete(doc: &Document, enc: Encoding, position: Position) -> Vec<CompletionItem> {
    let offset = doc.positions(enc).offset(position);
    let before = &doc.text[..offset];
    match context(before) {
        Context::TopLevel => snippets(&[("agent", "agent ${1:Name} {\n\t$0\n}"), ("fn", FN_SNIPPET)]),
        Context::Agent => snippets(&[
            ("metadata", "metadata {\n\tname: \"$1\"\n\tversion: \"${2:1.0.0}\"\n}"),
            ("security", "security {\n\ttier: ${1:Tier1}\n\tsandbox: ${2:Moderate}\n\tcapabilities: [$3]\n}"),
            ("resources", "resources {\n\tmax_memory_mb: ${1:512}\n}"),
            ("on trigger", "on trigger \"${1:name}\" {\n\t$0\n}"),
            ("on schedule", "on schedule \"${1:0 9 * * *}\" as \"${2:name}\" {\n\t$0\n}"),
            ("on webhook", "on webhook \"${1:name}\" secret \"${2:WEBHOOK_SECRET}\" {\n\t$0\n}"),
            ("fn", FN_SNIPPET),
        ]),
        Context::Security => keys(&SECURITY_KEYS),
        Context::Resources => keys(&RESOURCE_KEYS),
        Context::Metadata => keys(&METADATA_KEYS),
        Context::Body => body_items(doc, offset),
        Context::Member(receiver) => members(doc, &receiver, offset),
        Context::Capability { quoted } => KNOWN_CAPABILITIES
            .iter()
            .map(|c| CompletionItem {
                insert_text: Some(if quoted { c.to_string() } else { format!("\"{c}\"") }),
                ..item(c, CompletionItemKind::ENUM_MEMBER, super::reference::describe(c))
            })
            .collect(),
        Context::TierValue => Tier::SPELLINGS
            .iter()
            .map(|t| item(t, CompletionItemKind::ENUM_MEMBER, super::reference::describe(t)))
            .collect(),
        Context::ProfileValue => Profile::ALL
            .iter()
            .map(|p| item(p.name(), CompletionItemKind::ENUM_MEMBER, super::reference::describe(p.name())))
            .collect(),
        Context::TriggerName => {
            let agents = doc.analysis.file.agents();
            agents
                .filter(|a| a.span.contains(offset) || a.span.is_empty())
                .flat_map(|a| a.triggers.iter())
                .map(|t| item(&t.name.value, CompletionItemKind::EVENT, None))
                .collect()
        }
    }
}

const FN_SNIPPET: &str = "fn ${1:name}(${2}) {\n\t$0\n}";

const STATEMENTS: [(&str, &str); 7] = [
    ("let", "let ${1:name} = $0"),
    ("if", "if ${1:condition} {\n\t$0\n}"),
    ("for", "for ${1:item} in ${2:list} {\n\t$0\n}"),
    ("while", "while ${1:condition} {\n\t$0\n}"),
    ("return", "return $0"),
    ("try", "try {\n\t$1\n} catch ${2:err} {\n\t$0\n}"),
    ("emit", "emit(\"${1:trigger}\")"),
];

/// Reads the context from the text before the cursor.
fn context(before: &str) -> Context {
    let line = before.rsplit('\n').next().unwrap_or(before);
    let code = strip_line_comment(line);
    let in_string = code.chars().filter(|&c| c == '"').count() % 2 == 1;
    if in_string {
        let open = code.rfind('"').unwrap_or(0);
        if code[..open].trim_end().ends_with("emit(") {
            return Context::TriggerName;
        }
    }
    if let Some(open) = before.rfind('[')
        && !before[open..].contains(']')
        && before[..open].trim_end().trim_end_matches([':', '=']).trim_end().ends_with("capabilities")
    {
        return Context::Capability { quoted: in_string };
    }
    if in_string {
        return Context::Body;
    }
    let trimmed = code.trim_start();
    let word_start = code.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    for (key, ctx) in [("tier", Context::TierValue), ("sandbox", Context::ProfileValue)] {
        if let Some(rest) = trimmed.strip_prefix(key)
            && let Some(value) = rest.trim_start().strip_prefix([':', '='])
            && value.trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '"')
        {
            return ctx;
        }
    }
    if let Some(recv) = word_start.strip_suffix('.') {
        let name: String =
            recv.chars().rev().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
        return Context::Member(name.chars().rev().collect());
    }
    match enclosing_blocks(before).last().map(String::as_str) {
        None => Context::TopLevel,
        Some("agent") => Context::Agent,
        Some("security") => Context::Security,
        Some("resources") => Context::Resources,
        Some("metadata") => Context::Metadata,
        Some(_) => Context::Body,
    }
}

fn strip_line_comment(line: &str) -> &str {
    // Good enough for the line being typed: a `//` outside a string starts a comment.
    let mut quotes = 0;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quotes += 1,
            '/' if quotes % 2 == 0 && line[i..].starts_with("//") => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The first word of the header of every block open at the end of `text`, outermost first;
/// strings and comments are skipped.
fn enclosing_blocks(text: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut header_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let raw = text[i..].starts_with("\"\"\"");
                let close = if raw {
                    text[i + 3..].find("\"\"\"").map(|j| i + 3 + j + 3)
                } else {
                    string_end(text, i + 1)
                };
                i = close.unwrap_or(bytes.len());
                continue;
            }
            b'/' if text[i..].starts_with("//") => {
                i = text[i..].find('\n').map_or(bytes.len(), |j| i + j);
                continue;
            }
            b'#' => {
                i = text[i..].find('\n').map_or(bytes.len(), |j| i + j);
                continue;
            }
            b'/' if text[i..].starts_with("/*") => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |j| i + 2 + j + 2);
                continue;
            }
            b'{' => {
                let header = text[header_start..i].split_whitespace().next().unwrap_or("").to_string();
                // `x = {` or `f({` open a map, which counts as a body for completion.
                let last = text[header_start..i].trim_end();
                let is_map = last.ends_with(['=', '(', ',', ':', '[']) || last.is_empty();
                stack.push(if is_map { "map".into() } else { header });
                header_start = i + 1;
            }
            b'}' => {
                stack.pop();
                header_start = i + 1;
            }
            b'\n' | b';' => header_start = i + 1,
            _ => {}
        }
        i += 1;
    }
    stack
}

fn string_end(text: &str, from: usize) -> Option<usize> {
    let mut escaped = false;
    for (j, c) in text[from..].char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(from + j + 1),
            '\n' => return Some(from + j),
            _ => escaped = false,
        }
    }
    None
}

fn item(label: &str, kind: CompletionItemKind, doc: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        documentation: doc.map(|d| {
            tower_lsp_server::ls_types::Documentation::MarkupContent(
                tower_lsp_server::ls_types::MarkupContent {
                    kind: tower_lsp_server::ls_types::MarkupKind::Markdown,
                    value: d,
                },
            )
        }),
        ..Default::default()
    }
}

fn snippet(label: &str, body: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        insert_text: Some(body.to_string()),
        insert_text_format: Some(InsertTextFormat::SNIPPET),
        detail,
        ..item(label, kind, None)
    }
}

fn snippets(list: &[(&str, &str)]) -> Vec<CompletionItem> {
    list.iter().map(|(l, b)| snippet(l, b, CompletionItemKind::KEYWORD, None)).collect()
}

fn keys(list: &[&str]) -> Vec<CompletionItem> {
    list.iter().map(|k| snippet(k, &format!("{k}: $0"), CompletionItemKind::PROPERTY, None)).collect()
}

/// `name(${1:a}, ${2:b})` for the required parameters.
fn call_snippet(name: &str, params: &[ast::Param]) -> String {
    let required = params.iter().filter(|p| p.default.is_none()).enumerate();
    let args: Vec<String> = required.map(|(i, p)| format!("${{{}:{}}}", i + 1, p.name.name)).collect();
    format!("{name}({})", args.join(", "))
}

fn builtin_item(b: &Builtin, kind: CompletionItemKind) -> CompletionItem {
    CompletionItem {
        documentation: b.decl.doc.clone().map(tower_lsp_server::ls_types::Documentation::String),
        ..snippet(b.name(), &call_snippet(b.name(), &b.decl.params), kind, Some(signature(b)))
    }
}

fn body_items(doc: &Document, offset: usize) -> Vec<CompletionItem> {
    // `emit` is a builtin with a statement snippet of its own (the trigger name in quotes, so
    // trigger-name completion follows): offer it once, with the builtin's documentation.
    let mut out: Vec<CompletionItem> = STATEMENTS
        .iter()
        .map(|(label, body)| match stdlib().function(label) {
            Some(b) => CompletionItem {
                documentation: b.decl.doc.clone().map(tower_lsp_server::ls_types::Documentation::String),
                ..snippet(label, body, CompletionItemKind::KEYWORD, Some(signature(b)))
            },
            None => snippet(label, body, CompletionItemKind::KEYWORD, None),
        })
        .collect();
    out.extend(
        stdlib()
            .functions()
            .filter(|b| !STATEMENTS.iter().any(|(label, _)| *label == b.name()))
            .map(|b| builtin_item(b, CompletionItemKind::FUNCTION)),
    );
    let file = &doc.analysis.file;
    let agent_fns = file.agents().filter(|a| a.span.contains(offset)).flat_map(|a| a.functions.iter());
    for f in file.functions().chain(agent_fns) {
        let params: Vec<String> =
            f.params.iter().map(|p| doc.text[p.span.clamp_to(&doc.text)].to_string()).collect();
        let detail = format!("fn {}({})", f.name.name, params.join(", "));
        out.push(snippet(
            &f.name.name,
            &call_snippet(&f.name.name, &f.params),
            CompletionItemKind::FUNCTION,
            Some(detail),
        ));
    }
    // Variables bound before the cursor (scoping is the checker's business; this is a hint).
    let index = Index::build(file);
    let mut seen = std::collections::HashSet::new();
    for o in index.occurrences.iter().filter(|o| o.is_definition && o.span.end <= offset) {
        if let Target::Variable(_) = o.target {
            let name = doc.text[o.span.clamp_to(&doc.text)].to_string();
            if seen.insert(name.clone()) {
                out.push(CompletionItem {
                    detail: doc.analysis.variable_type(o),
                    ..item(&name, CompletionItemKind::VARIABLE, None)
                });
            }
        }
    }
    out
}

fn members(doc: &Document, receiver: &str, offset: usize) -> Vec<CompletionItem> {
    // The receiver's type when the index knows it (`let r = execute_native(...)` is an ExecResult).
    let index = Index::build(&doc.analysis.file);
    let ty = index
        .occurrences
        .iter()
        .rfind(|o| {
            o.is_definition
                && o.span.end <= offset
                && doc.text.get(o.span.start..o.span.end) == Some(receiver)
        })
        .and_then(|o| doc.analysis.variable_type(o))
        .unwrap_or_default();
    let base = ty.split(['<', '?']).next().unwrap_or("");
    let mut out = Vec::new();
    if matches!(base, "ExecResult" | "" | "Any")
        && let Some(record) = stdlib().record("ExecResult")
    {
        for f in &record.fields {
            out.push(CompletionItem {
                detail: Some(super::index::type_text(&f.ty)),
                documentation: f.doc.clone().map(tower_lsp_server::ls_types::Documentation::String),
                ..item(&f.name.name, CompletionItemKind::FIELD, None)
            });
        }
    }
    for recv in stdlib().receivers() {
        if matches!(base, "" | "Any") || base == recv {
            out.extend(
                stdlib()
                    .methods()
                    .filter(|m| m.decl.receiver.as_ref().is_some_and(|r| r.name == recv))
                    .map(|m| builtin_item(m, CompletionItemKind::METHOD)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Context, context};

    #[test]
    fn contexts_are_read_from_the_text_before_the_cursor() {
        assert_eq!(context(""), Context::TopLevel);
        assert_eq!(context("agent A {\n  "), Context::Agent);
        assert_eq!(context("agent A {\n  security {\n    "), Context::Security);
        assert_eq!(context("agent A {\n  security {\n    tier: "), Context::TierValue);
        assert_eq!(context("agent A {\n  security {\n    sandbox = St"), Context::ProfileValue);
        assert_eq!(
            context("agent A {\n  security {\n    capabilities: [\"net"),
            Context::Capability { quoted: true }
        );
        assert_eq!(
            context("agent A {\n  security {\n    capabilities: [\"a\", "),
            Context::Capability { quoted: false }
        );
        assert_eq!(context("agent A { on trigger \"x\" {\n emit(\""), Context::TriggerName);
        assert_eq!(context("agent A { on trigger \"x\" {\n let r = 1\n r."), Context::Member("r".into()));
        assert_eq!(context("agent A { on trigger \"x\" {\n let m = { a: 1 }\n pr"), Context::Body);
        assert_eq!(context("agent A { on trigger \"x\" { print(\"}\") }\n "), Context::Agent);
        assert_eq!(context("agent A { resources { // {\n "), Context::Resources);
    }
}
