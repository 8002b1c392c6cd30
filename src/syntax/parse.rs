//! The pest parser generated from `grammar/symbi.pest`.

use pest_derive::Parser;

/// The generated parser; its `Rule` enum names every grammar rule.
#[derive(Parser)]
#[grammar = "../grammar/symbi.pest"]
pub struct SymbiParser;
