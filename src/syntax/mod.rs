//! The front end: source text to a typed syntax tree, with syntax diagnostics.
//!
//! [`parse`] never panics: nesting is bounded before pest recurses (`scan`), pest's
//! failures become E01xx diagnostics in words a user understands (`errors`), and after a
//! syntax error the file is re-parsed item by item so one run reports every broken item,
//! and a broken agent member by member (`members`). [`Parsed::dropped`] says what was
//! left out, for the checker to run on the rest.

pub mod ast;
mod error_context;
mod errors;
pub mod ignore;
mod literal;
mod lower;
mod lower_expr;
mod members;
mod parse;
mod recover;
mod scan;
mod sexpr;
mod source;
pub mod spelling;
mod token_end;
mod typos;
pub mod walk;

use crate::diag::{Diagnostic, Span};

pub use lower::KEYWORDS;
pub use sexpr::to_sexpr;
pub use source::read_source;
pub use typos::statement_keyword;

/// The deepest bracket, string-interpolation or comment nesting the parser accepts.
pub const MAX_NESTING: usize = 64;

/// The deepest expression tree the lowering builds (long operator or postfix chains).
pub const MAX_EXPR_DEPTH: u32 = 256;

/// What [`parse`] produces: everything that could be parsed, and the syntax diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// The items that parsed; after a syntax error, the items of the other parts of the file.
    pub file: ast::File,
    /// E01xx diagnostics, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// What recovery left out of `file` after syntax errors, in source order.
    pub dropped: Vec<Dropped>,
}

/// A part of the source that recovery left out of the tree: a whole item, or a broken
/// trigger or function of an agent whose other members were kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// The text left out.
    pub span: Span,
    /// The primary span of the syntax diagnostic that made it be left out (it may lie
    /// outside `span`, e.g. where a missing `}` was noticed).
    pub error: Span,
    /// The triggers and functions defined in the dropped text, or the variable a dropped
    /// `let` line declared.
    pub names: Vec<String>,
}

impl Parsed {
    /// True when there is no syntax error.
    pub fn is_ok(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// True when every syntax error made recovery leave a part out, so the tree holds the
    /// rest of the file whole (no half statement, no guessed value).
    pub fn is_recovered(&self) -> bool {
        self.diagnostics.iter().filter(|d| d.is_error()).all(|d| {
            let at = d.span();
            self.dropped.iter().any(|x| x.error == at || (x.span.start <= at.start && at.start < x.span.end))
        })
    }
}

/// Parses and lowers a whole source text. Never panics, whatever the input.
pub fn parse(source: &str) -> Parsed {
    let whole = Span::new(0, source.len());
    let item_starts = match scan::check_nesting(source, MAX_NESTING) {
        Ok(starts) => starts,
        Err(diag) => {
            let file = ast::File { items: Vec::new(), span: whole };
            return Parsed { file, diagnostics: vec![*diag], dropped: Vec::new() };
        }
    };
    let mut parts = recover::parse_items(source, &item_starts);
    if !parts.diagnostics.is_empty() || parts.bare_word {
        parts = with_typos_repaired(source, parts);
    }
    let recover::Parts { items, mut diagnostics, dropped, .. } = parts;
    diagnostics.sort_by_key(|d| d.span().start);
    Parsed { file: ast::File { items, span: whole }, diagnostics, dropped }
}

/// After a syntax error or a bare-word statement: when misspelt keywords explain it, the
/// parse of the text with the keywords spelt right, with one E0129 per misspelling. The
/// misspelt words count as left out, so the checker still runs on the rest; a word that
/// cannot be repaired in place hides the other syntax errors of its line.
fn with_typos_repaired(source: &str, parts: recover::Parts) -> recover::Parts {
    let typos = typos::find(source);
    if typos.is_empty() {
        return parts;
    }
    let text = typos::repaired(source, &typos);
    let Ok(item_starts) = scan::check_nesting(&text, MAX_NESTING) else { return parts };
    let mut out = recover::parse_items(&text, &item_starts);
    let line_of = |offset: usize| source[..offset.min(source.len())].matches('\n').count();
    let unrepaired: Vec<usize> =
        typos.iter().filter(|t| t.cover.is_none()).map(|t| line_of(t.word.start)).collect();
    out.diagnostics.retain(|d| !unrepaired.contains(&line_of(d.span().start)));
    for typo in &typos {
        let diagnostic = typo.diagnostic(source);
        // An `elif`'s condition is left out with the word (its names were not checked).
        let left_out = if typo.elif { typo.cover.unwrap_or(typo.word) } else { typo.word };
        out.dropped.push(Dropped { span: left_out, error: diagnostic.span(), names: Vec::new() });
        out.diagnostics.push(diagnostic);
    }
    out
}
