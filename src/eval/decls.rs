//! The declarations of the builtins, from the standard library (`stdlib/*.symbi`): the one
//! source of truth for parameter names, order, defaults and capabilities.

use crate::syntax::ast::ExternFn;

/// The declaration of the builtin function `name`.
pub(super) fn function(name: &str) -> Option<&'static ExternFn> {
    let _ = name;
    None
}

/// The declaration of the method `name` of `receiver` (`String`, `List`, `Map`).
pub(super) fn method(receiver: &str, name: &str) -> Option<&'static ExternFn> {
    let _ = (receiver, name);
    None
}

/// The names of every builtin function, for did-you-mean.
pub(super) fn function_names() -> impl Iterator<Item = &'static str> {
    std::iter::empty()
}
