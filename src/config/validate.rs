//! Checking a parsed `config.toml` against the key table, keeping every span, so each
//! problem is reported at its key or value, all at once.

use super::apply::Value;
use super::schema::{self, Key, Kind};
use crate::diag::codes::{CONFIG_BAD_VALUE, CONFIG_CONFLICT, CONFIG_UNKNOWN_KEY, CONFIG_WRONG_TYPE};
use crate::diag::suggest::did_you_mean;
use crate::diag::{Diagnostic, Label, Span};
use crate::security::Tier;
use std::collections::BTreeMap;
use std::path::PathBuf;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A valid key with its value, by canonical dotted key (`native_execution.max_memory_mb`
/// also for `[security.native_execution]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The canonical dotted key.
    pub key: String,
    /// The value.
    pub value: Value,
    /// Where the key is written.
    pub key_span: Span,
    /// The key's type.
    pub kind: Kind,
}

/// The walk's state: the source's name for labels, what was found, what went wrong.
pub struct Validator<'a> {
    source: &'a str,
    /// Valid keys, by canonical dotted key.
    pub found: BTreeMap<String, Found>,
    /// Every problem.
    pub diagnostics: Vec<Diagnostic>,
}

fn span_of<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

impl<'a> Validator<'a> {
    /// A validator whose labels name `source` (the config file's path).
    pub fn new(source: &'a str) -> Self {
        Validator { source, found: BTreeMap::new(), diagnostics: Vec::new() }
    }

    fn label(&self, span: Span, message: impl Into<String>) -> Label {
        Label::in_source(self.source, span, message)
    }

    /// Checks a whole document.
    pub fn document(&mut self, root: &DeTable<'_>) {
        self.table(root, schema::SECTIONS, "", "");
    }

    /// Checks `table` against `keys`; `shown` prefixes keys in messages (`security.`),
    /// `canonical` prefixes them in the result (`native_execution.` for both spellings).
    fn table(&mut self, table: &DeTable<'_>, keys: &'static [Key], shown: &str, canonical: &str) {
        for (name, value) in table.iter() {
            let key_span = span_of(name);
            let Some(spec) = keys.iter().find(|k| k.name == name.get_ref().as_ref()) else {
                self.unknown_key(name.get_ref(), key_span, keys, shown);
                continue;
            };
            let shown_key = format!("{shown}{}", spec.name);
            let canonical_key = if shown_key == "security.native_execution" {
                "native_execution".to_string()
            } else {
                format!("{canonical}{}", spec.name)
            };
            if let Kind::Table(inner) = spec.kind {
                match value.get_ref() {
                    DeValue::Table(t) => {
                        self.table(t, inner, &format!("{shown_key}."), &format!("{canonical_key}."))
                    }
                    other => self.wrong_type(&shown_key, spec.kind, other, span_of(value), key_span),
                }
                continue;
            }
            let Some(v) = self.value(&shown_key, spec, value, key_span) else { continue };
            let v = if spec.used { v } else { Value::Unused };
            if let Some(other) = self.found.get(&canonical_key) {
                // Tables are walked in key order, not file order: the later text is the repeat.
                let (first, again) = if other.key_span.start < key_span.start {
                    (other.key_span, key_span)
                } else {
                    (key_span, other.key_span)
                };
                let d = Diagnostic::error(CONFIG_CONFLICT, format!("`{canonical_key}` is set twice"))
                    .with_primary_label(self.label(again, "set again here"))
                    .with_secondary_label(self.label(first, "first set here"))
                    .with_note("`[native_execution]` and `[security.native_execution]` are one section; keys given in only one of them are merged")
                    .with_help("keep one of the two settings");
                self.diagnostics.push(d);
                continue;
            }
            self.found.insert(
                canonical_key.clone(),
                Found { key: canonical_key, value: v, key_span, kind: spec.kind },
            );
        }
    }

    fn unknown_key(&mut self, name: &str, span: Span, keys: &'static [Key], shown: &str) {
        let what = if shown.is_empty() { "section" } else { "key" };
        let full = format!("{shown}{name}");
        let mut d = Diagnostic::error(CONFIG_UNKNOWN_KEY, format!("unknown {what} `{full}`"))
            .with_primary_label(self.label(span, format!("unknown {what}")));
        let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
        if let Some(best) = did_you_mean(name, names.iter().copied()) {
            d = d.with_help(format!("did you mean `{shown}{best}`?"));
        } else if let Some(section) = schema::sections_with_key(name).first() {
            d = d.with_help(format!("`{name}` belongs in the `[{section}]` section"));
        } else {
            d = d.with_help(format!("remove it; the known {what}s here are: {}", names.join(", ")));
        }
        self.diagnostics.push(d);
    }

    fn wrong_type(&mut self, key: &str, kind: Kind, value: &DeValue<'_>, span: Span, key_span: Span) {
        let d = Diagnostic::error(CONFIG_WRONG_TYPE, format!("`{key}` must be {}", kind.describe()))
            .with_primary_label(self.label(span, format!("this is {}", a_type(value))))
            .with_secondary_label(self.label(key_span, "for this key"));
        self.diagnostics.push(d);
    }

    fn bad_value(&mut self, key: &str, span: Span, message: String, help: String) {
        let d = Diagnostic::error(CONFIG_BAD_VALUE, format!("invalid value for `{key}`: {message}"))
            .with_primary_label(self.label(span, message))
            .with_help(help);
        self.diagnostics.push(d);
    }

    /// An integer literal's value; TOML integers fit an i64, so failing is reported rather
    /// than assumed impossible.
    fn integer(&mut self, key: &str, i: &toml::de::DeInteger<'_>, span: Span) -> Option<i128> {
        let n = i128::from_str_radix(i.as_str(), i.radix()).ok();
        if n.is_none() {
            self.bad_value(key, span, "the integer cannot be read".into(), "write a decimal integer".into());
        }
        n
    }

    /// The typed value of one key, or `None` after reporting why not.
    fn value(
        &mut self,
        key: &str,
        spec: &Key,
        value: &Spanned<DeValue<'_>>,
        key_span: Span,
    ) -> Option<Value> {
        let span = span_of(value);
        let v = value.get_ref();
        let unlimited = matches!(v, DeValue::String(s) if s.as_ref() == "unlimited");
        let out = match (spec.kind, v) {
            (Kind::Bool, DeValue::Boolean(b)) => Value::Bool(*b),
            (Kind::Int { min, max }, DeValue::Integer(i)) => {
                let n = self.integer(key, i, span)?;
                if n < min as i128 || n > max as i128 {
                    let range = format!("must be between {min} and {max}");
                    self.bad_value(key, span, format!("{n} is out of range"), range);
                    return None;
                }
                Value::Int(n as u64)
            }
            (Kind::Limit, _) if unlimited => Value::Limit(None),
            (Kind::Limit, DeValue::Integer(i)) => {
                let n = self.integer(key, i, span)?;
                if n < 1 || n > i64::MAX as i128 {
                    let help = "write a positive integer, or \"unlimited\" for no limit".to_string();
                    self.bad_value(key, span, format!("{n} is not a limit"), help);
                    return None;
                }
                Value::Limit(Some(n as u64))
            }
            (Kind::Cores, _) if unlimited => Value::Cores(None),
            (Kind::Cores, DeValue::Integer(_) | DeValue::Float(_)) => {
                let text = match v {
                    DeValue::Integer(i) => i.as_str().to_string(),
                    DeValue::Float(f) => f.as_str().to_string(),
                    _ => String::new(),
                };
                match text.parse::<f64>() {
                    Ok(c) if c.is_finite() && c > 0.0 => Value::Cores(Some(c)),
                    _ => {
                        let help = "write a positive number such as 2.0, or \"unlimited\"".to_string();
                        self.bad_value(key, span, format!("{text} is not a number of cores"), help);
                        return None;
                    }
                }
            }
            (Kind::Str, DeValue::String(s)) => {
                // An empty image, runtime or interpreter name would only fail later, at a call.
                if spec.used && s.trim().is_empty() {
                    self.bad_value(
                        key,
                        span,
                        "the value is empty".into(),
                        "write a value, or remove the key for the default".into(),
                    );
                    return None;
                }
                Value::Str(s.to_string())
            }
            (Kind::Path | Kind::FilePath, DeValue::String(s)) => {
                if s.is_empty() {
                    self.bad_value(key, span, "the path is empty".into(), "write a path".into());
                    return None;
                }
                // A relative `FilePath` is resolved against the file's folder by `load_text`.
                Value::Path(PathBuf::from(s.as_ref()))
            }
            (Kind::Tier, DeValue::String(s)) => match Tier::parse(s.trim()) {
                Some(t) => Value::Tier(t),
                None => {
                    let help = match did_you_mean(s, Tier::SPELLINGS) {
                        Some(best) => format!("did you mean \"{best}\"?"),
                        None => "write \"None\", \"Tier1\", \"Tier2\" or \"Tier3\"".into(),
                    };
                    self.bad_value(key, span, format!("unknown tier \"{s}\""), help);
                    return None;
                }
            },
            (Kind::StrList, DeValue::Array(items)) => {
                let mut list = Vec::new();
                let mut bad = false;
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) if !s.is_empty() => list.push(s.to_string()),
                        other => {
                            let what = match other {
                                DeValue::String(_) => "this string is empty".to_string(),
                                other => format!("this is {}", a_type(other)),
                            };
                            let d = Diagnostic::error(
                                CONFIG_WRONG_TYPE,
                                format!("`{key}` must be {}", spec.kind.describe()),
                            )
                            .with_primary_label(self.label(span_of(item), what));
                            self.diagnostics.push(d);
                            bad = true;
                        }
                    }
                }
                if bad {
                    return None;
                }
                Value::List(list)
            }
            (Kind::KeyProvider, DeValue::Table(t)) => {
                self.key_provider(key, t, span)?;
                Value::Unused
            }
            (kind, other) => {
                self.wrong_type(key, kind, other, span, key_span);
                return None;
            }
        };
        Some(out)
    }

    /// `{ Environment = { var_name = "..." } }` or `{ File = { path = "..." } }`: exactly one
    /// provider, with its one field.
    fn key_provider(&mut self, key: &str, table: &DeTable<'_>, span: Span) -> Option<()> {
        if table.len() != 1 {
            let help =
                "write exactly one provider: { Environment = { var_name = \"SYMBIONT_KEY\" } }".to_string();
            self.bad_value(key, span, "expected exactly one key provider".into(), help);
            return None;
        }
        let before = self.diagnostics.len();
        let prefix = format!("{key}.");
        self.table(table, schema::KEY_PROVIDERS, &prefix, &prefix);
        (self.diagnostics.len() == before).then_some(())
    }
}

/// "a string", "an integer", ... for messages.
fn a_type(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}
