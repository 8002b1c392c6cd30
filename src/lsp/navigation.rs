//! Definition, references and document symbols.

use super::documents::Document;
use super::index::{Index, Target};
use super::position::Encoding;
use crate::syntax::ast;
use tower_lsp_server::ls_types::{DocumentSymbol, Position, Range, SymbolKind};

/// What the name at `position` refers to, from a fresh index of the document.
fn target_at(doc: &Document, enc: Encoding, position: Position) -> Option<(Index, Target)> {
    let offset = doc.positions(enc).offset(position);
    let index = Index::build(&doc.analysis.file);
    let target = index.at(offset)?.target.clone();
    Some((index, target))
}

/// Where the name at `position` is defined.
pub fn definition(doc: &Document, enc: Encoding, position: Position) -> Option<Range> {
    let (_, target) = target_at(doc, enc, position)?;
    Index::definition(&target).map(|span| doc.positions(enc).range(span))
}

/// Every use of the name at `position` (and its definition when `include` is set).
pub fn references(doc: &Document, enc: Encoding, position: Position, include: bool) -> Vec<Range> {
    let Some((index, target)) = target_at(doc, enc, position) else { return Vec::new() };
    let map = doc.positions(enc);
    index.uses(&target).filter(|o| include || !o.is_definition).map(|o| map.range(o.span)).collect()
}

/// The outline: agents with their triggers and functions, and top-level functions.
pub fn document_symbols(doc: &Document, enc: Encoding) -> Vec<DocumentSymbol> {
    let map = doc.positions(enc);
    let symbol = |name: String, detail: Option<String>, kind, span: crate::diag::Span, sel, children| {
        #[allow(deprecated)] // `deprecated` is a required field of the struct, superseded by tags.
        DocumentSymbol {
            name,
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: map.range(span),
            selection_range: map.range(sel),
            children,
        }
    };
    let function = |f: &ast::Function| {
        let params: Vec<String> = f.params.iter().map(|p| p.name.name.clone()).collect();
        symbol(
            f.name.name.clone(),
            Some(format!("fn({})", params.join(", "))),
            SymbolKind::FUNCTION,
            f.span,
            f.name.span,
            None,
        )
    };
    let mut out = Vec::new();
    for item in &doc.analysis.file.items {
        match item {
            ast::Item::Agent(a) => {
                let mut children: Vec<DocumentSymbol> = a
                    .triggers
                    .iter()
                    .map(|t| {
                        symbol(
                            format!("on {} \"{}\"", t.kind(), t.name.value),
                            t.cron().filter(|c| c.span != t.name.span).map(|c| c.value.clone()),
                            SymbolKind::EVENT,
                            t.span,
                            t.name.span,
                            None,
                        )
                    })
                    .collect();
                children.extend(a.functions.iter().map(function));
                children.sort_by_key(|s| (s.range.start.line, s.range.start.character));
                out.push(symbol(
                    a.name.name.clone(),
                    Some("agent".into()),
                    SymbolKind::CLASS,
                    a.span,
                    a.name.span,
                    Some(children),
                ));
            }
            ast::Item::Function(f) => out.push(function(f)),
            ast::Item::Extern(_) | ast::Item::Record(_) => {}
        }
    }
    out
}
