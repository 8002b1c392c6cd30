//! The types operators accept and produce.

use super::types::Ty;
use crate::syntax::ast::{BinaryOp, UnaryOp};

/// The type of `l op r`, or `None` when the operand types certainly cannot work.
///
/// Nullable operands are judged by their plain type (null is a runtime error, not a certain
/// one); an `Any` operand makes the result as precise as the other side allows.
pub fn binary(op: BinaryOp, l: &Ty, r: &Ty) -> Option<Ty> {
    use BinaryOp::*;
    let (a, b) = (l.strip_optional(), r.strip_optional());
    if matches!(op, Eq | Ne) {
        return Some(Ty::Bool);
    }
    if a.is_any() || b.is_any() {
        return Some(with_unknown(op, if a.is_any() { b } else { a }));
    }
    match op {
        Or | And => (a == &Ty::Bool && b == &Ty::Bool).then_some(Ty::Bool),
        Eq | Ne => Some(Ty::Bool),
        Lt | Le | Gt | Ge => {
            let ok = (a.is_number() && b.is_number())
                || (a == &Ty::Str && b == &Ty::Str)
                || (a == &Ty::Duration && b == &Ty::Duration);
            ok.then_some(Ty::Bool)
        }
        Add => match (a, b) {
            (Ty::Str, Ty::Str) => Some(Ty::Str),
            (Ty::List(x), Ty::List(y)) => Some(Ty::List(Box::new(x.join(y)))),
            (Ty::Duration, Ty::Duration) => Some(Ty::Duration),
            _ => arithmetic(a, b),
        },
        Sub => match (a, b) {
            (Ty::Duration, Ty::Duration) => Some(Ty::Duration),
            _ => arithmetic(a, b),
        },
        Mul => match (a, b) {
            (Ty::Duration, Ty::Int) => Some(Ty::Duration),
            _ => arithmetic(a, b),
        },
        Div => match (a, b) {
            (Ty::Duration, Ty::Int) => Some(Ty::Duration),
            _ => arithmetic(a, b),
        },
        Rem => arithmetic(a, b),
    }
}

/// Int with Int is Int; any Float makes Float; anything else is wrong.
fn arithmetic(a: &Ty, b: &Ty) -> Option<Ty> {
    match (a, b) {
        (Ty::Int, Ty::Int) => Some(Ty::Int),
        (x, y) if x.is_number() && y.is_number() => Some(Ty::Float),
        _ => None,
    }
}

/// The result when one operand is unknown and the other is `known`.
fn with_unknown(op: BinaryOp, known: &Ty) -> Ty {
    use BinaryOp::*;
    match op {
        Or | And | Eq | Ne | Lt | Le | Gt | Ge => Ty::Bool,
        Add => match known {
            Ty::Str => Ty::Str,
            Ty::List(_) => Ty::any_list(),
            _ => Ty::Any,
        },
        _ => Ty::Any,
    }
}

/// The type of `op operand`, or `None` when it certainly cannot work.
pub fn unary(op: UnaryOp, operand: &Ty) -> Option<Ty> {
    let t = operand.strip_optional();
    match op {
        UnaryOp::Not => match t {
            Ty::Any | Ty::Bool => Some(Ty::Bool),
            _ => None,
        },
        UnaryOp::Neg => match t {
            Ty::Any => Some(Ty::Any),
            Ty::Int => Some(Ty::Int),
            Ty::Float => Some(Ty::Float),
            _ => None,
        },
    }
}

/// The operator as written, for messages.
pub fn unary_symbol(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Not => "!",
        UnaryOp::Neg => "-",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_and_concatenation() {
        assert_eq!(binary(BinaryOp::Add, &Ty::Int, &Ty::Int), Some(Ty::Int));
        assert_eq!(binary(BinaryOp::Add, &Ty::Int, &Ty::Float), Some(Ty::Float));
        assert_eq!(binary(BinaryOp::Add, &Ty::Str, &Ty::Str), Some(Ty::Str));
        assert_eq!(binary(BinaryOp::Add, &Ty::Str, &Ty::Int), None);
        assert_eq!(binary(BinaryOp::Mul, &Ty::Duration, &Ty::Int), Some(Ty::Duration));
        assert_eq!(binary(BinaryOp::Lt, &Ty::Str, &Ty::Int), None);
        assert_eq!(binary(BinaryOp::And, &Ty::Bool, &Ty::Int), None);
    }

    #[test]
    fn unknown_operands_pass() {
        assert_eq!(binary(BinaryOp::Add, &Ty::Any, &Ty::Str), Some(Ty::Str));
        assert_eq!(binary(BinaryOp::Sub, &Ty::Any, &Ty::Str), Some(Ty::Any));
        assert_eq!(binary(BinaryOp::Eq, &Ty::Str, &Ty::Int), Some(Ty::Bool));
        assert_eq!(unary(UnaryOp::Not, &Ty::Str), None);
    }
}
