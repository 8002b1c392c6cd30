//! The behaviour of the standard library's builtins, keyed by name.
//!
//! What a builtin takes (parameter names, order, defaults, types) and needs (capabilities)
//! comes from its declaration in `stdlib/*.symbi`; arguments arrive here already bound to
//! those parameters, in declaration order.

mod collections;
mod control;
mod exec;
mod io;
mod strings;
mod values;

use super::error::{self, Eval, Flow, error};
use super::{Interpreter, Value};
use crate::diag::Span;
use crate::diag::codes::{BAD_ARGUMENTS, TYPE_ERROR};
use std::collections::BTreeMap;

/// Arguments bound to a declaration's parameters, in its order, with where each came from.
pub struct Args {
    /// The values.
    pub values: Vec<Value>,
    /// The span of each value's expression (the call's span for defaults).
    pub spans: Vec<Span>,
    /// The whole call.
    pub call: Span,
}

impl Args {
    /// The value of parameter `i` (null if the declaration has fewer parameters).
    pub fn value(&self, i: usize) -> Value {
        self.values.get(i).cloned().unwrap_or(Value::Null)
    }

    /// Takes the value of parameter `i` out.
    pub fn take(&mut self, i: usize) -> Value {
        self.values.get_mut(i).map(|v| std::mem::replace(v, Value::Null)).unwrap_or(Value::Null)
    }

    /// The span of parameter `i`.
    pub fn span(&self, i: usize) -> Span {
        self.spans.get(i).copied().unwrap_or(self.call)
    }

    fn wrong(&self, i: usize, expected: &str, got: &Value) -> Flow {
        error::type_error(self.span(i), &format!("argument {}", i + 1), expected, got.type_name())
    }

    /// Parameter `i` as a string.
    pub fn string(&mut self, i: usize) -> Eval<String> {
        match self.take(i) {
            Value::Str(s) => Ok(s),
            other => Err(self.wrong(i, "a String", &other)),
        }
    }

    /// Parameter `i` as an optional string.
    pub fn opt_string(&mut self, i: usize) -> Eval<Option<String>> {
        match self.take(i) {
            Value::Null => Ok(None),
            Value::Str(s) => Ok(Some(s)),
            other => Err(self.wrong(i, "a String or null", &other)),
        }
    }

    /// Parameter `i` as an optional duration, in milliseconds.
    pub fn opt_duration(&mut self, i: usize) -> Eval<Option<u64>> {
        match self.take(i) {
            Value::Null => Ok(None),
            Value::Duration(ms) => Ok(Some(ms)),
            other => Err(self.wrong(i, "a Duration or null", &other)),
        }
    }

    /// Parameter `i` as a map of strings (environment variables).
    pub fn string_map(&mut self, i: usize) -> Eval<BTreeMap<String, String>> {
        match self.take(i) {
            Value::Null => Ok(BTreeMap::new()),
            Value::Map(map) => {
                map.into_iter().map(|(k, v)| super::budget::render(&v, self.call).map(|v| (k, v))).collect()
            }
            other => Err(self.wrong(i, "a Map", &other)),
        }
    }
}

/// Runs the builtin function `name`.
pub(super) fn call_function(
    interp: &mut Interpreter<'_>,
    name: &str,
    mut args: Args,
    span: Span,
) -> Eval<Value> {
    let result = match name {
        "execute_native" | "execute_code" => exec::call(interp, name, &mut args),
        "print" | "log" | "env" | "read_file" | "write_file" | "file_exists" => {
            io::call(interp, name, &mut args)
        }
        "emit" | "fail" | "sleep" => control::call(interp, name, &mut args),
        _ => values::call(name, &mut args),
    };
    result.unwrap_or_else(|| Err(not_implemented(name, span)))
}

/// Runs the method `name` of type `type_name` on `receiver`.
pub(super) fn call_method(
    _interp: &mut Interpreter<'_>,
    type_name: &str,
    name: &str,
    receiver: Value,
    mut args: Args,
    span: Span,
) -> Eval<Value> {
    let result = match receiver {
        Value::Str(s) => strings::call(&s, name, &mut args),
        other => collections::call(other, name, &mut args),
    };
    result.unwrap_or_else(|| Err(not_implemented(&format!("{type_name}.{name}"), span)))
}

fn not_implemented(name: &str, span: Span) -> Flow {
    error(
        BAD_ARGUMENTS,
        span,
        format!("the builtin `{name}` is declared but this build does not implement it"),
    )
}

/// A type error for a builtin that cannot take `v` at all.
fn cannot(name: &str, v: &Value, span: Span) -> Flow {
    error(TYPE_ERROR, span, format!("`{name}` cannot take {}", v.type_name()))
}
