//! The warning for a `config.toml` beside the agent file that was not read (W0501). Every
//! command that loads the configuration of an agent file shows it — `check`, `run`, the
//! language server — so an ignored file is never ignored silently.

use super::load::{Ignored, IgnoredReason};
use super::model::Config;
use crate::diag::Diagnostic;
use crate::diag::codes::CONFIG_UNTRUSTED;
use std::path::Path;

impl Config {
    /// The W0501 warning when a `config.toml` beside the agent file was passed over.
    pub fn ignored_warning(&self) -> Option<Diagnostic> {
        self.ignored.as_ref().map(|ignored| untrusted_warning(ignored, self.path.as_deref()))
    }
}

/// W0501 for `ignored`; `used` is the file used instead (none: the built-in defaults).
pub fn untrusted_warning(ignored: &Ignored, used: Option<&Path>) -> Diagnostic {
    let path = ignored.path.display();
    let folder = match ignored.path.parent().map(Path::display) {
        Some(folder) if !folder.to_string().is_empty() => folder.to_string(),
        _ => ".".into(),
    };
    let instead = match used {
        Some(file) => format!("`{}` is used instead", file.display()),
        None => "the built-in defaults are used instead".into(),
    };
    let why = "a config.toml that comes with an agent could consent to tier None, lift the limits or \
               move the audit log, so symbi reads it only from a folder you trusted";
    let (message, help) = match &ignored.reason {
        IgnoredReason::NotTrusted => (
            format!("`{path}` was not read: its folder is not trusted"),
            format!(
                "if you trust this folder, run `symbi trust {folder}`; or name the file with `--config {path}`"
            ),
        ),
        IgnoredReason::Changed => (
            format!("`{path}` was not read: it changed since its folder was trusted"),
            format!(
                "review the file, then run `symbi trust {folder}` again; or name it with `--config {path}`"
            ),
        ),
        IgnoredReason::NoTrustStore(why) => (
            format!("`{path}` was not read: the trust store cannot be used ({why})"),
            format!("name the file with `--config {path}`"),
        ),
        IgnoredReason::Unreadable(why) => (
            format!("`{path}` was not read: {why}"),
            "name a configuration file with `--config PATH`".to_string(),
        ),
    };
    Diagnostic::warning(CONFIG_UNTRUSTED, message).with_note(why).with_note(instead).with_help(help)
}
