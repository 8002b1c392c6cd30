//! The checker: names, types, the standard library and the security model.
