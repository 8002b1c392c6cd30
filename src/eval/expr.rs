//! Expressions.

use super::error::{self, Eval, error, suggesting};
use super::{Interpreter, Scope, Value, budget, ops};
use crate::diag::Span;
use crate::diag::codes::{INDEX_OUT_OF_RANGE, MISSING_KEY, TYPE_ERROR, UNKNOWN_NAME};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, StrPart};
use std::collections::BTreeMap;

impl<'a> Interpreter<'a> {
    /// Evaluates `expr` in `scope`.
    pub(super) fn eval(&mut self, scope: &mut Scope, expr: &'a Expr) -> Eval<Value> {
        self.check_resources(expr.span)?;
        let v = self.eval_kind(scope, expr)?;
        budget::check_shallow(&v, expr.span)?;
        Ok(v)
    }

    fn eval_kind(&mut self, scope: &mut Scope, expr: &'a Expr) -> Eval<Value> {
        match &expr.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Duration(ms) => Ok(Value::Duration(*ms)),
            ExprKind::Str(parts) => self.interpolate(scope, parts),
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let v = self.eval(scope, item)?;
                    budget::check_nesting(&v, 1, item.span)?;
                    out.push(v);
                }
                Ok(Value::List(out))
            }
            ExprKind::Map(entries) => {
                let mut out = BTreeMap::new();
                for (key, value) in entries {
                    let v = self.eval(scope, value)?;
                    budget::check_nesting(&v, 1, value.span)?;
                    out.insert(key.name.clone(), v);
                }
                Ok(Value::Map(out))
            }
            ExprKind::Var(ident) => match scope.get(&ident.name) {
                Some(v) => Ok(v.clone()),
                None => {
                    let d = error::error(UNKNOWN_NAME, ident.span, format!("no variable `{}`", ident.name));
                    Err(suggesting(d, &ident.name, scope.names()))
                }
            },
            ExprKind::Unary { op, operand } => {
                let v = self.eval(scope, operand)?;
                ops::unary(*op, v, expr.span)
            }
            ExprKind::Binary { op: op @ (BinaryOp::And | BinaryOp::Or), lhs, rhs } => {
                let l = self.condition(scope, lhs, "the left side of a logical operator")?;
                // Short-circuit: `&&` stops at false, `||` at true.
                if l == (*op == BinaryOp::Or) {
                    return Ok(Value::Bool(l));
                }
                Ok(Value::Bool(self.condition(scope, rhs, "the right side of a logical operator")?))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.eval(scope, lhs)?;
                let r = self.eval(scope, rhs)?;
                ops::binary(*op, l, r, expr.span)
            }
            ExprKind::Call { callee, args } => self.call(scope, callee, args, expr.span),
            ExprKind::Method { receiver, method, args } => {
                self.method(scope, receiver, method, args, expr.span)
            }
            ExprKind::Field { target, field } => {
                let t = self.eval(scope, target)?;
                field_of(t, &field.name, field.span)
            }
            ExprKind::Index { target, index } => {
                let t = self.eval(scope, target)?;
                let i = self.eval(scope, index)?;
                index_of(t, i, index.span)
            }
        }
    }

    /// Evaluates a condition, which must be a Bool.
    pub(super) fn condition(&mut self, scope: &mut Scope, expr: &'a Expr, what: &str) -> Eval<bool> {
        match self.eval(scope, expr)? {
            Value::Bool(b) => Ok(b),
            other => Err(error::type_error(expr.span, what, "a Bool", other.type_name())),
        }
    }

    fn interpolate(&mut self, scope: &mut Scope, parts: &'a [StrPart]) -> Eval<Value> {
        let mut out = String::new();
        for part in parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interp(e) => {
                    let v = self.eval(scope, e)?;
                    let room = budget::MAX_STRING_BYTES.saturating_sub(out.len());
                    out.push_str(&budget::render_within(&v, room, e.span)?);
                }
            }
        }
        Ok(Value::Str(out))
    }
}

/// `target.field`: a map key or a record field.
pub(super) fn field_of(target: Value, field: &str, span: Span) -> Eval<Value> {
    match target {
        Value::Map(mut map) => match map.remove(field) {
            Some(v) => Ok(v),
            None => Err(missing_key(field, map.keys().map(String::as_str), span)),
        },
        Value::Exec(result) => match Value::exec_field(&result, field) {
            Some(v) => Ok(v),
            None => Err(missing_key(field, Value::exec_field_names(), span)),
        },
        other => Err(error(TYPE_ERROR, span, format!("{} has no field `{field}`", other.type_name()))),
    }
}

fn missing_key<'k>(key: &str, keys: impl IntoIterator<Item = &'k str>, span: Span) -> super::Flow {
    suggesting(error(MISSING_KEY, span, format!("no key `{key}`")), key, keys)
}

/// A list or string position from an Int index, or the error for it.
pub(super) fn position(index: &Value, len: usize, span: Span) -> Eval<usize> {
    match index {
        Value::Int(i) => usize::try_from(*i).ok().filter(|i| *i < len).ok_or_else(|| {
            error(INDEX_OUT_OF_RANGE, span, format!("index {i} is out of range for length {len}"))
        }),
        other => Err(error::type_error(span, "an index", "an Int", other.type_name())),
    }
}

/// `target[index]`.
pub(super) fn index_of(target: Value, index: Value, span: Span) -> Eval<Value> {
    match (target, index) {
        (Value::List(mut items), i) => {
            let at = position(&i, items.len(), span)?;
            Ok(items.swap_remove(at))
        }
        (Value::Str(s), i) => {
            let at = position(&i, s.chars().count(), span)?;
            Ok(Value::Str(s.chars().nth(at).map(String::from).unwrap_or_default()))
        }
        (Value::Map(map), Value::Str(key)) => field_of(Value::Map(map), &key, span),
        (Value::Exec(r), Value::Str(key)) => field_of(Value::Exec(r), &key, span),
        (Value::Map(_), other) => Err(error::type_error(span, "a map key", "a String", other.type_name())),
        (other, _) => Err(error(TYPE_ERROR, span, format!("{} cannot be indexed", other.type_name()))),
    }
}
