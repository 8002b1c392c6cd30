//! Parsing a file with recovery: the whole file first (the fast, common path); after a
//! syntax error, each top-level item on its own, so one run reports every broken item and
//! keeps the items that parse.

use super::ast::Item;
use super::errors;
use super::lower::Lowerer;
use super::parse::{Rule, SymbiParser};
use super::scan::{Scanner, Tok};
use crate::diag::Diagnostic;
use pest::Parser;

/// Parses and lowers `source`, recovering at top-level items after a syntax error.
pub(crate) fn parse_items(source: &str) -> (Vec<Item>, Vec<Diagnostic>) {
    let mut lowerer = Lowerer::new(source);
    match SymbiParser::parse(Rule::file, source) {
        Ok(pairs) => {
            let items = lowerer.file(pairs, 0);
            (items, lowerer.into_diagnostics())
        }
        Err(_) => {
            // Detailed attempts cost time, so they are collected only once a file is known
            // to be broken. The flag is global and stays on: turning it off again could race
            // with another thread that is explaining its own error.
            pest::set_error_detail(true);
            let mut items = Vec::new();
            let mut diagnostics = Vec::new();
            for (start, end) in item_chunks(source) {
                let chunk = &source[start..end];
                match SymbiParser::parse(Rule::file, chunk) {
                    Ok(pairs) => items.extend(lowerer.file(pairs, start)),
                    Err(error) => diagnostics.push(errors::explain(&error, source, start, end)),
                }
            }
            diagnostics.extend(lowerer.into_diagnostics());
            (items, diagnostics)
        }
    }
}

/// Splits `source` at the start of top-level items: an `agent`, `fn` or `extern` word that
/// begins a line outside any bracket, or that begins a line at column 0 even inside one
/// (the item before it never closed its brace).
pub(crate) fn item_chunks(source: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0];
    let mut scanner = Scanner::new(source, 0);
    loop {
        let token = scanner.next_token();
        match token.tok {
            Tok::Eof => break,
            Tok::Word if token.line_start && token.span.start > 0 => {
                let word = &source[token.span.start..token.span.end];
                if !matches!(word, "agent" | "fn" | "extern") {
                    continue;
                }
                let column0 = source.as_bytes().get(token.span.start - 1) == Some(&b'\n');
                if scanner.frames.is_empty() || column0 {
                    scanner.frames.clear();
                    starts.push(token.span.start);
                }
            }
            _ => {}
        }
    }
    let mut chunks = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(source.len());
        chunks.push((start, end));
    }
    chunks
}
