//! The checker: names, types, the standard library and the security model.
//!
//! [`check_file`] reports every independent problem of a parsed file at once, sorted by
//! position. An unknown name is reported once and then typed `Any`, so one mistake does not
//! cascade. `symbi check`, `symbi run` (before anything starts) and the language server
//! all call it.

mod body;
mod calls;
mod command;
mod exprs;
mod items;
mod names;
mod ops;
mod security;
mod settings;
mod sources;
mod types;

use crate::config::Config;
use crate::diag::{Diagnostic, Span, codes};
use crate::policy::TierChoice;
use crate::syntax::ast::{self, File};
use body::{FnScope, Need, Walker};
use calls::Signature;
use security::AgentFacts;
pub use settings::{METADATA_KEYS, RESOURCE_KEYS, SECURITY_KEYS};
use std::collections::HashMap;
use types::Ty;

/// What the checker needs besides the file: the configuration, the CLI's tier flags and the
/// agent a run selects.
#[derive(Clone, Debug)]
pub struct CheckContext<'a> {
    /// The loaded configuration.
    pub config: &'a Config,
    /// `--native` / `--sandbox-tier`, which take part in the effective tier.
    pub tier: TierChoice,
    /// The agent `run --agent` selects; tier rules then apply to it alone.
    pub agent: Option<String>,
    /// Record each variable's type in [`Checked::variable_types`] (for the language
    /// server's hover; it costs a third of the checker's time on a large file).
    pub variable_types: bool,
}

impl<'a> CheckContext<'a> {
    /// A context with no CLI tier flags and no selected agent.
    pub fn new(config: &'a Config) -> Self {
        CheckContext {
            config,
            tier: TierChoice { cli_tier: None, cli_native: false },
            agent: None,
            variable_types: false,
        }
    }
}

/// A source text parsed and checked: the tree, and every diagnostic in order.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// The syntax tree (what could be parsed, when the text has syntax errors).
    pub file: File,
    /// Syntax diagnostics, then (when the syntax is sound or recovered) the checker's, sorted by position;
    /// labels in the file come before labels in other sources at the same place.
    pub diagnostics: Vec<Diagnostic>,
    /// The type the checker gave each variable and parameter, by the span of its binding
    /// (empty unless [`CheckContext::variable_types`] asks for it, or when the checker did not run).
    pub variable_types: VariableTypes,
}

/// Variable types by the span of the binding, written as the checker writes types.
pub type VariableTypes = HashMap<Span, String>;

/// Parses and checks a text the one way `symbi check`, `symbi run` and the language server
/// all do. After syntax errors the checker still runs when recovery left whole parts out
/// (a broken item, or a broken trigger or function of an agent) and kept the rest intact;
/// its follow-on diagnostics of the left-out parts are dropped (`follow_on`).
pub fn check_source(text: &str, ctx: &CheckContext<'_>) -> Checked {
    let parsed = crate::syntax::parse(text);
    let checkable = parsed.is_ok() || parsed.is_recovered();
    let mut diagnostics = parsed.diagnostics;
    let mut variable_types = VariableTypes::new();
    if checkable {
        let checked = check_file_typed(&parsed.file, ctx, ctx.variable_types.then_some(&mut variable_types));
        diagnostics
            .extend(checked.into_iter().filter(|d| !follow_on(d, text, &parsed.file, &parsed.dropped)));
    }
    diagnostics.sort_by_key(|d| (d.primary.as_ref().map(|l| l.source.is_some()), d.span().start, d.code));
    Checked { file: parsed.file, diagnostics, variable_types }
}

/// True for a checker diagnostic that only follows from what recovery left out: one placed
/// inside a left-out part, or an unknown variable, function or trigger named like something
/// a left-out part defines (for a trigger, a part of the same agent: `emit` reaches no other;
/// for a variable, a left-out `let` line before the use), or an unused variable whose name a left-out part mentions.
fn follow_on(d: &Diagnostic, text: &str, file: &File, dropped: &[crate::syntax::Dropped]) -> bool {
    let at = d.span();
    if d.primary.as_ref().is_some_and(|l| l.source.is_some()) {
        return false;
    }
    if dropped.iter().any(|x| x.span.start <= at.start && at.start < x.span.end) {
        return true;
    }
    let name = text.get(at.start..at.end).unwrap_or("").trim_matches('"');
    if d.code == codes::UNUSED_VARIABLE {
        // Its only use may be on a statement line that was left out.
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        return dropped.iter().any(|x| {
            text.get(x.span.start..x.span.end).unwrap_or("").split(|c| !is_word(c)).any(|w| w == name)
        });
    }
    if ![codes::UNKNOWN_VARIABLE, codes::UNKNOWN_FUNCTION, codes::UNKNOWN_TRIGGER].contains(&d.code) {
        return false;
    }
    let agent = file.agents().find(|a| a.span.contains(at.start)).map(|a| a.span);
    dropped
        .iter()
        .filter(|x| d.code != codes::UNKNOWN_TRIGGER || agent.is_some_and(|a| a.contains(x.span.start)))
        // A variable is only known after its `let`: a use before a left-out line is not its.
        .filter(|x| d.code != codes::UNKNOWN_VARIABLE || x.span.start <= at.start)
        .any(|x| x.names.iter().any(|n| n == name))
}

/// Checks a parsed file: every problem, sorted by position.
pub fn check_file(file: &File, ctx: &CheckContext<'_>) -> Vec<Diagnostic> {
    check_file_typed(file, ctx, None)
}

/// [`check_file`], also recording the type of every variable in `types` when given.
fn check_file_typed(
    file: &File,
    ctx: &CheckContext<'_>,
    mut types: Option<&mut VariableTypes>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if let Some((source, d)) = crate::stdlib::stdlib().errors.first() {
        // A build whose stdlib does not parse cannot check calls; say so instead of
        // reporting every builtin as unknown.
        diags.push(
            Diagnostic::error(d.code, format!("the standard library {source} does not parse: {}", d.message))
                .with_note("this is a bug in symbi, not in the checked file"),
        );
    }
    items::check_file_items(file, &mut diags);

    let file_fns = signatures(file.functions(), &mut diags);
    let file_needs = top_level_needs(file, &file_fns, &mut diags, &mut types);

    for agent in file.agents() {
        check_agent(agent, ctx, &file_fns, &file_needs, &mut diags, &mut types);
    }
    diags.sort_by_key(|d| {
        let s = d.span();
        (s.start, s.end)
    });
    diags
}

fn check_agent(
    agent: &ast::Agent,
    ctx: &CheckContext<'_>,
    file_fns: &HashMap<String, Signature>,
    file_needs: &HashMap<String, Vec<Need>>,
    diags: &mut Vec<Diagnostic>,
    types: &mut Option<&mut VariableTypes>,
) {
    items::check_agent_items(agent, diags);
    sources::check_trigger_sources(agent, diags);
    settings::check_metadata(agent, diags);
    settings::check_settings(agent, ctx.config, diags);
    let facts = AgentFacts::new(ctx, agent, diags);
    let agent_fns = signatures(agent.functions.iter(), diags);
    for f in &agent.functions {
        let fns = FnScope { agent: &agent_fns, file: file_fns };
        let mut w = Walker::new(fns, Some(&facts), file_needs);
        w.scopes.record = types.is_some();
        walk_function(&mut w, f);
        diags.append(&mut w.diags);
        record_types(&mut w, types);
    }
    for trigger in &agent.triggers {
        let fns = FnScope { agent: &agent_fns, file: file_fns };
        let mut w = Walker::new(fns, Some(&facts), file_needs);
        w.scopes.record = types.is_some();
        w.scopes.push();
        let (name, span) = match &trigger.binding {
            Some(b) => (b.name.as_str(), b.span),
            None => ("input", trigger.name.span),
        };
        w.scopes.declare_used(name, span, Ty::Any, &mut w.diags);
        w.block(&trigger.body);
        w.scopes.pop(&mut w.diags);
        diags.append(&mut w.diags);
        record_types(&mut w, types);
    }
}

/// Keeps what a finished walk declared, typed, for [`Checked::variable_types`].
fn record_types(w: &mut Walker<'_>, types: &mut Option<&mut VariableTypes>) {
    if let Some(types) = types {
        types.extend(w.scopes.declared.drain(..).map(|(span, ty)| (span, ty.to_string())));
    }
}

/// Signatures of functions by name (the first of duplicates wins, as at run time).
fn signatures<'f>(
    fns: impl Iterator<Item = &'f ast::Function>,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, Signature> {
    let mut map = HashMap::new();
    for f in fns {
        if !map.contains_key(&f.name.name) {
            map.insert(f.name.name.clone(), Signature::of_function(f, diags));
        }
    }
    map
}

/// Checks a function body with its parameters in scope.
fn walk_function(w: &mut Walker<'_>, f: &ast::Function) {
    // Its own signature (not the table's, which holds the first of duplicate names); type
    // problems were reported when the table was built.
    let sig = Signature::of_function(f, &mut Vec::new());
    w.ret = Some(sig.ret.clone()).filter(|t| !matches!(t, Ty::Any));
    w.scopes.push();
    for (p, ps) in f.params.iter().zip(&sig.params) {
        w.scopes.declare_used(&p.name.name, p.name.span, ps.ty.clone(), &mut w.diags);
    }
    for p in &f.params {
        if let Some(default) = &p.default {
            w.expr(default);
        }
    }
    w.block(&f.body);
    w.scopes.pop(&mut w.diags);
}

/// Checks the top-level functions and works out which capabilities each needs, directly or
/// through other top-level functions (reported where an agent calls them).
fn top_level_needs(
    file: &File,
    file_fns: &HashMap<String, Signature>,
    diags: &mut Vec<Diagnostic>,
    types: &mut Option<&mut VariableTypes>,
) -> HashMap<String, Vec<Need>> {
    let empty_needs = HashMap::new();
    let no_agent_fns = HashMap::new();
    let mut direct: HashMap<String, (Vec<Need>, Vec<String>)> = HashMap::new();
    for f in file.functions() {
        let fns = FnScope { agent: &no_agent_fns, file: file_fns };
        let mut w = Walker::new(fns, None, &empty_needs);
        w.scopes.record = types.is_some();
        walk_function(&mut w, f);
        diags.append(&mut w.diags);
        record_types(&mut w, types);
        direct.entry(f.name.name.clone()).or_insert((w.needs, w.called));
    }
    let mut closed = HashMap::new();
    for name in direct.keys() {
        let mut needs: Vec<Need> = Vec::new();
        let mut stack = vec![name.as_str()];
        let mut visited = std::collections::HashSet::new();
        while let Some(n) = stack.pop() {
            if !visited.insert(n) {
                continue;
            }
            if let Some((own, called)) = direct.get(n) {
                for need in own {
                    if !needs.iter().any(|x| x.capability == need.capability) {
                        needs.push(need.clone());
                    }
                }
                stack.extend(called.iter().map(String::as_str));
            }
        }
        closed.insert(name.clone(), needs);
    }
    closed
}
