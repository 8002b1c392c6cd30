//! Runtime errors as diagnostics (codes E0430-E0499), and the non-local exits of the
//! interpreter (`return`, errors, interruption).

use crate::diag::{Diagnostic, Span};

/// A value of the wrong type for an operator, condition, index or builtin.
pub const TYPE_ERROR: &str = "E0430";
/// Integer or float division (or remainder) by zero.
pub const DIVISION_BY_ZERO: &str = "E0431";
/// A list or string index outside its length.
pub const INDEX_OUT_OF_RANGE: &str = "E0432";
/// A map key or record field that is not there.
pub const MISSING_KEY: &str = "E0433";
/// User functions nested deeper than `runtime.max_call_depth`.
pub const CALL_DEPTH: &str = "E0434";
/// A `while` loop ran more than `runtime.max_loop_iterations` times.
pub const LOOP_LIMIT: &str = "E0435";
/// `emit` nested deeper than `runtime.max_emit_depth`.
pub const EMIT_DEPTH: &str = "E0436";
/// The program called `fail(message)`.
pub const FAILED: &str = "E0437";
/// An unsuccessful `ExecResult` used as a statement.
pub const COMMAND_FAILED: &str = "E0438";
/// A file path that leaves the working directory.
pub const PATH_OUTSIDE: &str = "E0439";
/// A file could not be read or written.
pub const FILE_IO: &str = "E0440";
/// Arguments that do not match the function's parameters.
pub const BAD_ARGUMENTS: &str = "E0441";
/// Text that is not valid JSON (`json_parse`, `--input`).
pub const BAD_JSON: &str = "E0442";
/// A value that cannot be converted (`to_int("abc")`).
pub const CONVERSION: &str = "E0443";
/// Integer arithmetic that overflows 64 bits.
pub const OVERFLOW: &str = "E0444";
/// A name with no variable, function or builtin behind it.
pub const UNKNOWN_NAME: &str = "E0445";
/// The run was interrupted by SIGINT or SIGTERM.
pub const INTERRUPTED: &str = "E0446";
/// A builtin needs a capability the agent did not declare.
pub const MISSING_CAPABILITY: &str = "E0447";
/// `symbi run` cannot tell which agent or trigger to run, or the one named is not there.
pub const NO_SUCH_TARGET: &str = "E0448";
/// The `--input` payload is not valid JSON (or its file cannot be read).
pub const BAD_INPUT: &str = "E0449";

/// A file builtin met a FIFO, device, socket, directory or symbolic link.
pub const NOT_REGULAR: &str = "E0470";
/// A file is larger than `max_file_size_mb` (or, to read, than the string limit).
pub const FILE_TOO_LARGE: &str = "E0471";
/// A value past the size budget (`eval::budget`).
pub const VALUE_TOO_LARGE: &str = "E0472";
/// Expressions and calls nested too deeply for the interpreter's stack.
pub const STACK_EXHAUSTED: &str = "E0473";

/// Why evaluation stopped early.
#[derive(Debug)]
pub enum Flow {
    /// `return` with its value: unwinds to the enclosing function or trigger.
    Return(super::Value),
    /// A runtime error: unwinds to the nearest `try`, else fails the trigger.
    Error(Box<Diagnostic>),
    /// SIGINT/SIGTERM (the signal number): unwinds everything, `try` does not catch it.
    Interrupted(i32),
    /// `break`: unwinds to the innermost loop, which ends.
    Break,
    /// `continue`: unwinds to the innermost loop, which starts its next round.
    Continue,
}

/// The result type of evaluation.
pub type Eval<T> = Result<T, Flow>;

/// The label under a runtime error's span, so the renderer underlines it.
fn label_for(code: &str) -> &'static str {
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
pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Flow {
    Flow::Error(Box::new(Diagnostic::error(code, message).with_primary(span, label_for(code))))
}

/// A runtime error at `span` with a help line.
pub fn error_help(
    code: &'static str,
    span: Span,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Flow {
    Flow::Error(Box::new(
        Diagnostic::error(code, message).with_primary(span, label_for(code)).with_help(help),
    ))
}

/// A type error: `what` expected `expected`, got a value of type `got`.
pub fn type_error(span: Span, what: &str, expected: &str, got: &str) -> Flow {
    error(TYPE_ERROR, span, format!("{what} must be {expected}, not {got}"))
}

/// The closest of `candidates` to `name`, for did-you-mean help.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}
