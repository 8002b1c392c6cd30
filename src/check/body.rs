//! Walking function and trigger bodies: statements, scopes and control flow.
//!
//! Expressions are in `exprs.rs`; both halves share the [`Walker`].

use super::calls::Signature;
use super::names::{Scopes, Var};
use super::security::AgentFacts;
use super::types::Ty;
use crate::diag::codes;
use crate::diag::{Diagnostic, Span};
use crate::syntax::ast::{AssignOp, Block, ExprKind, Stmt, StmtKind};
use std::collections::{HashMap, HashSet};

/// The functions a body can call by name, innermost first.
pub struct FnScope<'a> {
    /// The agent's own functions (empty outside an agent).
    pub agent: &'a HashMap<String, Signature>,
    /// The file's top-level functions.
    pub file: &'a HashMap<String, Signature>,
}

/// A capability a top-level function needs because of a builtin it calls.
#[derive(Clone, Debug)]
pub struct Need {
    /// The capability.
    pub capability: String,
    /// The builtin that needs it.
    pub builtin: String,
    /// The builtin's call.
    pub span: Span,
}

/// The state of checking one body.
pub struct Walker<'a> {
    /// Callable functions.
    pub fns: FnScope<'a>,
    /// The agent whose body this is (`None` in a top-level function).
    pub facts: Option<&'a AgentFacts<'a>>,
    /// Capabilities each top-level function needs, transitively.
    pub file_needs: &'a HashMap<String, Vec<Need>>,
    /// Visible variables.
    pub scopes: Scopes,
    /// The declared return type of the function being checked.
    pub ret: Option<Ty>,
    /// What was found.
    pub diags: Vec<Diagnostic>,
    /// Capabilities needed by builtin calls here (collected in top-level functions).
    pub needs: Vec<Need>,
    /// Top-level functions called here.
    pub called: Vec<String>,
    /// Unknown function names already reported in this body.
    pub reported: HashSet<String>,
}

impl<'a> Walker<'a> {
    /// A walker for one body.
    pub fn new(
        fns: FnScope<'a>,
        facts: Option<&'a AgentFacts<'a>>,
        file_needs: &'a HashMap<String, Vec<Need>>,
    ) -> Self {
        Walker {
            fns,
            facts,
            file_needs,
            scopes: Scopes::default(),
            ret: None,
            diags: Vec::new(),
            needs: Vec::new(),
            called: Vec::new(),
            reported: HashSet::new(),
        }
    }

    /// Checks a block in its own scope; returns true when it always ends the function.
    pub fn block(&mut self, block: &Block) -> bool {
        self.scopes.push();
        let diverges = self.stmts(&block.stmts);
        self.scopes.pop(&mut self.diags);
        diverges
    }

    /// Checks statements in the current scope; returns true when they always end the function.
    pub fn stmts(&mut self, stmts: &[Stmt]) -> bool {
        let mut diverged: Option<Span> = None;
        let mut warned = false;
        for stmt in stmts {
            if let (Some(at), false) = (diverged, warned) {
                warned = true;
                let last = stmts.last().map_or(stmt.span, |s| s.span);
                self.diags.push(
                    Diagnostic::warning(codes::UNREACHABLE_CODE, "unreachable code")
                        .with_primary(stmt.span.to(last), "this never runs")
                        .with_secondary(at, "because this always ends the function or trigger")
                        .with_help("remove the unreachable statements, or move them before the return"),
                );
            }
            if self.stmt(stmt) && diverged.is_none() {
                diverged = Some(stmt.span);
            }
        }
        diverged.is_some()
    }

    /// Checks one statement; returns true when it always ends the function.
    fn stmt(&mut self, stmt: &Stmt) -> bool {
        match &stmt.kind {
            StmtKind::Let { name, ty, value } => {
                let inferred = self.expr(value);
                let (var_ty, annotated) = match ty {
                    Some(te) => {
                        let (declared, problem) = Ty::from_expr(te);
                        self.diags.extend(problem);
                        if !inferred.fits(&declared) {
                            self.diags.push(
                                Diagnostic::error(
                                    codes::MISMATCHED_TYPES,
                                    format!(
                                        "`{}` is declared {declared} but the value is {inferred}",
                                        name.name
                                    ),
                                )
                                .with_primary(value.span, format!("this is {inferred}"))
                                .with_secondary(te.span, "the declared type")
                                .with_help(super::calls::conversion_hint(&inferred, &declared)),
                            );
                        }
                        (declared, true)
                    }
                    None => (inferred, false),
                };
                let var =
                    Var { name: name.name.clone(), span: name.span, ty: var_ty, annotated, used: false };
                self.scopes.declare(var, &mut self.diags);
                false
            }
            StmtKind::Assign { target, op, value } => {
                let value_ty = self.expr(value);
                self.assign(target, *op, &value_ty, target.span.to(value.span));
                false
            }
            StmtKind::If { branches, otherwise } => {
                let mut all = true;
                for (cond, block) in branches {
                    let t = self.expr(cond);
                    self.condition(&t, cond.span, "if");
                    all &= self.block(block);
                }
                match otherwise {
                    Some(block) => self.block(block) && all,
                    None => false,
                }
            }
            StmtKind::For { key, item, iter, body } => {
                let iter_ty = self.expr(iter);
                let (key_ty, item_ty) = self.iteration(&iter_ty, iter.span, key.is_some());
                self.scopes.push();
                if let Some(k) = key {
                    let var =
                        Var { name: k.name.clone(), span: k.span, ty: key_ty, annotated: false, used: false };
                    self.scopes.declare(var, &mut self.diags);
                }
                let var = Var {
                    name: item.name.clone(),
                    span: item.span,
                    ty: item_ty,
                    annotated: false,
                    used: false,
                };
                self.scopes.declare(var, &mut self.diags);
                self.stmts(&body.stmts);
                self.scopes.pop(&mut self.diags);
                false
            }
            StmtKind::While { cond, body } => {
                let t = self.expr(cond);
                self.condition(&t, cond.span, "while");
                self.block(body);
                false
            }
            StmtKind::Return(value) => {
                if let Some(v) = value {
                    let t = self.expr(v);
                    if let Some(ret) = &self.ret
                        && !t.fits(ret)
                    {
                        self.diags.push(
                            Diagnostic::error(
                                codes::RETURN_TYPE,
                                format!("the function returns {ret}, not {t}"),
                            )
                            .with_primary(v.span, format!("this is {t}"))
                            .with_help(super::calls::conversion_hint(&t, ret)),
                        );
                    }
                }
                true
            }
            StmtKind::Try { body, err, handler } => {
                let body_ends = self.block(body);
                self.scopes.push();
                self.scopes.declare_used(&err.name, err.span, Ty::any_map(), &mut self.diags);
                let handler_ends = self.stmts(&handler.stmts);
                self.scopes.pop(&mut self.diags);
                body_ends && handler_ends
            }
            StmtKind::Expr(e) => {
                self.expr(e);
                self.is_fail_call(&e.kind)
            }
        }
    }

    /// A call of the builtin `fail` (not a user function of that name).
    fn is_fail_call(&self, kind: &ExprKind) -> bool {
        matches!(kind, ExprKind::Call { callee, .. }
            if callee.name == "fail"
                && !self.fns.agent.contains_key("fail")
                && !self.fns.file.contains_key("fail"))
    }

    fn assign(&mut self, target: &crate::syntax::ast::Expr, op: AssignOp, value_ty: &Ty, stmt: Span) {
        let ExprKind::Var(id) = &target.kind else {
            // A field or index target reads its base value.
            self.expr(target);
            return;
        };
        let Some(var) = self.scopes.lookup(&id.name) else {
            self.unknown_variable(id);
            return;
        };
        if op == AssignOp::Add {
            var.used = true;
        }
        let (var_ty, annotated) = (var.ty.clone(), var.annotated);
        if op == AssignOp::Add {
            if super::ops::binary(crate::syntax::ast::BinaryOp::Add, &var_ty, value_ty).is_none() {
                self.diags.push(
                    Diagnostic::error(codes::OPERATOR_TYPES, format!("cannot add {value_ty} to {var_ty}"))
                        .with_primary(stmt, "`+=` on these types")
                        .with_help("`+` adds numbers and durations, and concatenates strings and lists"),
                );
            }
        } else if annotated && !value_ty.fits(&var_ty) {
            self.diags.push(
                Diagnostic::error(
                    codes::MISMATCHED_TYPES,
                    format!("`{}` is declared {var_ty}, not {value_ty}", id.name),
                )
                .with_primary(target.span, format!("assigned {value_ty}"))
                .with_help(super::calls::conversion_hint(value_ty, &var_ty)),
            );
        }
    }

    fn condition(&mut self, t: &Ty, span: Span, what: &str) {
        if !t.fits(&Ty::Bool) {
            self.diags.push(
                Diagnostic::error(
                    codes::CONDITION_NOT_BOOL,
                    format!("the condition of `{what}` is {t}, not Bool"),
                )
                .with_primary(span, format!("this is {t}"))
                .with_help("compare it explicitly, e.g. `x != \"\"`, `len(xs) > 0` or `r.success`"),
            );
        }
    }

    /// The key and item types of `for` over a value of type `t` (as the interpreter
    /// iterates: list items, map keys, string characters; `for k, v` over maps only).
    fn iteration(&mut self, t: &Ty, span: Span, two_names: bool) -> (Ty, Ty) {
        match (t.strip_optional(), two_names) {
            (Ty::Any, _) => (Ty::Any, Ty::Any),
            (Ty::List(item), false) => (Ty::Any, (**item).clone()),
            (Ty::Map(value), true) => (Ty::Str, (**value).clone()),
            (Ty::Map(_), false) | (Ty::Str, false) => (Ty::Any, Ty::Str),
            (other, two) => {
                let (message, help) = if two {
                    (
                        format!("`for key, value` needs a Map, not {other}"),
                        "iterate a list or string with one name: `for item in xs`",
                    )
                } else {
                    (
                        format!("a value of type {other} cannot be iterated"),
                        "`for` iterates over lists, maps and strings; `range(0, n)` counts",
                    )
                };
                self.diags.push(
                    Diagnostic::error(codes::NOT_ITERABLE, message)
                        .with_primary(span, format!("this is {other}"))
                        .with_help(help),
                );
                (Ty::Any, Ty::Any)
            }
        }
    }
}
