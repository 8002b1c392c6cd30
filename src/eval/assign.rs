//! Assignment to a variable, a map field or a list/map index (`a.b[0] = x`, `n += 1`).

use super::error::{self, Eval, error};
use super::expr::position;
use super::{Interpreter, Scope, Value, ops};
use crate::diag::Span;
use crate::diag::codes::{MISSING_KEY, TYPE_ERROR, UNKNOWN_NAME};
use crate::syntax::ast::{AssignOp, BinaryOp, Expr, ExprKind};

/// One step from a variable to the place assigned.
enum Step {
    Field(String, Span),
    Index(Value, Span),
}

impl<'a> Interpreter<'a> {
    /// Assigns `value` to `target` (`=`) or adds it (`+=`).
    pub(super) fn assign(
        &mut self,
        scope: &mut Scope,
        target: &'a Expr,
        op: AssignOp,
        value: Value,
        span: Span,
    ) -> Eval<()> {
        // Walk from the target down to its variable, evaluating indexes first (they may read
        // the scope), then take the one mutable borrow.
        let mut steps = Vec::new();
        let mut at = target;
        let root = loop {
            match &at.kind {
                ExprKind::Var(ident) => break ident,
                ExprKind::Field { target, field } => {
                    steps.push(Step::Field(field.name.clone(), field.span));
                    at = target;
                }
                ExprKind::Index { target, index } => {
                    let i = self.eval(scope, index)?;
                    steps.push(Step::Index(i, index.span));
                    at = target;
                }
                _ => {
                    return Err(error(
                        TYPE_ERROR,
                        target.span,
                        "only a variable, field or index can be assigned to",
                    ));
                }
            }
        };
        steps.reverse();
        // The value lands `steps` levels down inside the variable.
        super::budget::check_nesting(&value, steps.len(), span)?;
        let Some(mut place) = scope.get_mut(&root.name) else {
            return Err(error(
                UNKNOWN_NAME,
                root.span,
                format!("no variable `{}` (declare it with `let`)", root.name),
            ));
        };
        let last = steps.len();
        for (n, step) in steps.into_iter().enumerate() {
            let creating = n + 1 == last && op == AssignOp::Set;
            place = match (place, step) {
                (Value::Map(map), Step::Field(key, span))
                | (Value::Map(map), Step::Index(Value::Str(key), span)) => {
                    if creating {
                        map.entry(key).or_insert(Value::Null)
                    } else {
                        match map.get_mut(&key) {
                            Some(v) => v,
                            None => return Err(error(MISSING_KEY, span, format!("no key `{key}`"))),
                        }
                    }
                }
                (Value::List(items), Step::Index(i, span)) => {
                    let at = position(&i, items.len(), span)?;
                    &mut items[at]
                }
                (Value::Map(_), Step::Index(other, span)) => {
                    return Err(error::type_error(span, "a map key", "a String", other.type_name()));
                }
                (other, Step::Field(_, span) | Step::Index(_, span)) => {
                    return Err(error(
                        TYPE_ERROR,
                        span,
                        format!("{} cannot be assigned into", other.type_name()),
                    ));
                }
            };
        }
        match op {
            AssignOp::Set => *place = value,
            // Strings and lists grow in place: no copy of what is already there.
            AssignOp::Add => match (&mut *place, value) {
                (Value::Str(a), Value::Str(b)) => {
                    super::budget::check_string_len(a.len() + b.len(), span)?;
                    a.push_str(&b);
                }
                (Value::List(a), Value::List(b)) => {
                    super::budget::check_items(a.len() + b.len(), span)?;
                    a.extend(b);
                }
                (_, value) => {
                    // Scalars: cheap to keep for the error case, where the place stays as it was.
                    let current = std::mem::replace(place, Value::Null);
                    match ops::binary(BinaryOp::Add, current.clone(), value, span) {
                        Ok(sum) => *place = sum,
                        Err(e) => {
                            *place = current;
                            return Err(e);
                        }
                    }
                }
            },
        }
        Ok(())
    }
}
