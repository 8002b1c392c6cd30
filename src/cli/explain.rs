//! `symbi explain CODE`: the long explanation of a diagnostic code.

use super::{EXIT_OK, ExplainArgs, print_stdout, usage_error};
use crate::diag::explain;

/// Prints the entry of docs/diagnostics.md for the code; exit 2 for an unknown code.
pub fn run(args: ExplainArgs) -> u8 {
    match explain::explanation(args.code.trim()) {
        Some(text) => {
            print_stdout(&format!("{text}\n"));
            EXIT_OK
        }
        None => {
            let codes = explain::documented_codes();
            let wanted = args.code.trim().to_ascii_uppercase();
            let close = codes
                .iter()
                .min_by_key(|c| strsim::levenshtein(c, &wanted))
                .filter(|c| strsim::levenshtein(c, &wanted) <= 1);
            match close {
                Some(c) => {
                    usage_error(format!("no diagnostic has the code `{}`; did you mean `{c}`?", args.code))
                }
                None => usage_error(format!(
                    "no diagnostic has the code `{}`; codes look like E0101 or W0201 (see docs/diagnostics.md)",
                    args.code
                )),
            }
        }
    }
}
