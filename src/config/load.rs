//! Finding and loading the configuration. The first that applies: `--config P`, else
//! `$SYMBIONT_CONFIG`, else `./config.toml`, else (for the one agent file or folder a command
//! was given) the `config.toml` of that folder **if the user trusted it** (`symbi trust`), else the user's own
//! `$XDG_CONFIG_HOME/symbi/config.toml`, else the defaults; then the environment on top.
//!
//! A `config.toml` beside an agent file that is not trusted is not read at all: it came with
//! the agent, and the agent's author must not be the one who consents to tier None, lifts
//! the limits or moves the audit log. It is reported ([`Ignored`]) so the user learns why.

use super::apply::{Value, apply};
use super::env::{self, EnvVars};
use super::error::ConfigError;
use super::model::{Config, Origin};
use super::regular::{MAX_CONFIG_BYTES, read_regular_file};
use super::schema::Kind;
use super::sha256::sha256_hex;
use super::trust::{TrustStore, Verdict};
use super::validate::Validator;
use crate::diag::codes::{CONFIG_SYNTAX, CONFIG_UNREADABLE};
use crate::diag::{Diagnostic, Label, Span};
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// The name of the configuration file looked for in a folder.
pub const CONFIG_FILE: &str = "config.toml";

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
    /// `./config.toml` (for the language server: the workspace folder's).
    Local(PathBuf),
    /// The `config.toml` beside the agent file, in a folder the user trusted with this content.
    Trusted {
        /// The file.
        path: PathBuf,
        /// The SHA-256 the trust store holds; the file is read only if it still has it.
        sha256: String,
    },
    /// The user's own configuration file (`$XDG_CONFIG_HOME/symbi/config.toml`).
    User(PathBuf),
    /// No file: the defaults.
    Defaults,
}

impl Discovered {
    /// The file, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Discovered::Named { path, .. }
            | Discovered::Local(path)
            | Discovered::Trusted { path, .. }
            | Discovered::User(path) => Some(path),
            Discovered::Defaults => None,
        }
    }

    /// How the file was chosen, for the run header and `symbi doctor`.
    pub fn describe(&self) -> String {
        match self {
            Discovered::Named { by, .. } => format!("named by {by}"),
            Discovered::Local(_) => "in the current directory".into(),
            Discovered::Trusted { .. } => "beside the agent file, in a trusted folder".into(),
            Discovered::User(_) => "your configuration directory".into(),
            Discovered::Defaults => "no file: the built-in defaults".into(),
        }
    }
}

/// A `config.toml` beside the agent file that was not read, and why.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Ignored {
    /// The file.
    pub path: PathBuf,
    /// Why it was not read.
    pub reason: IgnoredReason,
}

/// Why a `config.toml` beside the agent file was not read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum IgnoredReason {
    /// Its folder was never trusted (or the trust was revoked).
    NotTrusted,
    /// Its folder is trusted, but the file changed since.
    Changed,
    /// The trust store cannot be used (the message says why).
    NoTrustStore(String),
    /// The file cannot be read (the message says why).
    Unreadable(String),
}

impl IgnoredReason {
    /// The key of the JSON events (`not_trusted`, `changed`, ...).
    pub fn key(&self) -> &'static str {
        match self {
            IgnoredReason::NotTrusted => "not_trusted",
            IgnoredReason::Changed => "changed",
            IgnoredReason::NoTrustStore(_) => "no_trust_store",
            IgnoredReason::Unreadable(_) => "unreadable",
        }
    }
}

/// What discovery decided for one agent file: the file used, and a file beside the agent
/// that was passed over because it is not trusted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Discovery {
    /// The file used (or the defaults).
    pub found: Discovered,
    /// The untrusted `config.toml` beside the agent file, when there is one.
    pub ignored: Option<Ignored>,
}

impl From<Discovered> for Discovery {
    fn from(found: Discovered) -> Self {
        Discovery { found, ignored: None }
    }
}

/// Decides which file to read, without reading it (`./config.toml` in the current directory).
pub fn discover(explicit: Option<&Path>, env: &EnvVars) -> Discovered {
    discover_in(Path::new("."), explicit, env)
}

/// [`discover`] with `config.toml` looked up in `dir` (the language server's workspace
/// root) instead of the current directory.
pub fn discover_in(dir: &Path, explicit: Option<&Path>, env: &EnvVars) -> Discovered {
    discover_file_in(dir, None, explicit.map(|p| (p, "--config")), env).found
}

/// [`discover`] for one agent file: a `config.toml` in the agent file's folder counts when
/// that folder is trusted and nothing before it applies. `check`, `run`, `doctor FILE` and
/// the language server all come here, so they agree on the configuration of a file.
pub fn discover_for_file(file: &Path, explicit: Option<&Path>, env: &EnvVars) -> Discovery {
    discover_for_paths(std::slice::from_ref(&file.to_path_buf()), explicit, env)
}

/// The one rule for the paths a command was given (`symbi run FILE`, `symbi up PATH...`):
/// with one path, the `config.toml` of its folder (an agent file's folder, or the folder
/// itself) counts when that folder is trusted and nothing before it applies; with several
/// paths no folder's file does (the service of many folders takes its configuration from
/// `--config`, `$SYMBIONT_CONFIG`, `./config.toml` or the user's file).
pub fn discover_for_paths(paths: &[PathBuf], explicit: Option<&Path>, env: &EnvVars) -> Discovery {
    let one = match paths {
        [one] => Some(one.as_path()),
        _ => None,
    };
    discover_file_in(Path::new("."), one, explicit.map(|p| (p, "--config")), env)
}

/// The folder whose `config.toml` may count for `path`: the folder itself, or a file's folder.
fn folder_of(path: &Path) -> Option<&Path> {
    if path.is_dir() {
        return Some(path);
    }
    path.parent().filter(|folder| !folder.as_os_str().is_empty())
}

/// The one discovery: `named` (a path and who named it: `--config`, the editor's option),
/// else `$SYMBIONT_CONFIG`, else `dir/config.toml` (`dir` is the current directory, or the
/// language server's workspace folder), else `config.toml` beside `file` (or in it, when it
/// is a folder) when that folder is trusted with this content, else the user's
/// configuration file, else the defaults.
pub fn discover_file_in(
    dir: &Path,
    file: Option<&Path>,
    named: Option<(&Path, &'static str)>,
    env: &EnvVars,
) -> Discovery {
    if let Some((path, by)) = named {
        return Discovered::Named { path: path.to_path_buf(), by }.into();
    }
    if let Some(path) = env.get(env::CONFIG_VAR) {
        return Discovered::Named { path: PathBuf::from(path), by: env::CONFIG_VAR }.into();
    }
    let local = if dir == Path::new(".") { PathBuf::from(CONFIG_FILE) } else { dir.join(CONFIG_FILE) };
    if local.is_file() {
        return Discovered::Local(local).into();
    }
    let beside = file.and_then(folder_of).map(|folder| folder.join(CONFIG_FILE));
    let mut ignored = None;
    if let Some(beside) = beside.filter(|b| b.is_file()) {
        match trusted(&beside, env) {
            Ok(sha256) => return Discovered::Trusted { path: beside, sha256 }.into(),
            Err(reason) => ignored = Some(Ignored { path: beside, reason }),
        }
    }
    let found = match user_config(env) {
        Some(path) if path.is_file() => Discovered::User(path),
        _ => Discovered::Defaults,
    };
    Discovery { found, ignored }
}

/// The user's configuration file: `$XDG_CONFIG_HOME/symbi/config.toml`, else
/// `$HOME/.config/symbi/config.toml` (whether or not it exists).
pub fn user_config(env: &EnvVars) -> Option<PathBuf> {
    if let Some(dir) = env.get("XDG_CONFIG_HOME").filter(|p| p.starts_with('/')) {
        return Some(PathBuf::from(dir).join("symbi").join(CONFIG_FILE));
    }
    let home = env.get("HOME").filter(|p| p.starts_with('/') && *p != "/")?;
    Some(PathBuf::from(home).join(".config/symbi").join(CONFIG_FILE))
}

/// The SHA-256 of `path` when the trust store trusts its folder with that content.
fn trusted(path: &Path, env: &EnvVars) -> Result<String, IgnoredReason> {
    let folder = path
        .parent()
        .and_then(|f| std::fs::canonicalize(f).ok())
        .ok_or_else(|| IgnoredReason::Unreadable("its folder cannot be resolved".into()))?;
    let text = read_regular_file(path, MAX_CONFIG_BYTES).map_err(IgnoredReason::Unreadable)?;
    let store = TrustStore::open(env).map_err(IgnoredReason::NoTrustStore)?;
    match store.verdict(&folder, &text) {
        Verdict::Trusted => Ok(sha256_hex(&text)),
        Verdict::NotTrusted => Err(IgnoredReason::NotTrusted),
        Verdict::Changed => Err(IgnoredReason::Changed),
    }
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
/// ([`discover_for_file`]): a `config.toml` beside the file counts only in a trusted folder.
pub fn load_for_file(file: &Path, explicit: Option<&Path>, env: &EnvVars) -> Result<Config, ConfigError> {
    load_discovered(discover_for_file(file, explicit, env), env)
}

/// [`load`] for the paths a command was given, by the one rule of [`discover_for_paths`]
/// (`symbi run FILE` and `symbi up PATH...`).
pub fn load_for_paths(
    paths: &[PathBuf],
    explicit: Option<&Path>,
    env: &EnvVars,
) -> Result<Config, ConfigError> {
    load_discovered(discover_for_paths(paths, explicit, env), env)
}

/// Loads what discovery found, then the environment on top; records the file used, how it
/// was found, and the untrusted file passed over ([`Config::ignored`]).
pub fn load_discovered(found: impl Into<Discovery>, env: &EnvVars) -> Result<Config, ConfigError> {
    let Discovery { found, mut ignored } = found.into();
    let mut cfg = Config::default();
    cfg.storage.audit_log = env::default_audit_log(env);
    // `./data/runs.db` (the seed's data folder), made absolute so the report names the file.
    cfg.storage.runs_db = std::path::absolute(&cfg.storage.runs_db).unwrap_or(cfg.storage.runs_db);
    let mut error = ConfigError::without_source(Vec::new());

    let by = match &found {
        Discovered::Named { by, .. } => Some(*by),
        _ => None,
    };
    cfg.found_by = found.describe();
    if let Some(path) = found.path() {
        match read(path, by) {
            // The trusted file is read once and used only if it is still the content that was
            // trusted: a file swapped after discovery gets no more trust than a new one.
            Ok(text) if matches!(&found, Discovered::Trusted { sha256, .. } if *sha256 != sha256_hex(text.as_bytes())) =>
            {
                ignored = Some(Ignored { path: path.to_path_buf(), reason: IgnoredReason::Changed });
                cfg.found_by = Discovered::Defaults.describe();
            }
            Ok(text) => {
                let name = path.display().to_string();
                error.diagnostics.extend(load_text(&mut cfg, &text, &name, path));
                cfg.path = Some(path.to_path_buf());
                error.source_name = name;
                error.source_text = text;
            }
            Err(d) => error.diagnostics.push(*d),
        }
    }
    cfg.ignored = ignored;

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
                Diagnostic::error(CONFIG_SYNTAX, format!("invalid TOML: {message}"))
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

/// Reads the file as UTF-8 text; `by` names who asked for it (for the message). Only a
/// regular file of at most [`MAX_CONFIG_BYTES`] is read: `--config /dev/zero` or a FIFO is
/// refused at once instead of filling memory or waiting for a writer.
fn read(path: &Path, by: Option<&str>) -> Result<String, Box<Diagnostic>> {
    let shown = path.display();
    let unreadable = |reason: String| {
        let mut d = Diagnostic::error(
            CONFIG_UNREADABLE,
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
    let bytes = read_regular_file(path, MAX_CONFIG_BYTES).map_err(unreadable)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        unreadable(format!("it is not UTF-8 text (invalid byte at offset {offset})"))
    })
}
