//! The declarations of the builtins, from the standard library (`stdlib/*.symbi`): the one
//! source of truth for parameter names, order, defaults and capabilities.

use crate::syntax::ast::{ExternFn, Item};
use std::sync::OnceLock;

const FILES: [&str; 6] = [
    include_str!("../../stdlib/collections.symbi"),
    include_str!("../../stdlib/control.symbi"),
    include_str!("../../stdlib/exec.symbi"),
    include_str!("../../stdlib/io.symbi"),
    include_str!("../../stdlib/strings.symbi"),
    include_str!("../../stdlib/values.symbi"),
];

fn all() -> &'static [ExternFn] {
    static DECLS: OnceLock<Vec<ExternFn>> = OnceLock::new();
    DECLS.get_or_init(|| {
        FILES
            .iter()
            .flat_map(|text| crate::syntax::parse(text).file.items)
            .filter_map(|item| match item {
                Item::Extern(f) => Some(f),
                _ => None,
            })
            .collect()
    })
}

/// The declaration of the builtin function `name`.
pub(super) fn function(name: &str) -> Option<&'static ExternFn> {
    all().iter().find(|f| f.receiver.is_none() && f.name.name == name)
}

/// The declaration of the method `name` of `receiver` (`String`, `List`, `Map`).
pub(super) fn method(receiver: &str, name: &str) -> Option<&'static ExternFn> {
    all().iter().find(|f| f.receiver.as_ref().is_some_and(|r| r.name == receiver) && f.name.name == name)
}

/// The names of every builtin function, for did-you-mean.
pub(super) fn function_names() -> impl Iterator<Item = &'static str> {
    all().iter().filter(|f| f.receiver.is_none()).map(|f| f.name.name.as_str())
}
