//! Recovery inside a broken `agent`: its members (`metadata`, `security`, `resources`,
//! `on trigger`, `fn`) are found with the light scanner, each is parsed on its own, and the
//! agent is lowered with the broken triggers and functions blanked out. Blanking replaces
//! text by spaces and keeps newlines, so every span of the rest stays valid.

use super::Dropped;
use super::ast::Item;
use super::errors;
use super::lower::Lowerer;
use super::parse::{Rule, SymbiParser};
use super::scan::{Frame, Scanner, Tok};
use crate::diag::{Diagnostic, Span};
use pest::Parser;

/// What kind of member a piece of an agent is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Trigger,
    Function,
    /// `metadata`, `security` or `resources`: dropping one would change what the checker
    /// concludes about every trigger (capabilities, tier), so a broken one drops the agent.
    Settings,
}

/// One member of an agent: from its keyword to the next member or the agent's `}`.
#[derive(Clone, Debug)]
struct Member {
    span: Span,
    kind: Kind,
    name: Option<String>,
}

/// What a recovered agent adds to the parse.
pub(crate) struct Recovered {
    /// The agent, lowered without its broken members.
    pub items: Vec<Item>,
    /// One syntax diagnostic per broken member.
    pub diagnostics: Vec<Diagnostic>,
    /// The broken members.
    pub dropped: Vec<Dropped>,
}

/// Recovers the broken agent `source[start..end]`, whose whole parse failed with `first`.
/// `None` when recovery does not apply (not an agent, a broken header, settings block or
/// closing brace); the caller then drops the whole item. `blanked` is a copy of `source`
/// made once per parse, in which the broken members are blanked.
pub(crate) fn recover_agent(
    source: &str,
    start: usize,
    end: usize,
    first: &pest::error::Error<Rule>,
    blanked: &mut Option<String>,
    lowerer: &mut Lowerer<'_>,
) -> Option<Recovered> {
    let members = agent_members(source, start, end)?;
    let broken: Vec<&Member> = members
        .iter()
        .filter(|m| SymbiParser::parse(Rule::agent_member_alone, &source[m.span.start..m.span.end]).is_err())
        .collect();
    if broken.is_empty() || broken.iter().any(|m| m.kind == Kind::Settings) {
        return None;
    }
    let text = blanked.get_or_insert_with(|| source.to_string());
    // An earlier failed attempt may have blanked parts of this piece.
    text.replace_range(start..end, &source[start..end]);
    let mut diagnostics = Vec::new();
    let mut dropped = Vec::new();
    let mut first = Some(first);
    for member in broken {
        // Statement-level recovery: the broken lines of the member are left out one at a
        // time while each lets the parse get past it; the rest of the member is still
        // checked. A member that leaving out lines does not mend is left out whole.
        let mut lines: Vec<(Span, Diagnostic)> = Vec::new();
        let unmended = loop {
            // The first diagnostic is the one the whole piece gives; each later one comes
            // from the piece with what was left out before blanked, so it is its own error.
            let diag = match first.take() {
                Some(error) => errors::explain(error, source, start, end),
                None => match SymbiParser::parse(Rule::file, &text[start..end]) {
                    Ok(_) => return None,
                    Err(error) => errors::explain(&error, text, start, end),
                },
            };
            // An error before the member means something else is broken.
            if diag.span().start < member.span.start {
                return None;
            }
            let Some(line) = broken_line(text, member.span, diag.span().start) else { break Some(diag) };
            blank(text, line);
            lines.push((line, diag));
            if SymbiParser::parse(Rule::agent_member_alone, &text[member.span.start..member.span.end]).is_ok()
            {
                break None;
            }
        };
        match unmended {
            None => {
                for (line, diag) in lines {
                    // Later uses of a variable the left-out line declared are follow-ons.
                    let names = let_binding(source, line).into_iter().collect();
                    dropped.push(Dropped { span: line, error: diag.span(), names });
                    diagnostics.push(diag);
                }
            }
            Some(last) => {
                let diag = lines.into_iter().next().map_or(last, |(_, d)| d);
                blank(text, member.span);
                dropped.push(Dropped {
                    span: member.span,
                    error: diag.span(),
                    names: member.name.iter().cloned().collect(),
                });
                diagnostics.push(diag);
            }
        }
    }
    let pairs = SymbiParser::parse(Rule::file, &text[start..end]).ok()?;
    Some(Recovered { items: lowerer.file(pairs, start), diagnostics, dropped })
}

/// The names of the triggers and functions an item dropped whole defines (its own name if
/// it is a `fn`), so follow-on errors that name them can be left out.
pub(crate) fn item_names(source: &str, start: usize, end: usize) -> Vec<String> {
    let mut scanner = Scanner::new(source, start);
    let first = scanner.next_token();
    match &source[first.span.start..first.span.end] {
        "fn" => name_after(source, first.span.start, 1).into_iter().collect(),
        "agent" => {
            agent_members(source, start, end).unwrap_or_default().into_iter().filter_map(|m| m.name).collect()
        }
        _ => Vec::new(),
    }
}

/// The line of `text` holding `at`, when it is a whole statement line inside `member` (it
/// closes no bracket it did not open, and holds no unclosed string) and the parse of the
/// member without it gets past it: the member parses, or its next error is on a later line.
fn broken_line(text: &str, member: Span, at: usize) -> Option<Span> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if start <= member.start || end >= member.end {
        return None;
    }
    let mut scanner = Scanner::new(&text[..end], start);
    let mut depth = 0usize;
    loop {
        let token = scanner.next_token();
        match token.tok {
            Tok::Eof => break,
            Tok::Open => depth += 1,
            Tok::Close { .. } if depth == 0 => return None,
            Tok::Close { .. } => depth -= 1,
            Tok::Str { closed: false } | Tok::RawStr { closed: false } | Tok::OpenComment => return None,
            _ => {}
        }
    }
    // A bracket left open is the statement's own missing closer: the next line starts the
    // next statement. Whether it opened a block instead is for the trial parse to say.
    let only_brackets =
        scanner.frames.iter().all(|open| matches!(open.kind, Frame::Paren | Frame::Bracket | Frame::Brace));
    if depth != scanner.frames.len() || !only_brackets {
        return None;
    }
    let line = Span::new(start, end);
    let mut trial = text[member.start..member.end].to_string();
    blank(&mut trial, Span::new(start - member.start, end - member.start));
    let past_the_line = match SymbiParser::parse(Rule::agent_member_alone, &trial) {
        Ok(_) => true,
        Err(error) => {
            let at = match error.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((p, _)) => p,
            };
            member.start + at > end
        }
    };
    past_the_line.then_some(line)
}

/// The name a `let` on the statement line `line` declares (`let name = ...`,
/// `let name: Type = ...`).
fn let_binding(text: &str, line: Span) -> Option<String> {
    let mut scanner = Scanner::new(&text[..line.end], line.start);
    let first = scanner.next_token();
    let name = scanner.next_token();
    let word = |t: super::scan::Token| (t.tok == Tok::Word).then(|| &text[t.span.start..t.span.end]);
    (word(first)? == "let").then(|| word(name).map(str::to_string))?
}

/// Replaces `span` of `text` by spaces, keeping line breaks.
fn blank(text: &mut String, span: Span) {
    let spaced: String =
        text[span.start..span.end].chars().map(|c| if c == '\n' || c == '\r' { c } else { ' ' }).collect();
    // Multi-byte characters become one space each; pad so the length (and every later
    // span) stays the same.
    let pad = (span.end - span.start) - spaced.len();
    text.replace_range(span.start..span.end, &(spaced + &" ".repeat(pad)));
}

/// The members of the agent `source[start..end]`: member keywords that begin a line inside
/// the agent's braces. A keyword deeper inside, at the column of the first member, starts a
/// member too: the member before it did not close its braces. `None` when the agent's
/// brace never opens or it has no member.
fn agent_members(source: &str, start: usize, end: usize) -> Option<Vec<Member>> {
    let mut scanner = Scanner::new(source, start);
    let mut starts: Vec<(usize, Kind)> = Vec::new();
    let mut opened = false;
    let mut close = None;
    let mut column = None;
    loop {
        let token = scanner.next_token();
        if token.tok == Tok::Eof || token.span.start >= end {
            break;
        }
        if !opened {
            opened = token.tok == Tok::Open && &source[token.span.start..token.span.end] == "{";
            if opened && scanner.frames.len() != 1 {
                return None;
            }
            continue;
        }
        if scanner.frames.is_empty() {
            close = Some(token.span.start);
            break;
        }
        if token.tok != Tok::Word || !token.line_start {
            continue;
        }
        let kind = match &source[token.span.start..token.span.end] {
            "on" => Kind::Trigger,
            "fn" => Kind::Function,
            "metadata" | "security" | "resources" => Kind::Settings,
            _ => continue,
        };
        let col = token.span.start - source[..token.span.start].rfind('\n').map_or(0, |i| i + 1);
        if scanner.frames.len() == 1 || column == Some(col) {
            scanner.frames.truncate(1);
            column.get_or_insert(col);
            starts.push((token.span.start, kind));
        }
    }
    // An agent whose last member never closed: its own `}` is the last one of the piece.
    let last_end = close.or_else(|| {
        let tail = starts.last()?.0;
        source[tail..end].rfind('}').map(|i| tail + i).filter(|&i| i > tail)
    });
    let mut members = Vec::with_capacity(starts.len());
    for (i, &(s, kind)) in starts.iter().enumerate() {
        let e = starts.get(i + 1).map(|n| n.0).or(last_end).unwrap_or(end);
        let name = match kind {
            Kind::Trigger => trigger_name(source, s),
            Kind::Function => name_after(source, s, 1),
            Kind::Settings => None,
        };
        members.push(Member { span: Span::new(s, e), kind, name });
    }
    (!members.is_empty()).then_some(members)
}

/// The name of the trigger whose `on` is at `at`: the string after `on trigger`,
/// `on webhook` or `on schedule`, or the one after `as` for a named schedule.
fn trigger_name(source: &str, at: usize) -> Option<String> {
    let mut scanner = Scanner::new(source, at);
    let words: Vec<&str> = (0..4)
        .map(|_| {
            let t = scanner.next_token();
            &source[t.span.start..t.span.end]
        })
        .collect();
    match words[..] {
        [_, "schedule", _, "as"] => name_after(source, at, 4),
        _ => name_after(source, at, 2),
    }
}

/// The word or string `skip` tokens after the keyword at `at` (quotes removed).
fn name_after(source: &str, at: usize, skip: usize) -> Option<String> {
    let mut scanner = Scanner::new(source, at);
    scanner.next_token();
    for _ in 1..skip {
        scanner.next_token();
    }
    let token = scanner.next_token();
    let text = &source[token.span.start..token.span.end];
    match token.tok {
        Tok::Word => Some(text.to_string()),
        Tok::Str { closed: true } => Some(text.trim_matches('"').to_string()),
        _ => None,
    }
}
