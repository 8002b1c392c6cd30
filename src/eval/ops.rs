//! Operators on values. `&&` and `||` short-circuit, so they live in `expr.rs`; the rest
//! are here. Ints overflow into an error (never wrap); mixing Int and Float gives Float.

use super::Value;
use super::error::{Eval, error};
use crate::diag::Span;
use crate::diag::codes::{DIVISION_BY_ZERO, OVERFLOW, TYPE_ERROR};
use crate::syntax::ast::{BinaryOp, UnaryOp};
use std::cmp::Ordering;

/// `op operand`.
pub fn unary(op: UnaryOp, v: Value, span: Span) -> Eval<Value> {
    match (op, v) {
        (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
        (UnaryOp::Neg, Value::Int(i)) => {
            i.checked_neg().map(Value::Int).ok_or_else(|| error(OVERFLOW, span, "integer overflow in `-`"))
        }
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Not, v) => Err(error(TYPE_ERROR, span, format!("`!` needs a Bool, not {}", v.type_name()))),
        (UnaryOp::Neg, v) => {
            Err(error(TYPE_ERROR, span, format!("`-` needs a number, not {}", v.type_name())))
        }
    }
}

/// `lhs op rhs` for every operator but `&&` and `||`.
pub fn binary(op: BinaryOp, lhs: Value, rhs: Value, span: Span) -> Eval<Value> {
    use BinaryOp::*;
    match op {
        Eq => Ok(Value::Bool(lhs.equals(&rhs))),
        Ne => Ok(Value::Bool(!lhs.equals(&rhs))),
        Lt | Le | Gt | Ge => compare(op, &lhs, &rhs, span),
        Add => add(lhs, rhs, span),
        Sub | Mul | Div | Rem => arithmetic(op, lhs, rhs, span),
        And | Or => Err(mismatch(op, &lhs, &rhs, span)),
    }
}

fn mismatch(op: BinaryOp, lhs: &Value, rhs: &Value, span: Span) -> super::Flow {
    error(
        TYPE_ERROR,
        span,
        format!("`{}` cannot combine {} and {}", op.symbol(), lhs.type_name(), rhs.type_name()),
    )
}

fn compare(op: BinaryOp, lhs: &Value, rhs: &Value, span: Span) -> Eval<Value> {
    let ordering = match (lhs, rhs) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
        (Value::Duration(a), Value::Duration(b)) => Some(a.cmp(b)),
        (a, b) => match (as_float(a), as_float(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => return Err(mismatch(op, lhs, rhs, span)),
        },
    };
    // NaN compares false with everything, as in Rust and Python.
    let Some(ordering) = ordering else { return Ok(Value::Bool(false)) };
    Ok(Value::Bool(match op {
        BinaryOp::Lt => ordering == Ordering::Less,
        BinaryOp::Le => ordering != Ordering::Greater,
        BinaryOp::Gt => ordering == Ordering::Greater,
        _ => ordering != Ordering::Less,
    }))
}

fn as_float(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn add(lhs: Value, rhs: Value, span: Span) -> Eval<Value> {
    match (lhs, rhs) {
        (Value::Str(mut a), Value::Str(b)) => {
            super::budget::check_string_len(a.len() + b.len(), span)?;
            a.push_str(&b);
            Ok(Value::Str(a))
        }
        (Value::List(mut a), Value::List(b)) => {
            super::budget::check_items(a.len() + b.len(), span)?;
            a.extend(b);
            Ok(Value::List(a))
        }
        (Value::Duration(a), Value::Duration(b)) => a
            .checked_add(b)
            .map(Value::Duration)
            .ok_or_else(|| error(OVERFLOW, span, "duration overflow in `+`")),
        (lhs, rhs) => arithmetic(BinaryOp::Add, lhs, rhs, span),
    }
}

fn arithmetic(op: BinaryOp, lhs: Value, rhs: Value, span: Span) -> Eval<Value> {
    let overflow = || error(OVERFLOW, span, format!("integer overflow in `{}`", op.symbol()));
    let zero = || error(DIVISION_BY_ZERO, span, format!("division by zero in `{}`", op.symbol()));
    match (&lhs, &rhs) {
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            if matches!(op, BinaryOp::Div | BinaryOp::Rem) && b == 0 {
                return Err(zero());
            }
            let r = match op {
                BinaryOp::Add => a.checked_add(b),
                BinaryOp::Sub => a.checked_sub(b),
                BinaryOp::Mul => a.checked_mul(b),
                BinaryOp::Div => a.checked_div(b),
                _ => a.checked_rem(b),
            };
            r.map(Value::Int).ok_or_else(overflow)
        }
        (Value::Duration(a), Value::Duration(b)) if op == BinaryOp::Sub => a
            .checked_sub(*b)
            .map(Value::Duration)
            .ok_or_else(|| error(OVERFLOW, span, "negative duration in `-`")),
        (Value::Duration(a), Value::Int(b)) if matches!(op, BinaryOp::Mul | BinaryOp::Div) => {
            let b =
                u64::try_from(*b).map_err(|_| error(TYPE_ERROR, span, "a duration cannot be negative"))?;
            if op == BinaryOp::Div && b == 0 {
                return Err(zero());
            }
            let r = if op == BinaryOp::Mul { a.checked_mul(b) } else { a.checked_div(b) };
            r.map(Value::Duration).ok_or_else(overflow)
        }
        _ => {
            let (Some(a), Some(b)) = (as_float(&lhs), as_float(&rhs)) else {
                return Err(mismatch(op, &lhs, &rhs, span));
            };
            if matches!(op, BinaryOp::Div | BinaryOp::Rem) && b == 0.0 {
                return Err(zero());
            }
            Ok(Value::Float(match op {
                BinaryOp::Add => a + b,
                BinaryOp::Sub => a - b,
                BinaryOp::Mul => a * b,
                BinaryOp::Div => a / b,
                _ => a % b,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(op: BinaryOp, a: Value, b: Value) -> Result<Value, Option<crate::diag::Code>> {
        binary(op, a, b, Span::default()).map_err(|f| match f {
            super::super::Flow::Error(d) => Some(d.code),
            _ => None,
        })
    }

    #[test]
    fn arithmetic_follows_the_types() {
        assert_eq!(bin(BinaryOp::Add, Value::Int(2), Value::Int(3)), Ok(Value::Int(5)));
        assert_eq!(bin(BinaryOp::Div, Value::Int(7), Value::Int(2)), Ok(Value::Int(3)));
        assert_eq!(bin(BinaryOp::Mul, Value::Int(2), Value::Float(1.5)), Ok(Value::Float(3.0)));
        assert_eq!(bin(BinaryOp::Add, Value::str("a"), Value::str("b")), Ok(Value::str("ab")));
        assert_eq!(
            bin(BinaryOp::Add, Value::Duration(1000), Value::Duration(500)),
            Ok(Value::Duration(1500))
        );
        assert_eq!(bin(BinaryOp::Mul, Value::Duration(1000), Value::Int(3)), Ok(Value::Duration(3000)));
    }

    #[test]
    fn errors_have_their_codes() {
        assert_eq!(bin(BinaryOp::Div, Value::Int(1), Value::Int(0)), Err(Some(DIVISION_BY_ZERO)));
        assert_eq!(bin(BinaryOp::Rem, Value::Float(1.0), Value::Int(0)), Err(Some(DIVISION_BY_ZERO)));
        assert_eq!(bin(BinaryOp::Add, Value::Int(i64::MAX), Value::Int(1)), Err(Some(OVERFLOW)));
        assert_eq!(bin(BinaryOp::Add, Value::str("a"), Value::Int(1)), Err(Some(TYPE_ERROR)));
        assert_eq!(bin(BinaryOp::Lt, Value::str("a"), Value::Int(1)), Err(Some(TYPE_ERROR)));
    }

    #[test]
    fn comparisons_mix_ints_and_floats() {
        assert_eq!(bin(BinaryOp::Lt, Value::Int(1), Value::Float(1.5)), Ok(Value::Bool(true)));
        assert_eq!(bin(BinaryOp::Ge, Value::str("b"), Value::str("a")), Ok(Value::Bool(true)));
        assert_eq!(bin(BinaryOp::Eq, Value::Int(1), Value::Float(1.0)), Ok(Value::Bool(true)));
    }
}
