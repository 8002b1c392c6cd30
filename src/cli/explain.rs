//! `symbi explain CODE`: the long explanation of a diagnostic code.

use super::{EXIT_OK, ExplainArgs, print_stdout, usage_error};
use crate::diag::suggest::did_you_mean;
use crate::diag::{Code, codes};

/// Prints the entry of docs/diagnostics.md for the code; exit 2 for an unknown code.
pub fn run(args: ExplainArgs) -> u8 {
    match Code::parse(&args.code) {
        Some(code) => {
            let text = code.explanation();
            print_stdout(&format!("{text}\n"));
            EXIT_OK
        }
        None => {
            let codes = codes::ALL.iter().map(|c| c.as_str());
            match did_you_mean(args.code.trim(), codes) {
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
