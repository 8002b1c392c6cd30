//! Integration tests: the front end (parser, lowering, syntax diagnostics).

mod cases;
mod robustness;
mod sources;
mod spans;
mod walk;
