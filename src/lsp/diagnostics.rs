//! symbi diagnostics as LSP diagnostics.
//!
//! The same [`Diagnostic`] that `symbi check` renders: code, severity and message carry
//! over; secondary labels become related information (with a location in the stdlib or
//! config file when the label names another source we cannot open, the label's text is
//! kept in the message instead); notes and help are appended to the message, because
//! editors show the message and nothing else on hover, and are also kept in `data`.

use super::position::PositionMap;
use crate::diag::{self, Severity};
use serde_json::json;
use tower_lsp_server::ls_types::Diagnostic as LspDiagnostic;
use tower_lsp_server::ls_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString, Uri,
};

/// The `source` shown by editors next to each diagnostic.
pub const SOURCE: &str = "symbi";

/// Converts one diagnostic of the document at `uri` whose text `map` covers.
pub fn to_lsp(d: &diag::Diagnostic, uri: &Uri, map: &PositionMap<'_>) -> LspDiagnostic {
    let own = |label: &diag::Label| label.source.is_none();
    // A primary label in another source (a config file) still needs a place in this
    // document: the start of the file.
    let range = match &d.primary {
        Some(label) if own(label) => map.range(label.span),
        _ => map.range(diag::Span::point(0)),
    };
    let mut message = d.message.clone();
    let mut related = Vec::new();
    for label in &d.secondary {
        if own(label) {
            let text = if label.message.is_empty() { "related".to_string() } else { label.message.clone() };
            related.push(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), map.range(label.span)),
                message: text,
            });
        } else if !label.message.is_empty() {
            let source = label.source.as_deref().unwrap_or_default();
            message.push_str(&format!("\n{source}: {}", label.message));
        }
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let tags = unused_tag(d);
    LspDiagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: Some(json!({
            "help": d.help,
            "notes": d.notes,
            "label": d.primary.as_ref().map(|l| l.message.clone()),
            "fix": d.fix,
        })),
    }
}

/// Unused variables and unreachable code are greyed out by editors that know the tag.
fn unused_tag(d: &diag::Diagnostic) -> Option<Vec<DiagnosticTag>> {
    let m = d.message.to_ascii_lowercase();
    (d.severity == Severity::Warning && (m.contains("unused") || m.contains("unreachable")))
        .then(|| vec![DiagnosticTag::UNNECESSARY])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;
    use crate::diag::{Diagnostic, Label, LineIndex, Span};
    use crate::lsp::position::Encoding;
    use tower_lsp_server::ls_types::Position;

    #[test]
    fn code_range_related_and_help_carry_over() {
        let text = "let s = \"😀\"; fo(s)\nfn foo() {}\n";
        let lines = LineIndex::new(text);
        let map = PositionMap::new(text, &lines, Encoding::Utf16);
        let fo = text.find("fo(").unwrap_or(0);
        let def = text.find("foo").unwrap_or(0);
        let d = Diagnostic::error(codes::UNKNOWN_FUNCTION, "unknown function `fo`")
            .with_primary(Span::new(fo, fo + 2), "not defined")
            .with_secondary(Span::new(def, def + 3), "a function with a similar name")
            .with_secondary_label(Label::in_source("<stdlib/io.symbi>", Span::new(0, 1), "declared here"))
            .with_note("functions are looked up in the agent, then the file")
            .with_help("did you mean `foo`?");
        let uri: Uri = "file:///tmp/a.symbi".parse().unwrap_or_else(|_| unreachable!());
        let l = to_lsp(&d, &uri, &map);
        assert_eq!(l.code, Some(NumberOrString::String(codes::UNKNOWN_FUNCTION.to_string())));
        assert_eq!(l.severity, Some(DiagnosticSeverity::ERROR));
        // The emoji is two UTF-16 units: `fo` starts at character 14, not 13 (chars) or 16 (bytes).
        assert_eq!(l.range.start, Position::new(0, 14));
        assert_eq!(l.range.end, Position::new(0, 16));
        let related = l.related_information.unwrap_or_default();
        assert_eq!(related.len(), 1);
        assert_eq!(related[0].location.range.start, Position::new(1, 3));
        assert!(l.message.starts_with("unknown function `fo`"));
        assert!(l.message.contains("<stdlib/io.symbi>: declared here"));
        assert!(l.message.contains("\nnote: functions are looked up"));
        assert!(l.message.ends_with("\nhelp: did you mean `foo`?"));
    }
}
