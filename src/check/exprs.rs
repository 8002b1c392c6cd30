//! Expressions: names, operators, fields, indexing and calls, with their inferred types.

use super::body::{Need, Walker};
use super::calls::{self, CallName, Signature};
use super::ops;
use super::types::Ty;
use crate::diag::codes;
use crate::diag::suggest::did_you_mean;
use crate::diag::{Diagnostic, Label, Span};
use crate::stdlib::Builtin;
use crate::syntax::ast::{Arg, Expr, ExprKind, Ident, StrPart};

impl<'a> Walker<'a> {
    /// Checks an expression and returns what is known of its type.
    pub fn expr(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Null => Ty::Null,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Int(_) => Ty::Int,
            ExprKind::Float(_) => Ty::Float,
            ExprKind::Duration(_) => Ty::Duration,
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interp(x) = part {
                        self.expr(x);
                    }
                }
                Ty::Str
            }
            ExprKind::List(items) => {
                let item = self.join_all(items.iter());
                Ty::List(Box::new(item))
            }
            ExprKind::Map(entries) => {
                let value = self.join_all(entries.iter().map(|(_, v)| v));
                Ty::Map(Box::new(value))
            }
            ExprKind::Var(id) => self.read_var(id),
            ExprKind::Unary { op, operand } => {
                let t = self.expr(operand);
                ops::unary(*op, &t).unwrap_or_else(|| {
                    let sym = ops::unary_symbol(*op);
                    self.diags.push(
                        Diagnostic::error(codes::OPERATOR_TYPES, format!("`{sym}` cannot be applied to {t}"))
                            .with_primary(e.span, format!("`{sym}` on {t}"))
                            .with_help("`!` takes a Bool; `-` takes an Int or a Float"),
                    );
                    Ty::Any
                })
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = (self.expr(lhs), self.expr(rhs));
                ops::binary(*op, &l, &r).unwrap_or_else(|| {
                    let sym = op.symbol();
                    self.diags.push(
                        Diagnostic::error(
                            codes::OPERATOR_TYPES,
                            format!("`{sym}` cannot be applied to {l} and {r}"),
                        )
                        .with_primary(e.span, format!("{l} {sym} {r}"))
                        .with_help(operator_help(&l, &r)),
                    );
                    Ty::Any
                })
            }
            ExprKind::Call { callee, args } => self.call(e.span, callee, args),
            ExprKind::Method { receiver, method, args } => self.method(e.span, receiver, method, args),
            ExprKind::Field { target, field } => self.field(target, field),
            ExprKind::Index { target, index } => {
                let t = self.expr(target);
                self.expr(index);
                match t.strip_optional() {
                    Ty::Any => Ty::Any,
                    Ty::List(item) | Ty::Map(item) => (**item).clone(),
                    Ty::Str => Ty::Str,
                    other => {
                        self.diags.push(
                            Diagnostic::error(
                                codes::NOT_ITERABLE,
                                format!("a value of type {other} cannot be indexed"),
                            )
                            .with_primary(target.span, format!("this is {other}"))
                            .with_help("`[...]` indexes lists, maps and strings"),
                        );
                        Ty::Any
                    }
                }
            }
        }
    }

    fn join_all<'e>(&mut self, items: impl Iterator<Item = &'e Expr>) -> Ty {
        let mut acc: Option<Ty> = None;
        for item in items {
            let t = self.expr(item);
            acc = Some(match acc {
                None => t,
                Some(prev) => prev.join(&t),
            });
        }
        acc.unwrap_or(Ty::Any)
    }

    fn read_var(&mut self, id: &Ident) -> Ty {
        match self.scopes.lookup(&id.name) {
            Some(var) => {
                var.used = true;
                var.ty.clone()
            }
            None => {
                self.unknown_variable(id);
                Ty::Any
            }
        }
    }

    /// Reports a name that is not in scope, once; afterwards it is a known `Any`.
    pub fn unknown_variable(&mut self, id: &Ident) {
        let suggestion = did_you_mean(&id.name, self.scopes.visible_names()).map(str::to_string);
        let mut d = Diagnostic::error(codes::UNKNOWN_VARIABLE, format!("unknown variable `{}`", id.name))
            .with_primary(id.span, "not found in this scope");
        if let Some(h) = suggestion.as_deref() {
            d = d.with_did_you_mean(h);
        } else if self.lookup_fn(&id.name).is_some() {
            d = d.with_help(format!("`{0}` is a function: call it with `{0}(...)`", id.name));
        } else {
            d = d.with_help(format!("declare it first with `let {} = ...`", id.name));
        }
        self.diags.push(d);
        self.scopes.declare_unknown(&id.name, id.span);
    }

    /// A callable by name: agent functions, then top-level ones, then builtins.
    fn lookup_fn(&self, name: &str) -> Option<Callee<'a>> {
        let (agent, file) = (self.fns.agent, self.fns.file);
        if let Some(sig) = agent.get(name) {
            return Some(Callee::Agent(sig));
        }
        if let Some(sig) = file.get(name) {
            return Some(Callee::File(sig));
        }
        calls::builtin_function(name).map(|(sig, b)| Callee::Builtin(sig, b))
    }

    fn arg_types(&mut self, args: &[Arg]) -> Vec<Ty> {
        args.iter().map(|a| self.expr(&a.value)).collect()
    }

    /// Binds and type-checks arguments; returns the argument index bound to each parameter.
    fn check_args(
        &mut self,
        sig: &Signature,
        args: &[Arg],
        tys: &[Ty],
        call: Span,
        what: &CallName<'_>,
    ) -> Vec<Option<usize>> {
        let bound = calls::bind(sig, args, call, what, &mut self.diags);
        for (param, slot) in sig.params.iter().zip(&bound) {
            if let Some(i) = *slot
                && let (Some(arg), Some(t)) = (args.get(i), tys.get(i))
            {
                calls::check_arg_type(param, arg, t, what, &mut self.diags);
            }
        }
        bound
    }

    fn call(&mut self, span: Span, callee: &Ident, args: &[Arg]) -> Ty {
        let tys = self.arg_types(args);
        let name = callee.name.as_str();
        match self.lookup_fn(name) {
            Some(Callee::Agent(sig)) => {
                self.check_args(sig, args, &tys, span, &CallName::Function(name));
                sig.ret.clone()
            }
            Some(Callee::File(sig)) => {
                self.check_args(sig, args, &tys, span, &CallName::Function(name));
                self.called.push(name.to_string());
                self.top_level_needs(name, callee.span);
                sig.ret.clone()
            }
            Some(Callee::Builtin(sig, builtin)) => {
                let bound = self.check_args(sig, args, &tys, span, &CallName::Builtin(name));
                self.builtin_rules(builtin, callee, args, &bound);
                sig.ret.clone()
            }
            None => {
                if self.reported.insert(name.to_string()) {
                    let candidates: Vec<&str> = self
                        .fns
                        .agent
                        .keys()
                        .chain(self.fns.file.keys())
                        .map(String::as_str)
                        .chain(calls::builtin_function_names().map(|n| -> &str { n }))
                        .collect();
                    let mut d =
                        Diagnostic::error(codes::UNKNOWN_FUNCTION, format!("unknown function `{name}`"))
                            .with_primary(callee.span, "no function of this name");
                    d = match did_you_mean(name, candidates) {
                        Some(h) => d.with_did_you_mean(h),
                        None => {
                            d.with_help("define it with `fn` in this agent or at the top level of the file")
                        }
                    };
                    self.diags.push(d);
                }
                Ty::Any
            }
        }
    }

    /// Capability, allowlist and `emit` rules of builtin calls.
    fn builtin_rules(&mut self, builtin: &Builtin, callee: &Ident, args: &[Arg], bound: &[Option<usize>]) {
        let literal =
            |param: usize| bound.get(param).copied().flatten().and_then(|i| args.get(i)).map(|a| &a.value);
        for req in &builtin.decl.requires {
            match self.facts {
                Some(facts) => {
                    if let Some(d) =
                        facts.missing_capability(&req.value, builtin, req.span, callee.span, None)
                    {
                        self.diags.push(d);
                    }
                }
                None => self.needs.push(Need {
                    capability: req.value.clone(),
                    builtin: builtin.name().to_string(),
                    span: callee.span,
                }),
            }
        }
        let Some(facts) = self.facts else { return };
        match builtin.name() {
            "execute_native" => {
                if let Some(arg) = literal(0)
                    && let Some(text) = arg.as_plain_str()
                {
                    self.diags.extend(facts.check_command(&text, arg.span));
                }
                if let Some(Expr { kind: ExprKind::Map(entries), .. }) = literal(1) {
                    self.diags.extend(facts.check_env(entries));
                }
            }
            "execute_code" => {
                if let Some(arg) = literal(1)
                    && let Some(text) = arg.as_plain_str()
                {
                    self.diags.extend(facts.check_executable(&text, arg.span));
                }
                if let Some(Expr { kind: ExprKind::Map(entries), .. }) = literal(2) {
                    self.diags.extend(facts.check_env(entries));
                }
            }
            "emit" => {
                if let Some(arg) = literal(0)
                    && let Some(text) = arg.as_plain_str()
                {
                    self.diags.extend(facts.check_emit(&text, arg.span));
                }
            }
            _ => {}
        }
    }

    /// Capabilities a top-level function needs, reported at its call in an agent.
    fn top_level_needs(&mut self, name: &str, call: Span) {
        let (Some(facts), Some(needs)) = (self.facts, self.file_needs.get(name)) else { return };
        for need in needs {
            let Some((_, builtin)) = calls::builtin_function(&need.builtin) else { continue };
            let via = Some((name, need.span));
            if let Some(d) = facts.missing_capability(&need.capability, builtin, Span::default(), call, via) {
                self.diags.push(d);
            }
        }
    }

    fn method(&mut self, span: Span, receiver: &Expr, method: &Ident, args: &[Arg]) -> Ty {
        let recv_ty = self.expr(receiver);
        let tys = self.arg_types(args);
        if recv_ty.is_any() {
            return Ty::Any;
        }
        let Some(recv) = recv_ty.receiver_name() else {
            self.diags.push(
                Diagnostic::error(codes::UNKNOWN_METHOD, format!("{recv_ty} has no methods"))
                    .with_primary(method.span, format!("`{}` called on {recv_ty}", method.name))
                    .with_help("methods exist on String, List and Map; builtins such as `to_string(x)` take other values"),
            );
            return Ty::Any;
        };
        match calls::builtin_method(recv, &method.name) {
            Some((sig, _)) => {
                self.check_args(sig, args, &tys, span, &CallName::Method(recv, &method.name));
                match (&sig.ret, recv_ty.strip_optional(), method.name.as_str()) {
                    (Ty::Any, Ty::List(item), "get" | "first" | "last") => (**item).clone(),
                    (Ty::Any, Ty::Map(value), "get") => (**value).clone(),
                    (ret, _, _) => ret.clone(),
                }
            }
            None => {
                let names = crate::stdlib::stdlib().method_names(recv);
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_METHOD,
                    format!("{recv} has no method `{}`", method.name),
                )
                .with_primary(method.span, "unknown method");
                let is_field = crate::stdlib::stdlib()
                    .record(recv)
                    .is_some_and(|r| r.fields.iter().any(|f| f.name.name == method.name));
                if is_field {
                    d = d.with_help(format!(
                        "`{0}` is a field: write `.{0}` without parentheses",
                        method.name
                    ));
                } else if let Some(h) = did_you_mean(&method.name, names.iter().copied()) {
                    d = d.with_did_you_mean(h);
                } else if !names.is_empty() {
                    d = d.with_note(format!("methods of {recv}: {}", names.join(", ")));
                }
                self.diags.push(d);
                Ty::Any
            }
        }
    }

    fn field(&mut self, target: &Expr, field: &Ident) -> Ty {
        let t = self.expr(target);
        match t.strip_optional() {
            Ty::Any => Ty::Any,
            Ty::Map(value) => (**value).clone(),
            Ty::Record(name) => {
                let lib = crate::stdlib::stdlib();
                let Some(rec) = lib.record_with_source(name) else { return Ty::Any };
                if let Some(f) = rec.decl.fields.iter().find(|f| f.name.name == field.name) {
                    return Ty::from_expr(&f.ty).0;
                }
                let names = rec.decl.fields.iter().map(|f| f.name.name.as_str());
                let mut d =
                    Diagnostic::error(codes::UNKNOWN_FIELD, format!("{name} has no field `{}`", field.name))
                        .with_primary(field.span, "unknown field")
                        .with_secondary_label(Label::in_source(
                            rec.source,
                            rec.decl.name.span,
                            format!("{name} is declared here"),
                        ));
                d = match did_you_mean(&field.name, names) {
                    Some(h) => d.with_did_you_mean(h),
                    None => d.with_note(format!(
                        "fields of {name}: {}",
                        rec.decl.fields.iter().map(|f| f.name.name.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                };
                self.diags.push(d);
                Ty::Any
            }
            other => {
                let mut d = Diagnostic::error(codes::UNKNOWN_FIELD, format!("{other} has no fields"))
                    .with_primary(field.span, format!("`.{}` on {other}", field.name));
                let is_method =
                    other.receiver_name().is_some_and(|r| calls::builtin_method(r, &field.name).is_some());
                if is_method {
                    d = d.with_help(format!("`{0}` is a method: call it with `.{0}()`", field.name));
                }
                self.diags.push(d);
                Ty::Any
            }
        }
    }
}

/// A resolved callee, borrowed from the walker's tables.
enum Callee<'s> {
    Agent(&'s Signature),
    File(&'s Signature),
    Builtin(&'static Signature, &'static Builtin),
}

fn operator_help(l: &Ty, r: &Ty) -> String {
    match (l.strip_optional(), r.strip_optional()) {
        (Ty::Str, _) | (_, Ty::Str) => {
            "convert with `to_string(...)` first, or use interpolation: \"${x}\"".into()
        }
        _ => "`+ - * / %` take numbers (`+` also joins strings and lists); `&& ||` take Bools".into(),
    }
}
