//! Runtime errors as diagnostics (codes E0430-E0499), and the non-local exits of the
//! interpreter (`return`, errors, interruption).

use crate::diag::codes::{
    BAD_ARGUMENTS, BAD_JSON, CALL_DEPTH, CONVERSION, DIVISION_BY_ZERO, EMIT_DEPTH, FILE_IO, FILE_TOO_LARGE,
    INDEX_OUT_OF_RANGE, LOOP_LIMIT, MISSING_CAPABILITY, MISSING_KEY, NOT_REGULAR, OVERFLOW, PATH_OUTSIDE,
    STACK_EXHAUSTED, TYPE_ERROR, UNKNOWN_NAME, VALUE_TOO_LARGE,
};
use crate::diag::{Code, Diagnostic, Span};

/// Why evaluation stopped early.
#[derive(Debug)]
pub enum Flow {
    /// `return` with its value: unwinds to the enclosing function or trigger.
    Return(super::Value),
    /// A runtime error: unwinds to the nearest `try`, else fails the trigger.
    Error(Box<Diagnostic>),
    /// SIGINT/SIGTERM (the signal number): unwinds everything, `try` does not catch it.
    Interrupted(i32),
}

/// The result type of evaluation.
pub type Eval<T> = Result<T, Flow>;

/// The label under a runtime error's span, so the renderer underlines it.
fn label_for(code: Code) -> &'static str {
    match code {
        TYPE_ERROR => "this has the wrong type",
        DIVISION_BY_ZERO => "divided by zero here",
        INDEX_OUT_OF_RANGE => "this index is out of range",
        MISSING_KEY => "not there",
        CALL_DEPTH => "this call is one too deep",
        LOOP_LIMIT => "this loop",
        EMIT_DEPTH => "this emit is one too deep",
        PATH_OUTSIDE => "this path",
        FILE_IO => "this file operation failed",
        NOT_REGULAR => "not a regular file",
        FILE_TOO_LARGE => "this file is too large",
        VALUE_TOO_LARGE => "this value is too large",
        STACK_EXHAUSTED => "nested too deeply here",
        BAD_ARGUMENTS => "these arguments",
        BAD_JSON => "this text",
        CONVERSION => "this value",
        OVERFLOW => "this overflows",
        UNKNOWN_NAME => "unknown here",
        MISSING_CAPABILITY => "needs an undeclared capability",
        _ => "here",
    }
}

/// Gives an unlabelled primary span a label, so the renderer underlines it.
pub fn with_label(mut d: Diagnostic, label: &str) -> Diagnostic {
    if let Some(primary) = d.primary.as_mut().filter(|p| p.message.is_empty()) {
        primary.message = label.to_string();
    }
    d
}

/// A runtime error at `span`.
pub fn error(code: Code, span: Span, message: impl Into<String>) -> Flow {
    Flow::Error(Box::new(Diagnostic::error(code, message).with_primary(span, label_for(code))))
}

/// A runtime error at `span` with a help line.
pub fn error_help(code: Code, span: Span, message: impl Into<String>, help: impl Into<String>) -> Flow {
    Flow::Error(Box::new(
        Diagnostic::error(code, message).with_primary(span, label_for(code)).with_help(help),
    ))
}

/// A type error: `what` expected `expected`, got a value of type `got`.
pub fn type_error(span: Span, what: &str, expected: &str, got: &str) -> Flow {
    error(TYPE_ERROR, span, format!("{what} must be {expected}, not {got}"))
}

/// Adds "did you mean `x`?" to a runtime error when one of `candidates` is close to `name`.
pub fn suggesting<'a>(mut flow: Flow, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Flow {
    if let (Flow::Error(d), Some(best)) = (&mut flow, crate::diag::suggest::did_you_mean(name, candidates)) {
        d.help = Some(crate::diag::suggest::help(best));
    }
    flow
}
