//! Scopes: which variables are visible, what is known of them, and whether they were read.

use super::types::Ty;
use crate::diag::codes;
use crate::diag::{Diagnostic, Span};
use std::collections::HashMap;

/// What the checker knows about one variable.
#[derive(Clone, Debug)]
pub struct Var {
    /// The name.
    pub name: String,
    /// Where it was declared.
    pub span: Span,
    /// Its type (the annotation when there is one, else the inferred type).
    pub ty: Ty,
    /// Declared with a type annotation (then assignments are checked against it).
    pub annotated: bool,
    /// Read at least once (or exempt from the unused warning).
    pub used: bool,
}

/// One block scope: its variables in declaration order, and where each name's current
/// variable sits, so declaring and looking up a name does not scan the scope (a scope with
/// tens of thousands of `let`s stays linear to check).
#[derive(Debug, Default)]
struct Frame {
    /// Declaration order; a shadowed variable leaves `None` behind (it was judged then).
    vars: Vec<Option<Var>>,
    /// The slot in `vars` of the variable each name refers to now.
    by_name: HashMap<String, usize>,
}

impl Frame {
    fn get_mut(&mut self, name: &str) -> Option<&mut Var> {
        let at = *self.by_name.get(name)?;
        self.vars.get_mut(at)?.as_mut()
    }

    /// Adds `var` as the one its name refers to, returning the one it shadows.
    fn insert(&mut self, var: Var) -> Option<Var> {
        let old = self.by_name.insert(var.name.clone(), self.vars.len());
        self.vars.push(Some(var));
        old.and_then(|at| self.vars.get_mut(at)?.take())
    }
}

/// A stack of block scopes inside one function or trigger body.
#[derive(Debug, Default)]
pub struct Scopes {
    frames: Vec<Frame>,
    /// Every variable declared so far, with the type the checker gave it (for hover);
    /// kept only when `record` is set.
    pub declared: Vec<(Span, Ty)>,
    /// Whether to keep `declared` (the language server wants it; `check_file` does not).
    pub record: bool,
}

impl Scopes {
    /// Opens a block scope.
    pub fn push(&mut self) {
        self.frames.push(Frame::default());
    }

    /// Closes the innermost scope and warns about its variables that were never read.
    pub fn pop(&mut self, diags: &mut Vec<Diagnostic>) {
        if let Some(frame) = self.frames.pop() {
            for var in frame.vars.into_iter().flatten() {
                report_unused(&var, diags);
            }
        }
    }

    /// Declares a variable in the innermost scope. Re-declaring a name in the same scope
    /// shadows it; the shadowed one is judged for use first.
    pub fn declare(&mut self, var: Var, diags: &mut Vec<Diagnostic>) {
        if self.frames.is_empty() {
            self.push();
        }
        if self.record {
            self.declared.push((var.span, var.ty.clone()));
        }
        if let Some(frame) = self.frames.last_mut()
            && let Some(old) = frame.insert(var)
        {
            report_unused(&old, diags);
        }
    }

    /// Declares a variable that must never be warned about (parameters, `input`, `catch`).
    pub fn declare_used(&mut self, name: &str, span: Span, ty: Ty, diags: &mut Vec<Diagnostic>) {
        let var = Var { name: name.to_string(), span, ty, annotated: true, used: true };
        self.declare(var, diags);
    }

    /// Declares an unknown name in the outermost scope, already used and typed `Any`, so it
    /// is reported once and causes no follow-on errors.
    pub fn declare_unknown(&mut self, name: &str, span: Span) {
        if self.frames.is_empty() {
            self.push();
        }
        if let Some(frame) = self.frames.first_mut() {
            // Only called when no scope knows the name, so nothing is shadowed here.
            frame.by_name.insert(name.to_string(), frame.vars.len());
            frame.vars.push(Some(Var {
                name: name.to_string(),
                span,
                ty: Ty::Any,
                annotated: false,
                used: true,
            }));
        }
    }

    /// Finds the innermost variable called `name`.
    pub fn lookup(&mut self, name: &str) -> Option<&mut Var> {
        self.frames.iter_mut().rev().find_map(|f| f.get_mut(name))
    }

    /// Every visible name, for did-you-mean.
    pub fn visible_names(&self) -> impl Iterator<Item = &str> {
        self.frames.iter().flat_map(|f| f.vars.iter().flatten().map(|v| v.name.as_str()))
    }
}

/// The unused-variable warning (or its `ExecResult` form) for a variable never read.
fn report_unused(var: &Var, diags: &mut Vec<Diagnostic>) {
    if var.used || var.name.starts_with('_') {
        return;
    }
    let is_result = matches!(var.ty.strip_optional(), Ty::Record("ExecResult"));
    let d = if is_result {
        Diagnostic::warning(
            codes::UNINSPECTED_RESULT,
            format!("the result bound to `{}` is never inspected", var.name),
        )
        .with_primary(var.span, "this ExecResult is never read")
        .with_note("a bound result does not fail the trigger when the command fails")
        .with_help(format!(
            "check `{0}.success` (or `{0}.exit_code`), or drop the `let` so that a failure fails the trigger",
            var.name
        ))
    } else {
        Diagnostic::warning(codes::UNUSED_VARIABLE, format!("unused variable `{}`", var.name))
            .with_primary(var.span, "never read")
            .with_help(format!("remove it, or name it `_{}` if that is intended", var.name))
    };
    diags.push(d);
}
