//! Diagnostics: the one error type of the toolchain, and its renderings.
//!
//! Syntax, check, configuration and runtime errors all become a [`Diagnostic`], so the
//! terminal, `--format json` and the language server show the same thing.

pub mod codes;
pub mod explain;
pub mod render;
mod span;
pub mod suggest;

pub use codes::Code;
pub use render::Sources;
pub use span::{LineCol, LineIndex, Span};

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, never fails a run (unless `--deny-warnings`).
    Warning,
    /// Makes `check` fail and keeps `run` from starting.
    Error,
}

/// A labelled span: where something is, and what to say about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The bytes the label points at.
    pub span: Span,
    /// Text shown at the span (may be empty).
    pub message: String,
    /// The source the span is in, when not the diagnostic's own file
    /// (for example `<stdlib/exec.symbi>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Label {
    /// A label in the diagnostic's own file.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label { span, message: message.into(), source: None }
    }

    /// A label in another named source (the embedded standard library, a config file).
    pub fn in_source(source: impl Into<String>, span: Span, message: impl Into<String>) -> Self {
        Label { span, message: message.into(), source: Some(source.into()) }
    }
}

/// One problem found in a source, with everything needed to explain it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code (`E0103`, `W0201`) from the registry ([`codes`]): E01xx syntax, E02xx
    /// names and types, E03xx security, E04xx runtime and sandbox, E05xx configuration,
    /// E0001 unreadable input.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One-line, plain-English title.
    pub message: String,
    /// Where the problem is. `None` only for problems with no place (a missing file).
    pub primary: Option<Label>,
    /// Related places (the opening brace of an unclosed block, an earlier definition).
    pub secondary: Vec<Label>,
    /// Extra facts.
    pub notes: Vec<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The fix, when it can be applied without judgement (editors offer it as a quick fix).
    pub fix: Option<Fix>,
}

/// A fix a tool can apply without judgement. Part of the JSON form (`"fix"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fix {
    /// Write `name` in place of the name under the primary label (inside its quotes, when
    /// that is a string literal).
    UseName {
        /// The known name the misspelt one is closest to.
        name: String,
    },
    /// Add `capability` to `capabilities` in the `security` block of the agent that holds
    /// the primary label.
    DeclareCapability {
        /// The capability to declare.
        capability: String,
    },
}

impl Diagnostic {
    /// An error with a registered code and a message, and nothing else yet.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// A warning with a registered code and a message.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Sets the primary label.
    pub fn with_primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.primary = Some(Label::new(span, message));
        self
    }

    /// Sets the primary label to a label in another source.
    pub fn with_primary_label(mut self, label: Label) -> Self {
        self.primary = Some(label);
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label::new(span, message));
        self
    }

    /// Adds a secondary label in another source.
    pub fn with_secondary_label(mut self, label: Label) -> Self {
        self.secondary.push(label);
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Suggests the known name `name` for a misspelt one: the help line "did you mean `name`?"
    /// and the matching [`Fix::UseName`].
    pub fn with_did_you_mean(mut self, name: &str) -> Self {
        self.help = Some(suggest::help(name));
        self.fix = Some(Fix::UseName { name: name.to_string() });
        self
    }

    /// Sets the fix.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary span, or an empty span at 0 for place-less diagnostics.
    pub fn span(&self) -> Span {
        self.primary.as_ref().map(|l| l.span).unwrap_or_default()
    }
}
