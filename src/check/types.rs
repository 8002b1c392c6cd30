//! The checker's view of types: what is known about a value before it runs.
//!
//! Inference is deliberately shallow: literals, annotations, builtin return types and record
//! fields are known; anything from JSON, `emit` or an unknown name is `Any`, and `Any` is
//! compatible with everything, so the checker only reports what is certainly wrong.

use crate::diag::Diagnostic;
use crate::diag::codes;
use crate::diag::suggest::did_you_mean;
use crate::syntax::ast::TypeExpr;
use std::fmt;

/// A type the checker knows (or `Any` when it does not).
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// Unknown: compatible with everything.
    Any,
    /// `Null`
    Null,
    /// `Bool`
    Bool,
    /// `Int`
    Int,
    /// `Float`
    Float,
    /// `String`
    Str,
    /// `Duration`
    Duration,
    /// `List<T>`
    List(Box<Ty>),
    /// `Map<T>` (keys are strings)
    Map(Box<Ty>),
    /// A record of the standard library, by name (`ExecResult`).
    Record(&'static str),
    /// `T?`
    Optional(Box<Ty>),
}

/// The type names a user may write, for did-you-mean.
const TYPE_NAMES: [&str; 11] =
    ["String", "Int", "Float", "Bool", "Duration", "Null", "Any", "List", "Map", "ExecResult", "Record"];

impl Ty {
    /// `List<Any>`
    pub fn any_list() -> Ty {
        Ty::List(Box::new(Ty::Any))
    }

    /// `Map<Any>`
    pub fn any_map() -> Ty {
        Ty::Map(Box::new(Ty::Any))
    }

    /// The type without a `?`.
    pub fn strip_optional(&self) -> &Ty {
        match self {
            Ty::Optional(inner) => inner.strip_optional(),
            other => other,
        }
    }

    /// True when nothing is known.
    pub fn is_any(&self) -> bool {
        matches!(self.strip_optional(), Ty::Any)
    }

    /// True for `Int` and `Float`.
    pub fn is_number(&self) -> bool {
        matches!(self, Ty::Int | Ty::Float)
    }

    /// The receiver name methods are declared on (`String`, `List`, `Map`, a record name).
    pub fn receiver_name(&self) -> Option<&str> {
        match self.strip_optional() {
            Ty::Str => Some("String"),
            Ty::List(_) => Some("List"),
            Ty::Map(_) => Some("Map"),
            Ty::Record(name) => Some(name),
            _ => None,
        }
    }

    /// The common type of two values (list items, branches): equal types stay, numbers widen
    /// to `Float`, `null` makes a type nullable, anything else is `Any`.
    pub fn join(&self, other: &Ty) -> Ty {
        match (self, other) {
            (a, b) if a == b => a.clone(),
            (Ty::Int, Ty::Float) | (Ty::Float, Ty::Int) => Ty::Float,
            (Ty::Null, t) | (t, Ty::Null) => t.clone().nullable(),
            (Ty::Optional(a), b) | (b, Ty::Optional(a)) => a.join(b).nullable(),
            _ => Ty::Any,
        }
    }

    /// `T?` (unchanged for `Any`, `Null` and types already nullable).
    pub fn nullable(self) -> Ty {
        match self {
            Ty::Any | Ty::Null | Ty::Optional(_) => self,
            other => Ty::Optional(Box::new(other)),
        }
    }

    /// Whether a value of type `self` can be used where `expected` is wanted.
    ///
    /// Lenient on purpose: `Any` on either side passes, a nullable value passes where its
    /// plain type is expected (null is a runtime error there, not a certain one), and `Int`
    /// passes where `Float` is expected.
    pub fn fits(&self, expected: &Ty) -> bool {
        match (self, expected) {
            (Ty::Any, _) | (_, Ty::Any) => true,
            (Ty::Null, Ty::Optional(_) | Ty::Null) => true,
            (Ty::Optional(a), b) => a.fits(b),
            (a, Ty::Optional(b)) => a.fits(b),
            (Ty::Int, Ty::Float) => true,
            (Ty::List(a), Ty::List(b)) | (Ty::Map(a), Ty::Map(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }

    /// Converts a written type; unknown names become a diagnostic (and `Any`).
    pub fn from_expr(ty: &TypeExpr) -> (Ty, Option<Diagnostic>) {
        let mut problem = None;
        let arg = |i: usize, problem: &mut Option<Diagnostic>| match ty.args.get(i) {
            Some(a) => {
                let (t, d) = Ty::from_expr(a);
                if problem.is_none() {
                    *problem = d;
                }
                t
            }
            None => Ty::Any,
        };
        let base = match ty.name.name.as_str() {
            "String" => Ty::Str,
            "Int" => Ty::Int,
            "Float" => Ty::Float,
            "Bool" => Ty::Bool,
            "Duration" => Ty::Duration,
            "Null" => Ty::Null,
            "Any" => Ty::Any,
            "List" => Ty::List(Box::new(arg(0, &mut problem))),
            "Map" => Ty::Map(Box::new(arg(0, &mut problem))),
            name if let Some(rec) = crate::stdlib::stdlib().record(name) => Ty::Record(&rec.name.name),
            name => {
                let suggestion = other_language_type(name).or_else(|| did_you_mean(name, TYPE_NAMES));
                let mut d = Diagnostic::error(codes::UNKNOWN_TYPE, format!("unknown type `{name}`"))
                    .with_primary(ty.name.span, "not a type")
                    .with_note(
                        "types: String Int Float Bool Duration Null Any List<T> Map<T> ExecResult, and T?",
                    );
                if let Some(h) = suggestion {
                    d = d.with_did_you_mean(h);
                }
                problem = Some(d);
                Ty::Any
            }
        };
        let max_args = match base {
            Ty::List(_) | Ty::Map(_) => 1,
            _ => 0,
        };
        if problem.is_none() && ty.args.len() > max_args {
            problem = Some(
                Diagnostic::error(
                    codes::UNKNOWN_TYPE,
                    format!("`{}` takes {max_args} type argument(s), not {}", ty.name.name, ty.args.len()),
                )
                .with_primary(ty.span, "wrong number of type arguments")
                .with_help("write `List<T>` or `Map<T>`; other types take none"),
            );
        }
        let t = if ty.nullable { base.nullable() } else { base };
        (t, problem)
    }
}

/// The symbi type for a type name of another language (`Integer`, `str`, `dict`).
fn other_language_type(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "integer" | "i32" | "i64" | "long" | "number" => "Int",
        "double" | "f32" | "f64" | "real" => "Float",
        "str" | "text" => "String",
        "boolean" => "Bool",
        "dict" | "object" | "hashmap" => "Map",
        "array" | "vec" => "List",
        "none" | "nil" | "void" | "unit" => "Null",
        _ => return None,
    })
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Any => f.write_str("Any"),
            Ty::Null => f.write_str("Null"),
            Ty::Bool => f.write_str("Bool"),
            Ty::Int => f.write_str("Int"),
            Ty::Float => f.write_str("Float"),
            Ty::Str => f.write_str("String"),
            Ty::Duration => f.write_str("Duration"),
            Ty::List(t) => write!(f, "List<{t}>"),
            Ty::Map(t) => write!(f, "Map<{t}>"),
            Ty::Record(name) => f.write_str(name),
            Ty::Optional(t) => write!(f, "{t}?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ty;

    #[test]
    fn fits_is_lenient_about_any_and_null() {
        assert!(Ty::Any.fits(&Ty::Int));
        assert!(Ty::Str.fits(&Ty::Any));
        assert!(Ty::Null.fits(&Ty::Str.nullable()));
        assert!(Ty::Int.fits(&Ty::Float));
        assert!(Ty::Str.nullable().fits(&Ty::Str));
        assert!(!Ty::Str.fits(&Ty::Int));
        assert!(!Ty::Float.fits(&Ty::Int));
        assert!(!Ty::List(Box::new(Ty::Str)).fits(&Ty::List(Box::new(Ty::Int))));
    }

    #[test]
    fn join_widens() {
        assert_eq!(Ty::Int.join(&Ty::Float), Ty::Float);
        assert_eq!(Ty::Null.join(&Ty::Str), Ty::Str.nullable());
        assert_eq!(Ty::Str.join(&Ty::Int), Ty::Any);
        assert_eq!(Ty::Str.nullable().to_string(), "String?");
    }
}
