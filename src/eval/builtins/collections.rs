//! Methods of `List` and `Map`. Values are not shared, so methods return new values
//! (`xs = xs.push(4)`) rather than changing the receiver.

use super::super::Value;
use super::super::budget::{MAX_STRING_BYTES, check_items, check_nesting, render_within};
use super::super::error::{Eval, error, type_error};
use super::Args;
use crate::diag::Span;
use crate::diag::codes;

pub(super) fn call(receiver: Value, name: &str, args: &mut Args) -> Option<Eval<Value>> {
    Some(match receiver {
        Value::List(items) => list(items, name, args)?,
        Value::Map(map) => match name {
            "len" => Ok(Value::Int(map.len() as i64)),
            "is_empty" => Ok(Value::Bool(map.is_empty())),
            "keys" => Ok(Value::List(map.into_keys().map(Value::Str).collect())),
            "values" => Ok(Value::List(map.into_values().collect())),
            "contains_key" | "has" | "contains" => args.string(0).map(|k| Value::Bool(map.contains_key(&k))),
            "get" => args.string(0).map(|k| map.get(&k).cloned().unwrap_or_else(|| args.take(1))),
            "remove" => args.string(0).map(|k| {
                let mut map = map;
                map.remove(&k);
                Value::Map(map)
            }),
            "insert" | "set" => args.string(0).and_then(|k| {
                let v = args.take(1);
                check_nesting(&v, 1, args.span(1))?;
                let mut map = map;
                map.insert(k, v);
                check_items(map.len(), args.call)?;
                Ok(Value::Map(map))
            }),
            _ => return None,
        },
        _ => return None,
    })
}

fn list(mut items: Vec<Value>, name: &str, args: &mut Args) -> Option<Eval<Value>> {
    Some(match name {
        "len" => Ok(Value::Int(items.len() as i64)),
        "is_empty" => Ok(Value::Bool(items.is_empty())),
        "contains" => {
            let needle = args.take(0);
            Ok(Value::Bool(items.iter().any(|v| v.equals(&needle))))
        }
        "push" | "append" => {
            let v = args.take(0);
            if let Err(e) = check_nesting(&v, 1, args.span(0)).and(check_items(items.len() + 1, args.call)) {
                return Some(Err(e));
            }
            items.push(v);
            Ok(Value::List(items))
        }
        "first" => Ok(items.into_iter().next().unwrap_or(Value::Null)),
        "get" => {
            let len = items.len();
            super::super::expr::position(&args.value(0), len, args.span(0)).map(|at| items.swap_remove(at))
        }
        "last" => Ok(items.pop().unwrap_or(Value::Null)),
        "reverse" => {
            items.reverse();
            Ok(Value::List(items))
        }
        "join" => {
            let sep = match args.opt_string(0) {
                Ok(sep) => sep.unwrap_or_default(),
                Err(e) => return Some(Err(e)),
            };
            join(&items, &sep, args.call)
        }
        "slice" => {
            let len = items.len() as i64;
            let clamp = |v: Value, default: i64| match v {
                Value::Null => Ok(default),
                Value::Int(i) => Ok(i.clamp(0, len)),
                other => Err(type_error(args.call, "a slice bound", "an Int", other.type_name())),
            };
            match (clamp(args.value(0), 0), clamp(args.value(1), len)) {
                (Ok(a), Ok(b)) if a <= b => Ok(Value::List(items.drain(a as usize..b as usize).collect())),
                (Ok(_), Ok(_)) => Ok(Value::List(Vec::new())),
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
        "sort" => {
            let mut error_found = None;
            items.sort_by(|a, b| match (a, b) {
                (Value::Int(x), Value::Int(y)) => x.cmp(y),
                (Value::Str(x), Value::Str(y)) => x.cmp(y),
                (Value::Float(_) | Value::Int(_), Value::Float(_) | Value::Int(_)) => {
                    let f = |v: &Value| {
                        if let Value::Int(i) = v {
                            *i as f64
                        } else if let Value::Float(f) = v {
                            *f
                        } else {
                            0.0
                        }
                    };
                    f(a).total_cmp(&f(b))
                }
                _ => {
                    error_found = Some(format!("cannot sort {} with {}", a.type_name(), b.type_name()));
                    std::cmp::Ordering::Equal
                }
            });
            match error_found {
                Some(msg) => Err(error(codes::TYPE_ERROR, args.call, msg)),
                None => Ok(Value::List(items)),
            }
        }
        _ => return None,
    })
}

/// `items.join(sep)`, refused as soon as the text would pass the string limit.
fn join(items: &[Value], sep: &str, span: Span) -> Eval<Value> {
    let mut out = String::new();
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push_str(sep);
        }
        let room = MAX_STRING_BYTES.saturating_sub(out.len());
        out.push_str(&render_within(item, room, span)?);
    }
    Ok(Value::Str(out))
}
