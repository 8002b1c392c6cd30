//! The declarations of the builtins, from the standard library (`stdlib/*.symbi`): the one
//! source of truth, shared with the checker, for parameter names, order, defaults and
//! capabilities.

use crate::stdlib::stdlib;
use crate::syntax::ast::ExternFn;

/// The declaration of the builtin function `name`.
pub(super) fn function(name: &str) -> Option<&'static ExternFn> {
    stdlib().function(name).map(|b| &b.decl)
}

/// The declaration of the method `name` of `receiver` (`String`, `List`, `Map`).
pub(super) fn method(receiver: &str, name: &str) -> Option<&'static ExternFn> {
    stdlib().method(receiver, name).map(|b| &b.decl)
}

/// The names of every builtin function, for did-you-mean.
pub(super) fn function_names() -> impl Iterator<Item = &'static str> {
    stdlib().functions().map(|b| b.decl.name.name.as_str())
}
