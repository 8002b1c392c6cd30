//! Parse and check one document with the configuration `symbi check` would use for it.

use super::workspace::ConfigChoice;
use crate::check::{CheckContext, check_source};
use crate::config::{self, Config, EnvVars};
use crate::diag::codes;
use crate::diag::{Diagnostic, Span};
use crate::syntax::ast;
use std::path::Path;

/// What the server knows about one version of a document.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The syntax tree (what could be parsed, when the text has syntax errors).
    pub file: ast::File,
    /// Syntax and check diagnostics of the document.
    pub diagnostics: Vec<Diagnostic>,
    /// The checker's type of each variable, by binding span (empty on syntax errors).
    pub variable_types: crate::check::VariableTypes,
}

impl Analysis {
    /// The type of the variable bound at `binding`: the checker's when the file checked, else
    /// what the binding itself makes evident (annotation, literal, builtin's return type).
    pub fn variable_type(&self, binding: &super::index::Occurrence) -> Option<String> {
        self.variable_types.get(&binding.span).cloned().or_else(|| binding.ty.clone())
    }
}

/// Parses `text` and, when its syntax is sound, checks it, as `symbi check` does (no
/// `--native` or `--sandbox-tier` in an editor: the tier comes from the file and the
/// configuration).
pub fn analyze(text: &str, config: &Config) -> Analysis {
    let checked = check_source(text, &CheckContext { variable_types: true, ..CheckContext::new(config) });
    Analysis { file: checked.file, diagnostics: checked.diagnostics, variable_types: checked.variable_types }
}

/// The configuration for the document at `file` (`None` when unsaved), and a diagnostic
/// for the document when the configuration has problems (it is then checked with the
/// defaults, so the editor still shows the file's own problems) or when an untrusted
/// `config.toml` beside it was passed over (W0501).
pub fn load_config(
    choice: &ConfigChoice,
    file: Option<&Path>,
    env: &EnvVars,
) -> (Config, Option<Diagnostic>) {
    let result = config::load_discovered(choice.discover(file, env), env);
    match result {
        // An untrusted config.toml beside the file is reported as `symbi check` does (W0501).
        Ok(config) => {
            let warning =
                config.ignored_warning().map(|d| d.with_primary(Span::point(0), "checked without it"));
            (config, warning)
        }
        Err(error) => {
            let first = error.diagnostics.first();
            let code = first.map_or(codes::CONFIG_UNREADABLE, |d| d.code);
            let what = first.map(|d| d.message.clone()).unwrap_or_default();
            let name =
                if error.source_name.is_empty() { "the environment" } else { error.source_name.as_str() };
            let count = error.diagnostics.len();
            let d = Diagnostic::error(
                code,
                format!("the configuration in {name} has {count} problem(s): {what}"),
            )
            .with_primary(Span::point(0), "checked with the default configuration instead")
            .with_help(format!(
                "run `symbi check --config {name} ...` to see every problem of the configuration"
            ));
            (Config::default(), Some(d))
        }
    }
}
