//! Builtins on values of any type: `len`, JSON, conversions.

use super::super::error::{Eval, error};
use super::super::{Value, budget};
use super::{Args, cannot};
use crate::diag::codes::{BAD_JSON, CONVERSION};

pub(super) fn call(name: &str, args: &mut Args) -> Option<Eval<Value>> {
    Some(match name {
        "len" => len(args.take(0), args),
        "json_parse" => args.string(0).and_then(|text| {
            if text.len() > budget::MAX_JSON_TEXT {
                return Err(error(
                    crate::diag::codes::VALUE_TOO_LARGE,
                    args.span(0),
                    format!("`json_parse` takes at most {} bytes of text", budget::MAX_JSON_TEXT),
                ));
            }
            serde_json::from_str::<serde_json::Value>(&text)
                .map(|j| Value::from_json(&j))
                .map_err(|e| error(BAD_JSON, args.span(0), format!("not valid JSON: {e}")))
        }),
        "json_stringify" => {
            let pretty = matches!(args.value(1), Value::Bool(true));
            budget::json_text(&args.take(0), pretty, args.call).map(Value::Str)
        }
        "to_string" => budget::render(&args.take(0), args.call).map(Value::Str),
        "to_int" => to_int(args.take(0), args),
        "to_float" => to_float(args.take(0), args),
        "type_of" => Ok(Value::str(args.take(0).type_name())),
        "range" => range(args),
        "keys" | "values" => match args.take(0) {
            map @ Value::Map(_) => super::collections::call(map, name, args)?,
            other => Err(cannot(name, &other, args.span(0))),
        },
        _ => return None,
    })
}

/// `len`: characters of a string, items of a list or map.
pub(super) fn len(v: Value, args: &Args) -> Eval<Value> {
    let n = match &v {
        Value::Str(s) => s.chars().count(),
        Value::List(items) => items.len(),
        Value::Map(map) => map.len(),
        other => return Err(cannot("len", other, args.span(0))),
    };
    Ok(Value::Int(n as i64))
}

fn to_int(v: Value, args: &Args) -> Eval<Value> {
    let fail = |what: String| error(CONVERSION, args.span(0), format!("cannot convert {what} to an Int"));
    match v {
        Value::Int(i) => Ok(Value::Int(i)),
        Value::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Ok(Value::Int(f.trunc() as i64)),
        Value::Bool(b) => Ok(Value::Int(i64::from(b))),
        Value::Duration(ms) => {
            i64::try_from(ms).map(Value::Int).map_err(|_| fail("a duration this long".into()))
        }
        Value::Str(s) => s.trim().parse::<i64>().map(Value::Int).map_err(|_| fail(format!("\"{s}\""))),
        other => Err(fail(other.type_name().to_string())),
    }
}

fn to_float(v: Value, args: &Args) -> Eval<Value> {
    match v {
        Value::Int(i) => Ok(Value::Float(i as f64)),
        Value::Float(f) => Ok(Value::Float(f)),
        Value::Str(s) => s
            .trim()
            .parse::<f64>()
            .map(Value::Float)
            .map_err(|_| error(CONVERSION, args.span(0), format!("cannot convert \"{s}\" to a Float"))),
        other => {
            Err(error(CONVERSION, args.span(0), format!("cannot convert {} to a Float", other.type_name())))
        }
    }
}

/// The most numbers one `range` may hold, so a typo cannot exhaust memory.
const MAX_RANGE: i128 = 1_000_000;

/// `range(start, end, step)`: from start up to (not including) end, like Python's.
fn range(args: &Args) -> Eval<Value> {
    let step = match args.value(2) {
        Value::Null => 1,
        Value::Int(0) => return Err(error(CONVERSION, args.span(2), "a range's step cannot be 0")),
        Value::Int(s) => s,
        other => return Err(cannot("range", &other, args.span(2))),
    };
    let (Value::Int(start), Value::Int(end)) = (args.value(0), args.value(1)) else {
        return Err(cannot("range", &args.value(0), args.call));
    };
    let count = ((i128::from(end) - i128::from(start)) / i128::from(step)).max(0);
    if count > MAX_RANGE {
        return Err(error(CONVERSION, args.call, format!("a range may hold at most {MAX_RANGE} numbers")));
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(Value::Int(i));
        match i.checked_add(step) {
            Some(next) => i = next,
            None => break,
        }
    }
    Ok(Value::List(out))
}
