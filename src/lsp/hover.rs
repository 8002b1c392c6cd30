//! Hover: what the name under the cursor is. Builtins and methods show their declaration
//! and doc comment from `stdlib/`; user functions theirs; variables their type; keywords,
//! tiers, profiles and capabilities what the docs say they mean.

use super::documents::Document;
use super::index::{Index, Target, type_text};
use super::position::Encoding;
use super::reference;
use super::trigger_hover;
use crate::diag::Span;
use crate::stdlib::{Builtin, stdlib};
use crate::syntax::ast;
use time::OffsetDateTime;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

/// The hover for `position` in `doc`.
pub fn hover(doc: &Document, enc: Encoding, position: Position) -> Option<Hover> {
    let map = doc.positions(enc);
    let offset = map.offset(position);
    let index = Index::build(&doc.analysis.file);
    let header = trigger_hover::header_at(&doc.analysis.file, offset);
    let (text, span) = match index.at(offset) {
        _ if header.is_some() => {
            header.map(|(t, span)| (trigger_hover::describe(t, OffsetDateTime::now_utc()), span))?
        }
        Some(o) => (describe_target(doc, &index, &o.target)?, o.span),
        None => {
            let span = word_at(&doc.text, offset)?;
            (reference::describe(&doc.text[span.start..span.end])?, span)
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
        range: Some(map.range(span)),
    })
}

fn describe_target(doc: &Document, index: &Index, target: &Target) -> Option<String> {
    let lib = stdlib();
    match target {
        Target::Builtin(name) => lib.function(name).map(builtin_text),
        Target::Method(name) => {
            let found: Vec<String> =
                lib.receivers().filter_map(|r| lib.method(r, name)).map(builtin_text).collect();
            (!found.is_empty()).then(|| found.join("\n\n---\n\n"))
        }
        Target::Field(name) => {
            let record = lib.record("ExecResult")?;
            let field = record.fields.iter().find(|f| f.name.name == *name)?;
            let doc = field.doc.clone().unwrap_or_default();
            Some(format!("```symbi\nExecResult.{name}: {}\n```\n\n{doc}", type_text(&field.ty)))
        }
        Target::Function(def) => {
            let f = find_function(&doc.analysis.file, *def)?;
            let params: Vec<&str> = f.params.iter().map(|p| slice(&doc.text, p.span)).collect();
            let ret = f.ret.as_ref().map(|r| format!(" -> {}", type_text(r))).unwrap_or_default();
            let docs = f.doc.clone().map(|d| format!("\n\n{d}")).unwrap_or_default();
            Some(format!("```symbi\nfn {}({}){ret}\n```{docs}", f.name.name, params.join(", ")))
        }
        Target::Variable(def) => {
            let name = slice(&doc.text, *def);
            // The type is known at the binding (the checker's, else what the binding makes
            // evident); a use looks it up there.
            let ty =
                index.occurrences.iter().find(|o| o.span == *def).and_then(|o| doc.analysis.variable_type(o));
            Some(format!("```symbi\n{name}: {}\n```", ty.unwrap_or_else(|| "Any".into())))
        }
        Target::Trigger(def) => {
            let triggers = doc.analysis.file.agents().flat_map(|a| a.triggers.iter());
            let trigger = triggers.into_iter().find(|t| t.name.span == *def)?;
            Some(trigger_hover::describe(trigger, OffsetDateTime::now_utc()))
        }
    }
}

/// A builtin's declaration as written in its stdlib file, with its doc comment.
pub fn builtin_text(b: &Builtin) -> String {
    format!("```symbi\n{}\n```\n\n{}", signature(b), b.decl.doc.clone().unwrap_or_default())
}

/// `fn name(params) -> Ret requires [...]`, parameters as written in the stdlib.
pub fn signature(b: &Builtin) -> String {
    b.signature()
}

fn find_function(file: &ast::File, name_span: Span) -> Option<&ast::Function> {
    let agents = file.agents().flat_map(|a| a.functions.iter());
    file.functions().chain(agents).find(|f| f.name.span == name_span)
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.clamp_to(text)]
}

/// The identifier (letters, digits, `_`) around `offset`.
pub fn word_at(text: &str, offset: usize) -> Option<Span> {
    let offset = Span::point(offset).clamp_to(text).start;
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end =
        text[offset..].char_indices().find(|&(_, c)| !is_word(c)).map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| Span::new(start, end))
}
