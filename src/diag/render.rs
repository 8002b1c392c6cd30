//! Renderings of diagnostics: human (ariadne), short (one line each) and JSON (one object per line).

use super::{Diagnostic, Label, LineIndex, Severity, Span};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};

/// The texts diagnostics point into, by name: the file being checked, `<stdlib/...>` files,
/// a configuration file.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    main: String,
    texts: HashMap<String, (String, LineIndex)>,
}

impl Sources {
    /// Sources whose main file (the one unqualified labels point into) is `name`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut sources = Sources { main: name.into(), texts: HashMap::new() };
        sources.insert(sources.main.clone(), text);
        sources
    }

    /// Adds another named source (a stdlib file, a config file).
    pub fn insert(&mut self, name: impl Into<String>, text: impl Into<String>) {
        let text = text.into();
        let index = LineIndex::new(&text);
        self.texts.insert(name.into(), (text, index));
    }

    /// Adds another named source, builder style.
    pub fn with(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.insert(name, text);
        self
    }

    /// The main file's name.
    pub fn main_name(&self) -> &str {
        &self.main
    }

    /// The text of a source.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.texts.get(name).map(|(t, _)| t.as_str())
    }

    fn name_of<'a>(&'a self, label: &'a Label) -> &'a str {
        label.source.as_deref().unwrap_or(&self.main)
    }

    /// 1-based start and end line/column of a span in a named source.
    fn position(&self, name: &str, span: Span) -> Option<Position> {
        let (text, index) = self.texts.get(name)?;
        let range = span.clamp_to(text);
        let start = index.line_col(text, range.start);
        let end = index.line_col(text, range.end);
        Some(Position {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            byte_start: range.start,
            byte_end: range.end,
        })
    }
}

/// When to colour diagnostics: the process-wide choice of `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorMode {
    /// On a terminal, unless `NO_COLOR` is set to a non-empty value.
    Auto,
    /// Always, even through a pipe or with `NO_COLOR` (a command-line flag overrides the
    /// environment, as no-color.org asks).
    Always,
    /// Never.
    Never,
}

// One process-wide choice: `--color` is a global flag, and every stream symbi writes
// diagnostics to (check, fmt, run transcripts, configuration errors) follows it.
static COLOR_MODE: AtomicU8 = AtomicU8::new(0);

/// Sets the process-wide colour choice (`symbi --color WHEN`).
pub fn set_color_mode(mode: ColorMode) {
    let value = match mode {
        ColorMode::Auto => 0,
        ColorMode::Always => 1,
        ColorMode::Never => 2,
    };
    COLOR_MODE.store(value, Ordering::Relaxed);
}

/// Whether to colour output written to a stream: with `--color auto` (the default) only on
/// a terminal and never with `NO_COLOR`; `--color always` and `--color never` decide alone.
pub fn color_enabled(is_terminal: bool) -> bool {
    match COLOR_MODE.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// [`color_enabled`] for stderr, where human diagnostics go.
pub fn stderr_color() -> bool {
    color_enabled(std::io::IsTerminal::is_terminal(&std::io::stderr()))
}

/// The one header of a diagnostic, in every human rendering: `error[E0201]: message`, as
/// rustc writes it and docs/diagnostics.md shows it.
pub fn header(d: &Diagnostic, color: bool) -> String {
    let word = severity_word(d.severity);
    if color {
        let tint = if d.severity == Severity::Error { "\u{1b}[1;31m" } else { "\u{1b}[1;33m" };
        format!("{tint}{word}[{}]\u{1b}[0m\u{1b}[1m: {}\u{1b}[0m\n", d.code, d.message)
    } else {
        format!("{word}[{}]: {}\n", d.code, d.message)
    }
}

/// Renders diagnostics like rustc: code, message, the source excerpt with labels, notes, help.
pub fn render_human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let mut out = Vec::new();
    let mut cache = ariadne::sources(
        sources.texts.iter().map(|(name, (text, _))| (name.clone(), text.clone())).collect::<Vec<_>>(),
    );
    for diagnostic in diagnostics {
        let mut body = Vec::new();
        let written = build_report(diagnostic, sources, color)
            .is_some_and(|report| report.write(&mut cache, &mut body).is_ok());
        if written {
            // ariadne's own header (`[E0101] Error: ...`) is its first line, written with an
            // empty message; it gives way to the one header every diagnostic has.
            let rest = body.iter().position(|b| *b == b'\n').map_or(&body[..0], |i| &body[i + 1..]);
            out.extend(header(diagnostic, color).into_bytes());
            out.extend_from_slice(rest);
        } else {
            out.extend(render_plain(diagnostic, sources, color).into_bytes());
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

type ReportSpan = (String, std::ops::Range<usize>);

fn build_report<'a>(
    d: &Diagnostic,
    sources: &Sources,
    color: bool,
) -> Option<ariadne::Report<'a, ReportSpan>> {
    use ariadne::{Color, Config, IndexType, Report, ReportKind};
    let primary = d.primary.as_ref()?;
    let name = sources.name_of(primary).to_string();
    let text = sources.text(&name)?;
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let config = Config::default().with_index_type(IndexType::Byte).with_color(color);
    let main_color = if d.severity == Severity::Error { Color::Red } else { Color::Yellow };
    // No code and no message: the header is written by [`header`].
    let mut builder = Report::build(kind, (name.clone(), primary.span.clamp_to(text)))
        .with_config(config)
        .with_label(label_of(&name, text, primary, color.then_some(main_color)).with_order(-1));
    for label in &d.secondary {
        let lname = sources.name_of(label).to_string();
        match sources.text(&lname) {
            Some(ltext) => builder.add_label(label_of(&lname, ltext, label, color.then_some(Color::Blue))),
            None => builder.add_note(format!("{lname}: {}", label.message)),
        }
    }
    for note in &d.notes {
        builder.add_note(note);
    }
    if let Some(help) = &d.help {
        builder.add_help(help);
    }
    Some(builder.finish())
}

fn label_of(
    name: &str,
    text: &str,
    label: &Label,
    color: Option<ariadne::Color>,
) -> ariadne::Label<ReportSpan> {
    let mut l = ariadne::Label::new((name.to_string(), label.span.clamp_to(text)));
    if !label.message.is_empty() {
        l = l.with_message(&label.message);
    }
    if let Some(c) = color {
        l = l.with_color(c);
    }
    l
}

/// A diagnostic without a place (or whose source is unknown), rendered as plain lines.
fn render_plain(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    let mut s = header(d, color);
    if let Some(p) = &d.primary {
        let name = sources.name_of(p);
        if let Some(pos) = sources.position(name, p.span) {
            s.push_str(&format!("  --> {name}:{}:{}\n", pos.line, pos.column));
        }
    }
    for note in &d.notes {
        s.push_str(&format!("  = note: {note}\n"));
    }
    if let Some(help) = &d.help {
        s.push_str(&format!("  = help: {help}\n"));
    }
    s
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One line per diagnostic: `file:line:col: error[E0103]: message`.
pub fn render_short(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let head = match &d.primary {
            Some(p) => {
                let name = sources.name_of(p);
                match sources.position(name, p.span) {
                    Some(pos) => format!("{name}:{}:{}", pos.line, pos.column),
                    None => name.to_string(),
                }
            }
            None => sources.main.clone(),
        };
        out.push_str(&format!("{head}: {}[{}]: {}\n", severity_word(d.severity), d.code, d.message));
    }
    out
}

#[derive(Serialize, Clone, Copy)]
struct Position {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: usize,
    byte_end: usize,
}

/// A label in the JSON form.
#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    message: &'a str,
    #[serde(flatten)]
    position: Option<Position>,
}

/// The stable JSON form of one diagnostic (documented in docs/diagnostics.md).
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    code: &'a str,
    severity: Severity,
    message: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    byte_start: Option<usize>,
    byte_end: Option<usize>,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a super::Fix>,
}

/// One JSON object per diagnostic, one per line.
pub fn render_json(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&json_line(d, sources));
        out.push('\n');
    }
    out
}

/// The JSON object of one diagnostic, without a newline.
pub fn json_line(d: &Diagnostic, sources: &Sources) -> String {
    let file = d.primary.as_ref().map(|p| sources.name_of(p)).unwrap_or(&sources.main);
    let pos = d.primary.as_ref().and_then(|p| sources.position(file, p.span));
    let labels = d
        .primary
        .iter()
        .chain(&d.secondary)
        .map(|l| {
            let name = sources.name_of(l);
            JsonLabel { file: name, message: &l.message, position: sources.position(name, l.span) }
        })
        .collect();
    let json = JsonDiagnostic {
        file,
        code: d.code.as_str(),
        severity: d.severity,
        message: &d.message,
        line: pos.map(|p| p.line),
        column: pos.map(|p| p.column),
        end_line: pos.map(|p| p.end_line),
        end_column: pos.map(|p| p.end_column),
        byte_start: pos.map(|p| p.byte_start),
        byte_end: pos.map(|p| p.byte_end),
        labels,
        notes: &d.notes,
        help: d.help.as_deref(),
        fix: d.fix.as_ref(),
    };
    serde_json::to_string(&json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;

    fn sample() -> (Diagnostic, Sources) {
        // "é" and "😀" are multibyte: byte spans must not shift the caret or panic.
        let text = "let é = \"😀\" +\n  oops }\n";
        let start = text.find("oops").unwrap_or(0);
        let d = Diagnostic::error(codes::UNEXPECTED_TOKEN, "something is wrong")
            .with_primary(Span::new(start, start + 4), "here")
            .with_secondary(Span::new(4, 6), "because of this")
            .with_note("a note")
            .with_help("do this instead");
        (d, Sources::new("a.symbi", text))
    }

    #[test]
    fn short_form_has_one_based_character_columns() {
        let (d, s) = sample();
        assert_eq!(render_short(&[d], &s), "a.symbi:2:3: error[E0101]: something is wrong\n");
    }

    #[test]
    fn json_form_has_lines_columns_and_bytes() {
        let (d, s) = sample();
        let v: serde_json::Value = serde_json::from_str(&json_line(&d, &s)).unwrap_or_default();
        assert_eq!(v["line"], 2);
        assert_eq!(v["column"], 3);
        assert_eq!(v["end_column"], 7);
        assert_eq!(v["byte_start"], 20);
        assert_eq!(v["labels"][1]["column"], 5);
        assert_eq!(v["labels"][1]["message"], "because of this");
        assert_eq!(v["help"], "do this instead");
    }

    #[test]
    fn human_form_points_at_the_right_text_without_colour() {
        let (d, s) = sample();
        let out = render_human(&[d], &s, false);
        assert!(out.starts_with("error[E0101]: something is wrong\n"), "{out}");
        assert!(!out.contains("Error:"), "one header only: {out}");
        assert!(out.contains("a.symbi:2:3"), "{out}");
        assert!(out.contains("Help: do this instead"), "{out}");
        assert!(!out.contains('\u{1b}'), "no escape codes without colour: {out}");
    }

    #[test]
    fn placed_and_placeless_diagnostics_share_one_header() {
        let (placed, s) = sample();
        let placeless = Diagnostic::warning(codes::UNUSED_VARIABLE, "no place");
        let out = render_human(&[placed, placeless], &s, false);
        assert!(out.starts_with("error[E0101]: something is wrong\n"), "{out}");
        assert!(out.contains("\nwarning[W0001]: no place\n"), "{out}");
    }

    #[test]
    fn spans_past_the_end_or_inside_a_character_do_not_panic() {
        let text = "é";
        let d = Diagnostic::error(codes::UNEXPECTED_TOKEN, "x").with_primary(Span::new(1, 99), "");
        let s = Sources::new("b.symbi", text);
        let _ = render_human(std::slice::from_ref(&d), &s, true);
        assert_eq!(render_short(&[d], &s), "b.symbi:1:1: error[E0101]: x\n");
    }
}
