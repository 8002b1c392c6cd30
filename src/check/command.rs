//! The command of `execute_native`: a `String` (split into words, no shell) or a
//! `List<String>` (the argv itself). Its type, its executable against the allowlist, and
//! shell syntax in a string that no shell will read (W0006).

use super::codes;
use super::security::AgentFacts;
use super::types::Ty;
use crate::diag::{Diagnostic, Span};
use crate::syntax::ast::{Expr, ExprKind, StrPart};

/// Every finding about the command argument `arg`, whose type is `ty`.
pub fn check_form(facts: &AgentFacts<'_>, arg: &Expr, ty: &Ty) -> Vec<Diagnostic> {
    let list_of_strings = Ty::List(Box::new(Ty::Str));
    if !ty.fits(&Ty::Str) && !ty.fits(&list_of_strings) {
        return vec![
            Diagnostic::error(
                codes::ARGUMENT_TYPE,
                format!("argument `command` of `execute_native` must be String or List<String>, not {ty}"),
            )
            .with_primary(arg.span, format!("this is {ty}"))
            .with_help(
                "write the command line as a string, or its words as a list: `[\"python3\", \"x.py\"]`",
            ),
        ];
    }
    let mut found = Vec::new();
    match &arg.kind {
        ExprKind::List(items) => match items.first() {
            Some(first) => {
                if let Some(exe) = first.as_plain_str() {
                    found.extend(facts.check_executable(&exe, first.span));
                }
            }
            None => found.extend(facts.check_executable("", arg.span)),
        },
        ExprKind::Str(parts) => {
            if let Some(text) = arg.as_plain_str() {
                found.extend(facts.check_command(&text, arg.span));
            }
            found.extend(shell_syntax(parts, arg.span));
        }
        _ => {}
    }
    found
}

/// W0006 when the literal text of a string command holds a shell operator outside quotes.
fn shell_syntax(parts: &[StrPart], span: Span) -> Option<Diagnostic> {
    // An interpolated value stands as one plain word: only the written text is judged.
    let text: String = parts
        .iter()
        .map(|p| match p {
            StrPart::Text(t) => t.as_str(),
            StrPart::Interp(_) => "value",
        })
        .collect();
    let words = crate::sandbox::argv::split(&text).ok()?;
    let runs_a_shell = matches!(
        words.first().map(|w| w.rsplit('/').next().unwrap_or(w)),
        Some("sh" | "bash" | "dash" | "zsh")
    ) && words.iter().any(|w| w == "-c");
    if runs_a_shell {
        return None;
    }
    let (_, operator) = crate::sandbox::argv::shell_operator(&text)?;
    // A backtick inside backticks would read as three of them: quote it the Markdown way.
    let shown = if operator == "`" { "`` ` ``".to_string() } else { format!("`{operator}`") };
    Some(
        Diagnostic::warning(codes::SHELL_SYNTAX, format!("{shown} in a command that no shell runs"))
            .with_primary(span, format!("{shown} reaches the program as a plain argument"))
            .with_note("`execute_native` splits the string into words and runs the program directly: no pipes, redirections, `&&`, `;` or substitutions")
            .with_help("to use the shell, run it: `execute_native(\"sh -c 'a | b'\")` (`sh` must be allowed); otherwise pass the words as a list: `[\"python3\", \"x.py\", name]`"),
    )
}
