//! Configuration errors: every problem of the file and the environment, reported at once.

use crate::diag::Diagnostic;
use crate::diag::render::{Sources, render_human, render_json, render_short};
use std::fmt;

/// Why the configuration could not be loaded: the diagnostics (labels point into
/// `source_text`, named `source_name`), for rendering with exit status 2.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// Every problem found, in the order of the file, then the environment.
    pub diagnostics: Vec<Diagnostic>,
    /// The config file's path as shown in messages (empty when no file was read).
    pub source_name: String,
    /// The config file's text (empty when no file was read).
    pub source_text: String,
}

impl ConfigError {
    /// An error with no source text (unreadable file, environment only).
    pub fn without_source(diagnostics: Vec<Diagnostic>) -> Self {
        ConfigError { diagnostics, source_name: String::new(), source_text: String::new() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error[{}]: {}", d.code, d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// The sources the diagnostics point into (the config file, when one was read).
    pub fn sources(&self) -> Sources {
        let name = if self.source_name.is_empty() { "<config>" } else { self.source_name.as_str() };
        Sources::new(name, self.source_text.clone())
    }

    /// The diagnostics rendered like source diagnostics, on the TOML text.
    pub fn render(&self, color: bool) -> String {
        render_human(&self.diagnostics, &self.sources(), color)
    }

    /// One `file:line:col: error[CODE]: message` line per diagnostic (`--format short`).
    pub fn render_short(&self) -> String {
        render_short(&self.diagnostics, &self.sources())
    }

    /// One JSON object per diagnostic per line (`--format json`), positions on the TOML text.
    pub fn render_json(&self) -> String {
        render_json(&self.diagnostics, &self.sources())
    }
}
