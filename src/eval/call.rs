//! Calls: binding arguments to parameters (user functions and builtins alike), user
//! function calls with bounded depth, and the lookup order of names.
//!
//! A name is, first found: a function of the agent, a top-level function of the file, a
//! builtin declared in the standard library.

use super::builtins::{self, Args};
use super::error::{self, Eval, Flow, error};
use super::{Interpreter, Scope, Value};
use crate::diag::Span;
use crate::diag::codes::{BAD_ARGUMENTS, CALL_DEPTH, TYPE_ERROR, UNKNOWN_NAME};
use crate::syntax::ast::{Arg, Expr, Function, Ident, Param, TypeExpr};

impl<'a> Interpreter<'a> {
    /// `callee(args)`.
    pub(super) fn call(
        &mut self,
        scope: &mut Scope,
        callee: &'a Ident,
        args: &'a [Arg],
        span: Span,
    ) -> Eval<Value> {
        let user = self.agent.functions.iter().find(|f| f.name.name == callee.name);
        let file = self.file;
        if let Some(f) = user.or_else(|| file.functions().find(|f| f.name.name == callee.name)) {
            let bound = self.bind(scope, &callee.name, &f.params, args, span)?;
            return self.call_user(f, bound, span);
        }
        if let Some(decl) = super::decls::function(&callee.name) {
            let bound = self.bind(scope, &callee.name, &decl.params, args, span)?;
            self.require_capabilities(&callee.name, &decl.requires, span)?;
            return builtins::call_function(self, &callee.name, bound, span);
        }
        let agent = self.agent;
        let known: Vec<&str> = agent
            .functions
            .iter()
            .chain(file.functions())
            .map(|f| f.name.name.as_str())
            .chain(super::decls::function_names().map(|n| -> &'a str { n }))
            .collect();
        let flow = error(UNKNOWN_NAME, callee.span, format!("no function `{}`", callee.name));
        Err(error::suggesting(flow, &callee.name, known))
    }

    /// `receiver.method(args)`: a standard-library method of the receiver's type.
    pub(super) fn method(
        &mut self,
        scope: &mut Scope,
        receiver: &'a Expr,
        method: &'a Ident,
        args: &'a [Arg],
        span: Span,
    ) -> Eval<Value> {
        let recv = self.eval(scope, receiver)?;
        let type_name = recv.type_name();
        let Some(decl) = super::decls::method(type_name, &method.name) else {
            return Err(error(
                TYPE_ERROR,
                method.span,
                format!("{type_name} has no method `{}`", method.name),
            ));
        };
        let bound = self.bind(scope, &method.name, &decl.params, args, span)?;
        builtins::call_method(self, type_name, &method.name, recv, bound, span)
    }

    /// Checks the agent declared every capability a builtin needs (the checker reports it
    /// first; this keeps a run honest even without the check).
    fn require_capabilities(
        &self,
        name: &str,
        requires: &[crate::syntax::ast::StrValue],
        span: Span,
    ) -> Eval<()> {
        for cap in requires {
            if !self.setup.policy.grants(&cap.value) {
                return Err(error::error_help(
                    crate::diag::codes::MISSING_CAPABILITY,
                    span,
                    format!(
                        "`{name}` needs the capability `{}`, which the agent does not declare",
                        cap.value
                    ),
                    format!("add \"{}\" to the agent's `security {{ capabilities: [...] }}`", cap.value),
                ));
            }
        }
        Ok(())
    }

    /// Matches `args` to `params`: positional first, then by name, then defaults.
    fn bind(
        &mut self,
        scope: &mut Scope,
        name: &str,
        params: &'a [Param],
        args: &'a [Arg],
        span: Span,
    ) -> Eval<Args> {
        let mut slots: Vec<Option<(Value, Span)>> = vec![None; params.len()];
        let mut positional = 0;
        for arg in args {
            let at = match &arg.name {
                None => {
                    let at = positional;
                    positional += 1;
                    if at >= params.len() {
                        return Err(error(
                            BAD_ARGUMENTS,
                            arg.span,
                            format!("`{name}` takes at most {} argument(s)", params.len()),
                        ));
                    }
                    at
                }
                Some(n) => match params.iter().position(|p| p.name.name == n.name) {
                    Some(at) => at,
                    None => {
                        let flow =
                            error(BAD_ARGUMENTS, n.span, format!("`{name}` has no parameter `{}`", n.name));
                        let params = params.iter().map(|p| p.name.name.as_str());
                        return Err(error::suggesting(flow, &n.name, params));
                    }
                },
            };
            if slots[at].is_some() {
                return Err(error(
                    BAD_ARGUMENTS,
                    arg.span,
                    format!("`{}` is given twice", params[at].name.name),
                ));
            }
            let v = self.eval(scope, &arg.value)?;
            slots[at] = Some((v, arg.value.span));
        }
        let mut values = Vec::with_capacity(params.len());
        let mut spans = Vec::with_capacity(params.len());
        for (param, slot) in params.iter().zip(slots) {
            let (v, at) = match (slot, &param.default) {
                (Some(given), _) => given,
                // Defaults are evaluated in a scope of their own: they are literals in practice.
                (None, Some(default)) => (self.eval(&mut Scope::new(), default)?, span),
                (None, None) => {
                    return Err(error(
                        BAD_ARGUMENTS,
                        span,
                        format!("`{name}` needs the argument `{}`", param.name.name),
                    ));
                }
            };
            check_type(&param.ty, &v, at, &format!("the argument `{}` of `{name}`", param.name.name))?;
            values.push(v);
            spans.push(at);
        }
        Ok(Args { values, spans, call: span })
    }

    fn call_user(&mut self, f: &'a Function, args: Args, span: Span) -> Eval<Value> {
        let max = self.setup.bounds.max_call_depth;
        if self.call_depth >= max {
            return Err(error::error_help(
                CALL_DEPTH,
                span,
                format!("calls are nested more than {max} deep"),
                "check the recursion's base case, or raise `runtime.max_call_depth` in the configuration",
            ));
        }
        let mut scope = Scope::new();
        for (param, value) in f.params.iter().zip(args.values) {
            scope.define(&param.name.name, value);
        }
        self.call_depth += 1;
        let outcome = self.exec_block(&mut scope, &f.body);
        self.call_depth -= 1;
        match outcome {
            Ok(()) => Ok(Value::Null),
            Err(Flow::Return(v)) => Ok(v),
            Err(other) => Err(other),
        }
    }
}

/// Checks a value against a written type; unknown type names and `Any` accept anything
/// (the checker reports unknown names).
pub(super) fn check_type(ty: &TypeExpr, v: &Value, span: Span, what: &str) -> Eval<()> {
    if matches_type(ty, v) {
        Ok(())
    } else {
        let nullable = if ty.nullable { "?" } else { "" };
        Err(error::type_error(span, what, &format!("{}{nullable}", ty.name.name), v.type_name()))
    }
}

fn matches_type(ty: &TypeExpr, v: &Value) -> bool {
    if matches!(v, Value::Null) {
        return ty.nullable || matches!(ty.name.name.as_str(), "Null" | "Any");
    }
    let item_ok = |item: &Value| ty.args.first().is_none_or(|t| matches_type(t, item));
    match (ty.name.name.as_str(), v) {
        ("Any", _) => true,
        ("String", Value::Str(_)) | ("Bool", Value::Bool(_)) | ("Int", Value::Int(_)) => true,
        ("Float", Value::Float(_) | Value::Int(_)) | ("Duration", Value::Duration(_)) => true,
        ("ExecResult", Value::Exec(_)) => true,
        ("List", Value::List(items)) => items.iter().all(item_ok),
        ("Map", Value::Map(map)) => map.values().all(item_ok),
        ("String" | "Bool" | "Int" | "Float" | "Duration" | "ExecResult" | "List" | "Map" | "Null", _) => {
            false
        }
        _ => true,
    }
}
