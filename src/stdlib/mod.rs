//! The standard library, declared in the language under `stdlib/` and embedded here.
