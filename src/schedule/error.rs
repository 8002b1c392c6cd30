//! Why a cron expression was refused, and where in its text.

use std::fmt;
use std::ops::Range;

/// The kinds of mistakes, one diagnostic code each (see `check::codes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CronErrorKind {
    /// Not 5 or 6 fields (or an unknown `@` shorthand).
    FieldCount,
    /// A value or step outside its field's range.
    OutOfRange,
    /// A field that is not cron syntax.
    Malformed,
    /// Well-formed, but no date ever matches (`0 0 30 2 *`).
    NeverFires,
}

/// A refused cron expression: what is wrong, where, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronError {
    /// The kind of mistake.
    pub kind: CronErrorKind,
    /// The message, naming the field.
    pub message: String,
    /// The byte range of the culprit in the expression's text.
    pub span: Range<usize>,
    /// How to fix it.
    pub help: String,
}

impl CronError {
    /// An error of `kind` at `span`.
    pub fn new(kind: CronErrorKind, message: String, span: Range<usize>, help: String) -> Self {
        CronError { kind, message, span, help }
    }
}

impl fmt::Display for CronError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.help)
    }
}

impl std::error::Error for CronError {}
