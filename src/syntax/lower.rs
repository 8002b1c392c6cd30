//! Lowering: pest pairs to the typed AST of `ast.rs`, for items, blocks and statements.
//!
//! Never panics: the grammar fixes the shape of the pairs, but every access still goes
//! through `Option`, and a surprise shape becomes a diagnostic instead of an `unwrap`.
//! Expressions and literals are in `lower_expr.rs` and `literal.rs`.

use super::ast::*;
use super::parse::Rule;
use crate::diag::codes;
use crate::diag::{Diagnostic, Span};
use crate::security::{Profile, Tier};
use pest::iterators::{Pair, Pairs};

/// The reserved words of the language, which cannot name anything.
pub const KEYWORDS: [&str; 20] = [
    "agent",
    "metadata",
    "security",
    "resources",
    "on",
    "trigger",
    "fn",
    "extern",
    "let",
    "if",
    "else",
    "for",
    "in",
    "while",
    "return",
    "try",
    "catch",
    "true",
    "false",
    "null",
];

/// Builds AST nodes from pairs and collects the diagnostics found on the way.
pub(crate) struct Lowerer<'s> {
    /// The whole source text (doc comments are read back from it).
    pub source: &'s str,
    /// Added to pest offsets when a chunk of the source is parsed on its own.
    pub base: usize,
    diagnostics: Vec<Diagnostic>,
    depth_reported: bool,
}

impl<'s> Lowerer<'s> {
    /// A lowerer for `source`.
    pub fn new(source: &'s str) -> Self {
        Lowerer { source, base: 0, diagnostics: Vec::new(), depth_reported: false }
    }

    /// The diagnostics found while lowering.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// Records a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports E0119 once per file for an expression tree that is too deep.
    pub fn report_too_deep(&mut self, span: Span) {
        if !self.depth_reported {
            self.depth_reported = true;
            self.report(
                Diagnostic::error(codes::NESTING_TOO_DEEP, "this expression is too deeply nested")
                    .with_primary(span, "too many operators or postfix operations in one expression")
                    .with_help("split the expression with `let` into named parts"),
            );
        }
    }

    /// The absolute span of a pair, from its first token to the end of its last token
    /// (not over the whitespace and comments pest skipped after it).
    pub fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        Span::new(self.base + start, self.base + super::token_end::token_end(pair))
    }

    /// Lowers the `file` rule of a chunk that starts at `base`.
    pub fn file(&mut self, mut pairs: Pairs<'_, Rule>, base: usize) -> Vec<Item> {
        self.base = base;
        let Some(file) = pairs.next() else { return Vec::new() };
        let mut items = Vec::new();
        for pair in file.into_inner() {
            let item = match pair.as_rule() {
                Rule::agent => Item::Agent(self.agent(pair)),
                Rule::function => Item::Function(self.function(pair)),
                Rule::extern_fn => Item::Extern(self.extern_fn(pair)),
                Rule::extern_record => Item::Record(self.extern_record(pair)),
                _ => continue,
            };
            items.push(item);
        }
        items
    }

    /// An identifier pair.
    pub fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident { name: pair.as_str().to_string(), span: self.span(pair) }
    }

    /// An identifier that introduces a new name: keywords are refused (E0108).
    pub fn binding(&mut self, pair: &Pair<'_, Rule>, what: &str) -> Ident {
        let ident = self.ident(pair);
        if KEYWORDS.contains(&ident.name.as_str()) {
            self.report(
                Diagnostic::error(
                    codes::KEYWORD_AS_NAME,
                    format!("`{}` is a keyword and cannot name {what}", ident.name),
                )
                .with_primary(ident.span, "reserved word")
                .with_help(format!("choose another name, for example `{}_`", ident.name)),
            );
        }
        ident
    }

    fn agent(&mut self, pair: Pair<'_, Rule>) -> Agent {
        let span = self.span(&pair);
        let mut agent = Agent {
            name: Ident { name: String::new(), span },
            metadata: Vec::new(),
            security: Vec::new(),
            resources: Vec::new(),
            triggers: Vec::new(),
            functions: Vec::new(),
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => agent.name = self.binding(&p, "an agent"),
                Rule::metadata_block => agent.metadata.push(self.metadata(p)),
                Rule::security_block => agent.security.push(self.security(p)),
                Rule::resources_block => agent.resources.push(self.resources(p)),
                Rule::trigger => agent.triggers.push(self.trigger(p)),
                Rule::function => agent.functions.push(self.function(p)),
                _ => {}
            }
        }
        agent
    }

    fn entries(&mut self, pair: Pair<'_, Rule>) -> Vec<Entry> {
        let mut entries = Vec::new();
        for p in pair.into_inner().filter(|p| p.as_rule() == Rule::entry) {
            let span = self.span(&p);
            let mut inner = p.into_inner();
            let (Some(key), Some(value)) = (inner.next(), inner.next()) else { continue };
            let key = self.ident(&key);
            let value = self.expr(value);
            entries.push(Entry { key, value, span });
        }
        entries
    }

    fn metadata(&mut self, pair: Pair<'_, Rule>) -> MetadataBlock {
        let span = self.span(&pair);
        MetadataBlock { entries: self.entries(pair), span }
    }

    fn security(&mut self, pair: Pair<'_, Rule>) -> SecurityBlock {
        let span = self.span(&pair);
        let entries = self.entries(pair);
        let first = |key: &str| entries.iter().find(|e| e.key.name == key);
        let word_setting = |e: &Entry| {
            let raw = match &e.value.kind {
                ExprKind::Var(id) => id.name.clone(),
                _ => e.value.as_plain_str().unwrap_or_else(|| self.text(e.value.span)),
            };
            (raw, e.value.span)
        };
        let tier = first("tier").map(|e| {
            let (raw, span) = word_setting(e);
            Setting { value: Tier::parse(&raw), raw, span }
        });
        let sandbox = first("sandbox").map(|e| {
            let (raw, span) = word_setting(e);
            Setting { value: Profile::parse(&raw), raw, span }
        });
        let capabilities = first("capabilities").and_then(|e| string_list(&e.value));
        let allowed_executables = first("allowed_executables").and_then(|e| string_list(&e.value));
        SecurityBlock { tier, sandbox, capabilities, allowed_executables, entries, span }
    }

    fn resources(&mut self, pair: Pair<'_, Rule>) -> ResourcesBlock {
        let span = self.span(&pair);
        let entries = self.entries(pair);
        let setting = |key: &str, read: &dyn Fn(&ExprKind) -> Option<f64>| {
            entries.iter().find(|e| e.key.name == key).map(|e| {
                let value = read(&e.value.kind);
                (value, self.text(e.value.span), e.value.span)
            })
        };
        let int = |k: &ExprKind| int_value(k).map(|i| i as f64);
        let float = |k: &ExprKind| match k {
            ExprKind::Float(f) => Some(*f),
            other => int_value(other).map(|i| i as f64),
        };
        let duration = |k: &ExprKind| match k {
            ExprKind::Duration(ms) => Some(*ms as f64),
            _ => None,
        };
        let as_int = |s: Option<(Option<f64>, String, Span)>| {
            s.map(|(v, raw, span)| Setting { value: v.map(|f| f as i64), raw, span })
        };
        let timeout_ms = setting("timeout", &duration).map(|(v, raw, span)| Setting {
            value: v.map(|f| f as u64),
            raw,
            span,
        });
        ResourcesBlock {
            max_memory_mb: as_int(setting("max_memory_mb", &int)),
            max_cpu_seconds: as_int(setting("max_cpu_seconds", &int)),
            max_cpu_cores: setting("max_cpu_cores", &float).map(|(value, raw, span)| Setting {
                value,
                raw,
                span,
            }),
            timeout_ms,
            max_output_bytes: as_int(setting("max_output_bytes", &int)),
            entries,
            span,
        }
    }

    /// The source text of an absolute span.
    pub fn text(&self, span: Span) -> String {
        self.source[span.clamp_to(self.source)].to_string()
    }

    fn trigger(&mut self, pair: Pair<'_, Rule>) -> Trigger {
        let span = self.span(&pair);
        let mut name = StrValue { value: String::new(), span };
        let mut source = TriggerSource::Manual;
        let mut binding = None;
        let mut body = Block { stmts: Vec::new(), span };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::string => name = self.plain_string(p, "a trigger name"),
                Rule::schedule_source => {
                    let mut strings = p.into_inner().filter(|q| q.as_rule() == Rule::string);
                    let cron = strings.next().map(|q| self.plain_string(q, "a cron expression"));
                    let cron = cron.unwrap_or(StrValue { value: String::new(), span });
                    name = strings
                        .next()
                        .map(|q| self.plain_string(q, "a schedule name"))
                        .unwrap_or(cron.clone());
                    source = TriggerSource::Schedule { cron };
                }
                Rule::webhook_source => {
                    let mut strings = p.into_inner().filter(|q| q.as_rule() == Rule::string);
                    if let Some(q) = strings.next() {
                        name = self.plain_string(q, "a webhook name");
                    }
                    let secret = strings.next().map(|q| self.plain_string(q, "a secret's variable name"));
                    source = TriggerSource::Webhook { secret };
                }
                Rule::ident => binding = Some(self.binding(&p, "a trigger's payload")),
                Rule::block => body = self.block(p),
                _ => {}
            }
        }
        Trigger { name, source, binding, body, span }
    }

    /// A string literal that must not interpolate (E0121 otherwise).
    pub fn plain_string(&mut self, pair: Pair<'_, Rule>, what: &str) -> StrValue {
        let span = self.span(&pair);
        let expr = self.expr_of_string(pair);
        let value = expr.as_plain_str().unwrap_or_else(|| {
            self.report(
                Diagnostic::error(codes::INTERPOLATION_NOT_ALLOWED, format!("{what} must be a plain string"))
                    .with_primary(span, "`${...}` is not allowed here")
                    .with_help("write the text without interpolation"),
            );
            String::new()
        });
        StrValue { value, span }
    }

    /// Parameters; those of `extern fn` may be keywords (`emit(trigger: ...)`), since they
    /// only name arguments and never become variables.
    fn params(&mut self, pair: Pair<'_, Rule>, declared: bool) -> Vec<Param> {
        let mut params = Vec::new();
        for p in pair.into_inner() {
            let span = self.span(&p);
            let mut inner = p.into_inner();
            let (Some(name), Some(ty)) = (inner.next(), inner.next()) else { continue };
            let name = if declared { self.ident(&name) } else { self.binding(&name, "a parameter") };
            let ty = self.type_expr(ty);
            let default = inner.next().map(|d| self.expr(d));
            params.push(Param { name, ty, default, span });
        }
        params
    }

    fn function(&mut self, pair: Pair<'_, Rule>) -> Function {
        let span = self.span(&pair);
        let doc = self.doc_above(span.start);
        let mut f = Function {
            name: Ident { name: String::new(), span },
            params: Vec::new(),
            ret: None,
            body: Block { stmts: Vec::new(), span },
            doc,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => f.name = self.binding(&p, "a function"),
                Rule::params => f.params = self.params(p, false),
                Rule::type_expr => f.ret = Some(self.type_expr(p)),
                Rule::block => f.body = self.block(p),
                _ => {}
            }
        }
        f
    }

    fn extern_fn(&mut self, pair: Pair<'_, Rule>) -> ExternFn {
        let span = self.span(&pair);
        let doc = self.doc_above(span.start);
        let mut f = ExternFn {
            receiver: None,
            name: Ident { name: String::new(), span },
            params: Vec::new(),
            ret: None,
            requires: Vec::new(),
            doc,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::receiver => f.receiver = p.into_inner().next().map(|r| self.ident(&r)),
                Rule::ident => f.name = self.binding(&p, "a function"),
                Rule::params => f.params = self.params(p, true),
                Rule::type_expr => f.ret = Some(self.type_expr(p)),
                Rule::requires => {
                    for s in p.into_inner().filter(|s| s.as_rule() == Rule::string) {
                        let cap = self.plain_string(s, "a capability");
                        f.requires.push(cap);
                    }
                }
                _ => {}
            }
        }
        f
    }

    fn extern_record(&mut self, pair: Pair<'_, Rule>) -> RecordDecl {
        let span = self.span(&pair);
        let doc = self.doc_above(span.start);
        let mut r = RecordDecl { name: Ident { name: String::new(), span }, fields: Vec::new(), doc, span };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => r.name = self.binding(&p, "a record"),
                Rule::record_field => {
                    let span = self.span(&p);
                    let doc = self.doc_above(span.start);
                    let mut inner = p.into_inner();
                    let (Some(name), Some(ty)) = (inner.next(), inner.next()) else { continue };
                    let name = self.ident(&name);
                    let ty = self.type_expr(ty);
                    r.fields.push(RecordField { name, ty, doc, span });
                }
                _ => {}
            }
        }
        r
    }

    /// A type annotation.
    pub fn type_expr(&mut self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut ty =
            TypeExpr { name: Ident { name: String::new(), span }, args: Vec::new(), nullable: false, span };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => ty.name = self.ident(&p),
                Rule::type_expr => ty.args.push(self.type_expr(p)),
                Rule::nullable => ty.nullable = true,
                _ => {}
            }
        }
        ty
    }

    /// The `///` lines directly above the line where `offset` is, joined with newlines.
    pub fn doc_above(&self, offset: usize) -> Option<String> {
        let before = &self.source[..Span::point(offset).clamp_to(self.source).start];
        let mut end = before.rfind('\n')?;
        let mut lines = Vec::new();
        loop {
            let start = before[..end].rfind('\n').map_or(0, |i| i + 1);
            let line = before[start..end].trim();
            match line.strip_prefix("///") {
                Some(text) if !text.starts_with('/') => {
                    lines.push(text.strip_prefix(' ').unwrap_or(text).trim_end().to_string());
                }
                _ => break,
            }
            if start == 0 {
                break;
            }
            end = start - 1;
        }
        if lines.is_empty() {
            return None;
        }
        lines.reverse();
        Some(lines.join("\n"))
    }
}

/// A list of plain string literals, or `None` when the value is anything else.
fn string_list(value: &Expr) -> Option<Vec<StrValue>> {
    let ExprKind::List(items) = &value.kind else { return None };
    items.iter().map(|e| e.as_plain_str().map(|value| StrValue { value, span: e.span })).collect()
}

/// An integer literal, negative ones included.
fn int_value(kind: &ExprKind) -> Option<i64> {
    match kind {
        ExprKind::Int(i) => Some(*i),
        ExprKind::Unary { op: UnaryOp::Neg, operand } => match operand.kind {
            ExprKind::Int(i) => i.checked_neg(),
            _ => None,
        },
        _ => None,
    }
}
