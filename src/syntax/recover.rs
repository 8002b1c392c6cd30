//! Parsing a file item by item: the file is cut at the top-level items (an `agent`, `fn` or
//! `extern` word that starts a line outside any bracket), and each piece is parsed and
//! lowered on its own. That keeps only one piece's pest pairs in memory at a time, lets
//! large files use every core, and after a syntax error lets the other items still parse
//! (and, inside a broken agent, its other members: see `members`).

use super::ast::Item;
use super::lower::Lowerer;
use super::parse::{Rule, SymbiParser};
use super::scan::{Scanner, Tok, starts_item};
use super::{Dropped, errors, members};
use crate::diag::codes;
use crate::diag::{Diagnostic, Span};
use pest::Parser;

/// Files at least this large are parsed on several threads.
const PARALLEL_MIN_BYTES: usize = 512 * 1024;

/// What parsing a run of pieces gives.
#[derive(Default)]
pub(crate) struct Parts {
    /// The items that parsed.
    pub items: Vec<Item>,
    /// Syntax diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// What recovery left out.
    pub dropped: Vec<Dropped>,
}

/// Parses and lowers `source`, whose top-level items start at `item_starts` (the first is
/// 0), recovering at top-level items after a syntax error.
pub(crate) fn parse_items(source: &str, item_starts: &[usize]) -> Parts {
    let chunks = chunks_at(item_starts, source.len());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(chunks.len());
    if source.len() < PARALLEL_MIN_BYTES || threads < 2 {
        return parse_chunks(source, &chunks);
    }
    // Contiguous groups of about equal size, so the results concatenate in source order.
    let target = source.len() / threads + 1;
    let mut groups: Vec<&[(usize, usize)]> = Vec::with_capacity(threads);
    let mut first = 0;
    for i in 0..chunks.len() {
        let last = i + 1 == chunks.len();
        if last || chunks[i].1 - chunks[first].0 >= target {
            groups.push(&chunks[first..=i]);
            first = i + 1;
        }
    }
    let results: Vec<Parts> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            groups.iter().skip(1).map(|group| scope.spawn(move || parse_chunks(source, group))).collect();
        let mut results = vec![parse_chunks(source, groups.first().copied().unwrap_or(&[]))];
        for handle in handles {
            // A panicking parser thread would be a bug; report it instead of crashing.
            results.push(handle.join().unwrap_or_else(|_| {
                let diagnostics = vec![Diagnostic::error(
                    codes::UNEXPECTED_TOKEN,
                    "internal error while parsing this file",
                )];
                Parts { diagnostics, ..Parts::default() }
            }));
        }
        results
    });
    let mut all = Parts::default();
    for part in results {
        all.items.extend(part.items);
        all.diagnostics.extend(part.diagnostics);
        all.dropped.extend(part.dropped);
    }
    all
}

fn parse_chunks(source: &str, chunks: &[(usize, usize)]) -> Parts {
    let mut lowerer = Lowerer::new(source);
    let mut out = Parts::default();
    // A copy of the source in which broken agent members are blanked, made at the first.
    let mut blanked = None;
    for &(start, end) in chunks {
        match SymbiParser::parse(Rule::file, &source[start..end]) {
            Ok(pairs) => out.items.extend(lowerer.file(pairs, start)),
            Err(_) => {
                // Detailed attempts cost time, so they are collected only once a piece is
                // known to be broken. The flag is global and stays on: turning it off again
                // could race with another thread that is explaining its own error.
                pest::set_error_detail(true);
                for (s, e) in recovery_chunks(source, start, end) {
                    match SymbiParser::parse(Rule::file, &source[s..e]) {
                        Ok(pairs) => out.items.extend(lowerer.file(pairs, s)),
                        Err(error) => {
                            match members::recover_agent(source, s, e, &error, &mut blanked, &mut lowerer) {
                                Some(recovered) => {
                                    out.items.extend(recovered.items);
                                    out.diagnostics.extend(recovered.diagnostics);
                                    out.dropped.extend(recovered.dropped);
                                }
                                None => {
                                    let diag = errors::explain(&error, source, s, e);
                                    let names = members::item_names(source, s, e);
                                    out.dropped.push(Dropped {
                                        span: Span::new(s, e),
                                        error: diag.span(),
                                        names,
                                    });
                                    out.diagnostics.push(diag);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out.diagnostics.extend(lowerer.into_diagnostics());
    out
}

/// Cuts a broken piece `source[start..end]` where top-level items begin: an `agent`, `fn`
/// or `extern` word that begins a line outside any bracket, or at column 0 inside a bracket
/// (the item before it never closed its brace).
fn recovery_chunks(source: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut starts = vec![start];
    let mut scanner = Scanner::new(source, start);
    loop {
        let token = scanner.next_token();
        if token.tok == Tok::Eof || token.span.start >= end {
            break;
        }
        if token.span.start == start || !starts_item(source, &token) {
            continue;
        }
        let column0 = source.as_bytes().get(token.span.start - 1) == Some(&b'\n');
        if scanner.frames.is_empty() || column0 {
            scanner.frames.clear();
            starts.push(token.span.start);
        }
    }
    chunks_at(&starts, end)
}

/// The pieces from each start to the next, the last one ending at `end`.
fn chunks_at(starts: &[usize], end: usize) -> Vec<(usize, usize)> {
    let mut chunks = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        chunks.push((s, starts.get(i + 1).copied().unwrap_or(end)));
    }
    chunks
}
