//! Finding and loading the configuration: `--config P`, else `$SYMBIONT_CONFIG`, else
//! `./config.toml`, else (for an agent file) a `config.toml` beside it, else the defaults;
//! then the environment on top.

use super::apply::{Value, apply};
use super::env::{self, EnvVars};
use super::error::{ConfigError, E_SYNTAX, E_UNREADABLE};
use super::model::{Config, Origin};
use super::schema::Kind;
use super::validate::Validator;
use crate::diag::{Diagnostic, Label, Span};
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// Which file the configuration comes from, and who named it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Discovered {
    /// Named by `--config` or `$SYMBIONT_CONFIG` (it must exist).
    Named {
        /// The path as given.
        path: PathBuf,
        /// `--config` or `SYMBIONT_CONFIG`, for messages.
        by: &'static str,
    },
    /// A `config.toml` that was found, not named: `./config.toml`, or the one beside the
    /// agent file.
    Local(PathBuf),
    /// No file: the defaults.
    Defaults,
}

/// Decides which file to read, without reading it (`./config.toml` in the current directory).
pub fn discover(explicit: Option<&Path>, env: &EnvVars) -> Discovered {
    discover_in(Path::new("."), explicit, env)
}

/// [`discover`] with `config.toml` looked up in `dir` (the language server's workspace
/// root) instead of the current directory.
pub fn discover_in(dir: &Path, explicit: Option<&Path>, env: &EnvVars) -> Discovered {
    if let Some(path) = explicit {
        return Discovered::Named { path: path.to_path_buf(), by: "--config" };
    }
    if let Some(path) = env.get(env::CONFIG_VAR) {
        return Discovered::Named { path: PathBuf::from(path), by: env::CONFIG_VAR };
    }
    let local = if dir == Path::new(".") { PathBuf::from("config.toml") } else { dir.join("config.toml") };
    if local.is_file() { Discovered::Local(local) } else { Discovered::Defaults }
}

/// [`discover`] for one agent file: when nothing names a file and there is no
/// `./config.toml`, a `config.toml` in the agent file's folder, so a project or an examples
/// folder can carry its settings. `check`, `run` and the language server all use this, so
/// they agree on the configuration of a file.
pub fn discover_for_file(file: &Path, explicit: Option<&Path>, env: &EnvVars) -> Discovered {
    match discover(explicit, env) {
        Discovered::Defaults => {}
        found => return found,
    }
    let beside = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("config.toml"),
        _ => return Discovered::Defaults,
    };
    if beside.is_file() { Discovered::Local(beside) } else { Discovered::Defaults }
}

/// Loads the configuration: the discovered file over the defaults, then the environment
/// variables over both. Every problem of the file and the environment is reported at once.
pub fn load(explicit: Option<&Path>, env: &EnvVars) -> Result<Config, ConfigError> {
    load_discovered(discover(explicit, env), env)
}

/// [`load`] with `config.toml` looked up in `dir` instead of the current directory.
pub fn load_in(dir: &Path, explicit: Option<&Path>, env: &EnvVars) -> Result<Config, ConfigError> {
    load_discovered(discover_in(dir, explicit, env), env)
}

/// [`load`] for one agent file, the way `check`, `run` and the language server all find it
/// ([`discover_for_file`]): a `config.toml` beside the file counts when nothing else names one.
pub fn load_for_file(file: &Path, explicit: Option<&Path>, env: &EnvVars) -> Result<Config, ConfigError> {
    load_discovered(discover_for_file(file, explicit, env), env)
}

/// Loads what discovery found, then the environment on top.
pub fn load_discovered(found: Discovered, env: &EnvVars) -> Result<Config, ConfigError> {
    let mut cfg = Config::default();
    cfg.storage.audit_log = env::default_audit_log(env);
    let mut error = ConfigError::without_source(Vec::new());

    let path = match found {
        Discovered::Named { path, by } => Some((path, Some(by))),
        Discovered::Local(path) => Some((path, None)),
        Discovered::Defaults => None,
    };
    if let Some((path, by)) = path {
        match read(&path, by) {
            Ok(text) => {
                let name = path.display().to_string();
                error.diagnostics.extend(load_text(&mut cfg, &text, &name, &path));
                cfg.path = Some(path);
                error.source_name = name;
                error.source_text = text;
            }
            Err(d) => error.diagnostics.push(*d),
        }
    }

    let (overrides, problems) = env::overrides(env);
    for o in overrides {
        cfg.origins.insert(o.key.to_string(), Origin::Env(o.var.to_string()));
        apply(&mut cfg, o.key, o.value);
    }
    error.diagnostics.extend(problems);
    cfg.production = env::is_production(env);
    if env.get(env::ENV_VAR).is_some() {
        cfg.origins.insert("production".into(), Origin::Env(env::ENV_VAR.into()));
    }

    if error.diagnostics.is_empty() { Ok(cfg) } else { Err(error) }
}

/// Applies the text of a config file onto `cfg` and returns its problems (syntax errors, or
/// every unknown key, wrong type and bad value), sorted by position.
pub fn load_text(cfg: &mut Config, text: &str, name: &str, path: &Path) -> Vec<Diagnostic> {
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let mut out: Vec<Diagnostic> = errors
            .iter()
            .map(|e| {
                let span = e.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default();
                let message = e.message().trim().to_string();
                Diagnostic::error(E_SYNTAX, format!("invalid TOML: {message}"))
                    .with_primary_label(Label::in_source(name, span, message))
                    .with_help("see https://toml.io for the syntax")
            })
            .collect();
        out.sort_by_key(|d| d.span().start);
        return out;
    }
    let mut validator = Validator::new(name);
    validator.document(root.get_ref());
    // Relative paths in a file are relative to the file's folder (as in Cargo.toml), so a
    // project or an examples folder can carry a config that works wherever it is checked out.
    let base =
        std::path::absolute(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")));
    for (key, found) in validator.found {
        cfg.origins.insert(key.clone(), Origin::File(path.to_path_buf()));
        let value = match (found.kind, found.value, &base) {
            (Kind::FilePath, Value::Path(p), Ok(base)) if p.is_relative() => Value::Path(base.join(p)),
            (_, value, _) => value,
        };
        apply(cfg, &key, value);
    }
    let mut out = validator.diagnostics;
    out.sort_by_key(|d| d.span().start);
    out
}

/// Reads the file as UTF-8 text; `by` names who asked for it (for the message).
fn read(path: &Path, by: Option<&str>) -> Result<String, Box<Diagnostic>> {
    let shown = path.display();
    let unreadable = |reason: String| {
        let mut d = Diagnostic::error(
            E_UNREADABLE,
            format!("cannot read the configuration file `{shown}`: {reason}"),
        );
        if let Some(by) = by {
            d = d.with_note(format!("the file was named by {by}"));
            d = d.with_help(format!(
                "check the path given to {by}, or leave it out to use ./config.toml or the defaults"
            ));
        }
        Box::new(d)
    };
    if path.is_dir() {
        return Err(unreadable("it is a directory".into()));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(io_reason(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        unreadable(format!("it is not UTF-8 text (invalid byte at offset {offset})"))
    })
}

/// The OS error without its "(os error N)" suffix, which says nothing to a user.
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
