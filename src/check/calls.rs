//! Calls: matching arguments to parameters (positional, named, defaults) and literal
//! argument types.

use super::types::Ty;
use crate::diag::codes;
use crate::diag::suggest::did_you_mean;
use crate::diag::{Diagnostic, Label, Span};
use crate::stdlib::Builtin;
use crate::syntax::ast::{self, Arg};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The callee as messages name it; formatted only when a diagnostic needs it.
#[derive(Clone, Copy, Debug)]
pub enum CallName<'n> {
    /// A user function.
    Function(&'n str),
    /// A builtin function.
    Builtin(&'n str),
    /// A method: receiver type and name.
    Method(&'n str, &'n str),
}

impl std::fmt::Display for CallName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallName::Function(n) => write!(f, "function `{n}`"),
            CallName::Builtin(n) => write!(f, "`{n}`"),
            CallName::Method(r, n) => write!(f, "method `{r}.{n}`"),
        }
    }
}

/// One parameter as the checker sees it.
#[derive(Clone, Debug)]
pub struct ParamSig {
    /// The name (for named arguments).
    pub name: String,
    /// The type.
    pub ty: Ty,
    /// False when the parameter has a default.
    pub required: bool,
}

/// What a callable takes and returns, whether a builtin or a user `fn`.
#[derive(Clone, Debug)]
pub struct Signature {
    /// Parameters in order.
    pub params: Vec<ParamSig>,
    /// The return type.
    pub ret: Ty,
    /// Where it is declared, and in which source (`None` for the checked file).
    pub decl: Label,
}

impl Signature {
    /// The signature of a builtin function or method.
    pub fn of_builtin(b: &Builtin) -> Signature {
        let params = convert_params(&b.decl.params, &mut Vec::new());
        let ret = b.decl.ret.as_ref().map(|t| Ty::from_expr(t).0).unwrap_or(Ty::Null);
        let span = b.decl.name.span;
        Signature { params, ret, decl: Label::in_source(b.source, span, "declared here") }
    }

    /// The signature of a user function; unknown type names are reported into `diags`.
    pub fn of_function(f: &ast::Function, diags: &mut Vec<Diagnostic>) -> Signature {
        let params = convert_params(&f.params, diags);
        let ret = match &f.ret {
            Some(t) => {
                let (ty, d) = Ty::from_expr(t);
                diags.extend(d);
                ty
            }
            None => Ty::Any,
        };
        Signature { params, ret, decl: Label::new(f.name.span, "declared here") }
    }
}

fn convert_params(params: &[ast::Param], diags: &mut Vec<Diagnostic>) -> Vec<ParamSig> {
    params
        .iter()
        .map(|p| {
            let (ty, d) = Ty::from_expr(&p.ty);
            diags.extend(d);
            ParamSig { name: p.name.name.clone(), ty, required: p.default.is_none() }
        })
        .collect()
}

/// Matches `args` to the parameters of `sig`, reporting arity and naming problems, and
/// returns for each parameter the argument bound to it (by index into `args`).
///
/// `call` is the span of the whole call (for missing arguments), `what` names the callee in
/// messages ("function `f`", "method `String.trim`").
pub fn bind(
    sig: &Signature,
    args: &[Arg],
    call: Span,
    what: &CallName<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<usize>> {
    let mut bound: Vec<Option<usize>> = vec![None; sig.params.len()];
    let mut next_positional = 0;
    let mut seen_named = false;
    // After a misplaced positional argument, "missing argument" would only repeat it.
    let mut misplaced = false;
    for (i, arg) in args.iter().enumerate() {
        match &arg.name {
            None => {
                if seen_named {
                    misplaced = true;
                    diags.push(
                        Diagnostic::error(
                            codes::POSITIONAL_AFTER_NAMED,
                            "positional argument after a named argument",
                        )
                        .with_primary(arg.span, "positional argument")
                        .with_help("put positional arguments first, or name this one too"),
                    );
                    continue;
                }
                if next_positional >= sig.params.len() {
                    let taken = sig.params.len();
                    diags.push(
                        Diagnostic::error(
                            codes::TOO_MANY_ARGUMENTS,
                            format!("{what} takes {taken} argument{} but more were given", plural(taken)),
                        )
                        .with_primary(arg.span, "unexpected argument")
                        .with_secondary_label(sig.decl.clone())
                        .with_help("remove the extra arguments"),
                    );
                    // One report per call is enough.
                    return bound;
                }
                bound[next_positional] = Some(i);
                next_positional += 1;
            }
            Some(name) => {
                seen_named = true;
                match sig.params.iter().position(|p| p.name == name.name) {
                    Some(p) if bound[p].is_some() => diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE_ARGUMENT,
                            format!("argument `{}` is given more than once", name.name),
                        )
                        .with_primary(arg.span, "given again here")
                        .with_help("give each parameter one argument"),
                    ),
                    Some(p) => bound[p] = Some(i),
                    None => {
                        let names = sig.params.iter().map(|p| p.name.as_str());
                        let mut d = Diagnostic::error(
                            codes::UNKNOWN_ARGUMENT,
                            format!("{what} has no parameter named `{}`", name.name),
                        )
                        .with_primary(name.span, "unknown parameter")
                        .with_secondary_label(sig.decl.clone());
                        d = match did_you_mean(&name.name, names) {
                            Some(h) => d.with_did_you_mean(h),
                            None => d.with_help(format!("parameters: {}", param_list(sig))),
                        };
                        diags.push(d);
                    }
                }
            }
        }
    }
    let missing: Vec<&str> = sig
        .params
        .iter()
        .zip(&bound)
        .filter(|(p, b)| p.required && b.is_none())
        .map(|(p, _)| p.name.as_str())
        .collect();
    if !missing.is_empty() && !misplaced {
        let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
        diags.push(
            Diagnostic::error(
                codes::MISSING_ARGUMENT,
                format!("{what} is missing argument{} {list}", plural(missing.len())),
            )
            .with_primary(call, "missing arguments")
            .with_secondary_label(sig.decl.clone())
            .with_help(format!("parameters: {}", param_list(sig))),
        );
    }
    bound
}

/// Reports an argument whose known type cannot be the parameter's.
pub fn check_arg_type(
    param: &ParamSig,
    arg: &Arg,
    actual: &Ty,
    what: &CallName<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    if actual.fits(&param.ty) {
        return;
    }
    diags.push(
        Diagnostic::error(
            codes::ARGUMENT_TYPE,
            format!("argument `{}` of {what} must be {}, not {actual}", param.name, param.ty),
        )
        .with_primary(arg.value.span, format!("this is {actual}"))
        .with_help(conversion_hint(actual, &param.ty)),
    );
}

/// How to turn one type into another, as a help line.
pub fn conversion_hint(actual: &Ty, expected: &Ty) -> String {
    match (actual.strip_optional(), expected.strip_optional()) {
        (_, Ty::Str) => "convert it with `to_string(...)`".into(),
        (Ty::Str, Ty::Int) => "convert it with `to_int(...)`".into(),
        (Ty::Str, Ty::Float) => "convert it with `to_float(...)`".into(),
        (Ty::Int | Ty::Float, Ty::Duration) => "write a duration literal such as `30s` or `500ms`".into(),
        _ => format!("pass a value of type {expected}"),
    }
}

fn param_list(sig: &Signature) -> String {
    if sig.params.is_empty() {
        return "none".into();
    }
    sig.params
        .iter()
        .map(
            |p| {
                if p.required {
                    format!("{}: {}", p.name, p.ty)
                } else {
                    format!("{}: {} = ...", p.name, p.ty)
                }
            },
        )
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The builtins' signatures, converted once (calls are frequent; conversion allocates).
struct BuiltinSigs {
    functions: HashMap<String, (Signature, &'static Builtin)>,
    methods: HashMap<String, HashMap<String, (Signature, &'static Builtin)>>,
}

fn builtin_sigs() -> &'static BuiltinSigs {
    static SIGS: OnceLock<BuiltinSigs> = OnceLock::new();
    SIGS.get_or_init(|| {
        let lib = crate::stdlib::stdlib();
        let functions =
            lib.functions().map(|b| (b.name().to_string(), (Signature::of_builtin(b), b))).collect();
        let mut methods: HashMap<String, HashMap<String, _>> = HashMap::new();
        for b in lib.methods() {
            if let Some(recv) = &b.decl.receiver {
                methods
                    .entry(recv.name.clone())
                    .or_default()
                    .insert(b.name().to_string(), (Signature::of_builtin(b), b));
            }
        }
        BuiltinSigs { functions, methods }
    })
}

/// A builtin function's signature and declaration.
pub fn builtin_function(name: &str) -> Option<&'static (Signature, &'static Builtin)> {
    builtin_sigs().functions.get(name)
}

/// A builtin method's signature and declaration.
pub fn builtin_method(receiver: &str, name: &str) -> Option<&'static (Signature, &'static Builtin)> {
    builtin_sigs().methods.get(receiver).and_then(|m| m.get(name))
}

/// The builtin function names, for did-you-mean.
pub fn builtin_function_names() -> impl Iterator<Item = &'static str> {
    builtin_sigs().functions.keys().map(String::as_str)
}
