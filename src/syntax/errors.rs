//! Pest errors to diagnostics in words users understand.
//!
//! Pest says where it stopped and which rules it tried. That is turned into the mistake a
//! person most likely made (a missing brace, a `=` for a `:`, a stray comma, ...) by looking
//! at the context: open brackets and what opened them, the tokens around the error, and
//! what the grammar expected. Raw rule names never reach the user.

use super::error_context::{Context, Opener};
use super::lower::KEYWORDS;
use super::parse::Rule;
use super::scan::{Frame, Tok};
use super::spelling::printable;
use crate::diag::{Code, Diagnostic, Span, codes};
use pest::error::Error;

/// The diagnostic for a pest error found while parsing `source[start..end]`.
pub(crate) fn explain(error: &Error<Rule>, source: &str, start: usize, _end: usize) -> Diagnostic {
    let ctx = Context::new(error, source, start);
    unterminated(&ctx)
        .or_else(|| else_if_typo(&ctx))
        .or_else(|| closers(&ctx))
        .or_else(|| unclosed_at_end(&ctx))
        .or_else(|| item_keyword_inside_block(&ctx))
        .or_else(|| separators(&ctx))
        .or_else(|| stray_character(&ctx))
        .or_else(|| keyword_specific(&ctx))
        .or_else(|| top_level(&ctx))
        .or_else(|| missing_comma(&ctx))
        .or_else(|| missing_value(&ctx))
        .unwrap_or_else(|| generic(&ctx))
}

/// The span of the found token, or one character at the error.
fn at(ctx: &Context) -> Span {
    if ctx.found.span.is_empty() { Span::point(ctx.pos) } else { ctx.found.span }
}

/// E0102 unterminated block comment, E0103 unterminated string, E0128 open interpolation.
fn unterminated(ctx: &Context) -> Option<Diagnostic> {
    if let (Some(token), Some(open)) = (ctx.unterminated, ctx.innermost())
        && matches!(token.tok, Tok::Str { .. })
        && open.kind == Frame::Interp
        && open.span.start < token.span.start
    {
        let quote = Span::new(token.span.start, token.span.start + 1);
        return Some(
            Diagnostic::error(
                codes::UNCLOSED_INTERPOLATION,
                "expected `}` to close the interpolation before the closing quote",
            )
            .with_primary(quote, "the string ends here, but the interpolation is still open")
            .with_secondary(open.span, "the interpolation opened here")
            .with_help("close it with `}`: `\"${name}\"`"),
        );
    }
    if let Some(token) = ctx.unterminated {
        let open = Span::new(token.span.start, token.span.start + 2.min(token.span.len()));
        return Some(match token.tok {
            Tok::OpenComment => Diagnostic::error(codes::UNTERMINATED_COMMENT, "unterminated block comment")
                .with_primary(open, "this `/*` is never closed")
                .with_note("block comments nest: every `/*` inside needs its own `*/`")
                .with_help("close the comment with `*/`"),
            Tok::RawStr { .. } => Diagnostic::error(codes::MISSING_CLOSING_QUOTE, "unterminated raw string")
                .with_primary(Span::new(token.span.start, token.span.start + 3), "this `\"\"\"` is never closed")
                .with_help("end the raw string with `\"\"\"`"),
            _ => Diagnostic::error(codes::MISSING_CLOSING_QUOTE, "missing closing quote")
                .with_primary(Span::point(token.span.end), "the line ends inside a string")
                .with_secondary(Span::new(token.span.start, token.span.start + 1), "the string starts here")
                .with_help("add `\"` at the end of the string; for text over several lines use `\\n` or a raw `\"\"\"` string"),
        });
    }
    let open = ctx.innermost()?;
    (open.kind == Frame::Interp && !ctx.found_text().starts_with('}')).then(|| {
        Diagnostic::error(
            codes::UNCLOSED_INTERPOLATION,
            format!("expected `}}` to close the interpolation, found {}", ctx.found_words()),
        )
        .with_primary(at(ctx), "expected `}` here")
        .with_secondary(open.span, "the interpolation opened here")
        .with_help("write `${name}`; a literal `$` followed by `{` is written `\\${`")
    })
}

/// E0110: `elif`, `elsif`, `elseif` on the line of the error.
fn else_if_typo(ctx: &Context) -> Option<Diagnostic> {
    // The line of the error, and the line of the innermost bracket (an `elif` line whose
    // block was read as something else).
    let line_of = |offset: usize| {
        let start = ctx.source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = ctx.source[offset..].find('\n').map_or(ctx.source.len(), |i| offset + i);
        Span::new(start, end)
    };
    let mut lines = vec![line_of(ctx.pos)];
    if let Some(open) = ctx.innermost() {
        lines.push(line_of(open.span.start));
    }
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for line in lines {
        let text = ctx.text(line).as_bytes();
        let mut i = 0;
        while i < text.len() {
            if !is_word(text[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < text.len() && is_word(text[i]) {
                i += 1;
            }
            let span = Span::new(line.start + start, line.start + i);
            let word = ctx.text(span);
            if super::typos::ELIF_WORDS.contains(&word) {
                return Some(super::typos::elif_diagnostic(word, span));
            }
        }
    }
    None
}

/// E0105: a closing bracket that does not match, or closes nothing.
fn closers(ctx: &Context) -> Option<Diagnostic> {
    let closer = ctx.found_text();
    if !matches!(closer, ")" | "]" | "}") {
        return None;
    }
    let want = match closer {
        ")" => Frame::Paren,
        "]" => Frame::Bracket,
        _ => Frame::Brace,
    };
    match ctx.innermost() {
        Some(open) if open.kind == want => None,
        Some(open) if open.kind != Frame::Brace => Some(unclosed(ctx, open, codes::UNCLOSED_BRACKET)),
        Some(_) if want == Frame::Brace => None,
        _ => Some(
            Diagnostic::error(codes::UNCLOSED_BRACKET, format!("unexpected `{closer}`"))
                .with_primary(at(ctx), "nothing open here to close")
                .with_help("remove it, or add the opening bracket it belongs to"),
        ),
    }
}

/// "expected `}` to close the security block opened here".
fn unclosed(ctx: &Context, open: &Opener, code: Code) -> Diagnostic {
    let close = match open.kind {
        Frame::Paren => ")",
        Frame::Bracket => "]",
        _ => "}",
    };
    let found = ctx.found_words();
    // Point at the end of the last token when the error is on a later line.
    let primary = match ctx.prev_span() {
        Some(prev) if ctx.found.line_start || ctx.found.tok == Tok::Eof => Span::point(prev.end),
        _ => at(ctx),
    };
    Diagnostic::error(
        code,
        format!("expected `{close}` to close the {} opened here, found {found}", open.owner),
    )
    .with_primary(primary, format!("expected `{close}`"))
    .with_secondary(open.span, format!("the {} opened here", open.owner))
    .with_help(format!("add `{close}` to close the {}", open.owner))
}

/// E0104/E0105: the input (or the item) ends with brackets still open.
fn unclosed_at_end(ctx: &Context) -> Option<Diagnostic> {
    let at_end = ctx.found.tok == Tok::Eof
        || (ctx.found.line_start
            && matches!(ctx.found_text(), "agent" | "fn" | "extern")
            && ctx.found.span.start > 0
            && ctx.source.as_bytes().get(ctx.found.span.start - 1) == Some(&b'\n'));
    if !at_end {
        return None;
    }
    let open = ctx.innermost()?;
    let code = if open.kind == Frame::Brace { codes::UNCLOSED_BLOCK } else { codes::UNCLOSED_BRACKET };
    Some(unclosed(ctx, open, code))
}

/// E0104: an item-level keyword (`on`, `fn`, `security`, ...) inside a block that should
/// have been closed before it.
fn item_keyword_inside_block(ctx: &Context) -> Option<Diagnostic> {
    let word = ctx.found_text();
    if ctx.found.tok != Tok::Word
        || !matches!(word, "on" | "fn" | "metadata" | "security" | "resources" | "agent")
    {
        return None;
    }
    let open = ctx.innermost()?;
    let in_agent = open.owner.starts_with("agent ");
    if open.kind != Frame::Brace || (in_agent && word != "agent") {
        return None;
    }
    Some(unclosed(ctx, open, codes::UNCLOSED_BLOCK))
}

/// E0107 stray comma, E0106 `=` for `:` (and back), E0126 `=` for `==`.
fn separators(ctx: &Context) -> Option<Diagnostic> {
    let found = ctx.found_text();
    let owner = ctx.innermost().map(|o| o.owner.as_str()).unwrap_or("");
    let further = ctx.further.map(|t| ctx.text(t.span)).or(Some(found));
    match found {
        "," => {
            let label = match ctx.prev(0) {
                Some("," | "(" | "[" | "{") => "nothing comes before this comma",
                _ => "this comma is not expected here",
            };
            Some(
                Diagnostic::error(codes::STRAY_COMMA, "unexpected `,`")
                    .with_primary(at(ctx), label)
                    .with_help("remove the comma; commas only separate elements, arguments, parameters and entries"),
            )
        }
        "=" | "==" if ctx.expects_rule(Rule::block) || ctx.expects_token("{") => {
            let condition = ctx.before.iter().any(|t| matches!(ctx.text(t.span), "if" | "while"));
            condition.then(|| {
                Diagnostic::error(codes::ASSIGN_FOR_EQUALS, "use `==` to compare")
                    .with_primary(at(ctx), "`=` assigns; it cannot be a condition")
                    .with_help("write `==` to test for equality")
            })
        }
        "==" if ctx.prev(1) == Some("let") || ctx.expects_token("=") => Some(
            Diagnostic::error(codes::ASSIGN_FOR_EQUALS, "use `=` to give a variable its value")
                .with_primary(at(ctx), "`==` compares two values")
                .with_help("write `let name = value`"),
        ),
        _ if further == Some("=") && ctx.expects_token(":") => {
            let help = if owner == "map" {
                "map entries are written `key: value`"
            } else if owner.starts_with("argument list") {
                "named arguments are written `name: value`"
            } else if owner == "parameter list" {
                "parameters are written `name: Type`, and a default follows the type: `name: Type = value`"
            } else {
                "write `:` here"
            };
            Some(
                Diagnostic::error(codes::EQUALS_FOR_COLON, "expected `:`, found `=`")
                    .with_primary(ctx.further.map_or(at(ctx), |t| t.span), "expected `:` here")
                    .with_help(help),
            )
        }
        ":" if ctx.expects_token("=") || ctx.expects_rule(Rule::assign_op) || ctx.expects_rule(Rule::infix_op) => Some(
            Diagnostic::error(codes::EQUALS_FOR_COLON, "expected `=`, found `:`")
                .with_primary(at(ctx), "`:` does not assign")
                .with_help("assign with `=` (`x = 5`, `let x: Int = 5`); `:` separates keys from values in maps, settings blocks and named arguments"),
        ),
        _ => None,
    }
}

/// When the error is where a schedule or webhook header needs a string and something else
/// is written: what the string is, and an example with `{}` where it goes.
fn unquoted_source_string(ctx: &Context) -> Option<(&'static str, &'static str)> {
    if matches!(ctx.found.tok, Tok::Str { .. }) {
        return None;
    }
    let after_string =
        |word: &str| ctx.prev(1).is_some_and(|p| p.ends_with('"')) && ctx.prev(2) == Some(word);
    Some(match ctx.prev(0)? {
        "schedule" if ctx.prev(1) == Some("on") => ("the cron expression", "`on schedule \"{}\" { ... }`"),
        "webhook" if ctx.prev(1) == Some("on") => {
            ("the webhook's name", "`on webhook \"{}\" secret \"ENV_VAR\" { ... }`")
        }
        "as" if after_string("schedule") => {
            ("the schedule's name", "`on schedule \"0 9 * * *\" as \"{}\" { ... }`")
        }
        "secret" if after_string("webhook") => {
            ("the name of the secret's environment variable", "`on webhook \"name\" secret \"{}\" { ... }`")
        }
        _ => return None,
    })
}

/// Mistakes around particular keywords: `for` without `in`, `on` without `trigger`, a
/// trigger name without quotes, `catch` without a name, `else` without `if`, a parameter
/// without a type.
fn keyword_specific(ctx: &Context) -> Option<Diagnostic> {
    let prev = ctx.prev(0).unwrap_or("");
    let found = ctx.found_words();
    if ctx.expects_rule(Rule::kw_in) {
        return Some(
            Diagnostic::error(
                codes::FOR_WITHOUT_IN,
                format!("expected `in` after the loop variable, found {found}"),
            )
            .with_primary(at(ctx), "expected `in`")
            .with_help("write `for item in list { ... }` or `for key, value in map { ... }`"),
        );
    }
    if prev == "trigger" && !matches!(ctx.found.tok, Tok::Str { .. }) {
        let help = match ctx.found.tok {
            Tok::Word => format!("quote the name: `on trigger \"{}\" {{ ... }}`", ctx.found_text()),
            _ => "name the trigger with a string: `on trigger \"name\" { ... }`".into(),
        };
        return Some(
            Diagnostic::error(
                codes::TRIGGER_NAME_NOT_STRING,
                format!("expected the trigger's name as a string, found {found}"),
            )
            .with_primary(at(ctx), "expected a string such as \"local_processing\"")
            .with_help(help),
        );
    }
    if let Some((what, example)) = unquoted_source_string(ctx) {
        // A cron expression is several tokens: quote the rest of the header.
        let rest = &ctx.source[ctx.found.span.start.min(ctx.source.len())..];
        let unquoted = match ctx.prev(0) {
            Some("schedule") => rest[..rest.find(['{', '\n']).unwrap_or(rest.len())].trim_end(),
            _ => ctx.found_text(),
        };
        let help = match ctx.found.tok {
            Tok::Word | Tok::Number | Tok::Punct if !unquoted.is_empty() => {
                format!("quote it: {}", example.replace("{}", unquoted))
            }
            _ => format!("write it as a string: {}", example.replace("{}", "name")),
        };
        return Some(
            Diagnostic::error(
                codes::TRIGGER_NAME_NOT_STRING,
                format!("expected {what} as a string, found {found}"),
            )
            .with_primary(at(ctx), "expected a string")
            .with_help(help),
        );
    }
    if prev == "on" && ctx.expects_rule(Rule::kw_trigger) {
        return Some(
            Diagnostic::error(codes::ON_WITHOUT_TRIGGER, format!("expected `trigger`, `schedule` or `webhook` after `on`, found {found}"))
                .with_primary(at(ctx), "expected `trigger`, `schedule` or `webhook`")
                .with_help(
                    "a handler is written `on trigger \"name\" { ... }`, `on schedule \"0 9 * * *\" { ... }` or `on webhook \"name\" secret \"ENV_VAR\" { ... }`",
                ),
        );
    }
    if prev == "catch" {
        return Some(
            Diagnostic::error(codes::CATCH_WITHOUT_NAME, "`catch` needs a name for the error")
                .with_primary(at(ctx), "expected a name before the block")
                .with_help("write `catch err { ... }`; `err` is a map with `message`, `code` and `span`"),
        );
    }
    if ctx.found_text() == "else" {
        return Some(
            Diagnostic::error(codes::ELSE_WITHOUT_IF, "`else` without a matching `if`")
                .with_primary(at(ctx), "no `if` block ends right before this `else`")
                .with_help("put `else` right after the closing `}` of an `if` block"),
        );
    }
    let param_list = ctx.innermost().is_some_and(|o| o.owner == "parameter list");
    let further = ctx.further.map(|t| ctx.text(t.span));
    if param_list && ctx.found.tok == Tok::Word && matches!(further, Some(")" | "," | "=")) {
        let name = ctx.found_text();
        return Some(
            Diagnostic::error(codes::PARAMETER_WITHOUT_TYPE, format!("parameter `{name}` needs a type"))
                .with_primary(at(ctx), "no type given")
                .with_help(format!("write `{name}: Type`, for example `{name}: String`")),
        );
    }
    None
}

/// E0118: something other than an item at the top level.
fn top_level(ctx: &Context) -> Option<Diagnostic> {
    if !ctx.open.is_empty() || !ctx.expects_rule(Rule::EOI) {
        return None;
    }
    let word = ctx.found_text();
    let help = match word {
        "function" | "func" | "fun" | "def" | "fnc" => {
            "functions are declared with `fn`: `fn name(x: Int) -> Int { ... }`"
        }
        "on" | "metadata" | "security" | "resources" | "let" | "if" | "for" | "while" => {
            "this belongs inside an agent: `agent Name { ... }`"
        }
        "Agent" | "AGENT" | "agnet" | "agen" => "the keyword is `agent`, in lower case",
        _ => "a file holds `agent Name { ... }` definitions and `fn` functions",
    };
    Some(
        Diagnostic::error(
            codes::NOT_AN_ITEM,
            format!("expected `agent` or `fn` at the top level, found {}", ctx.found_words()),
        )
        .with_primary(at(ctx), "not an item")
        .with_help(help),
    )
}

/// E0124: a character the language does not use.
fn stray_character(ctx: &Context) -> Option<Diagnostic> {
    let text = ctx.found_text();
    let odd = ctx.found.tok == Tok::Punct
        && (matches!(text, "@" | "$" | "^" | "~" | "`" | "'" | "&" | "|" | "\\" | "?" | "=>")
            || !text.is_ascii());
    if !odd {
        return None;
    }
    let help = match text {
        "'" => "strings are written in double quotes: \"text\"",
        "\u{201C}" | "\u{201D}" | "\u{2018}" | "\u{2019}" => {
            "this is a typographic quote; strings use the straight double quote `\"`"
        }
        "&" | "|" => "logical operators are `&&` and `||`",
        _ => "remove this character",
    };
    Some(
        Diagnostic::error(codes::UNEXPECTED_CHARACTER, format!("unexpected character `{}`", printable(text)))
            .with_primary(at(ctx), "not part of the language")
            .with_help(help),
    )
}

/// E0116: two values in a list, argument list or map with no comma between them.
fn missing_comma(ctx: &Context) -> Option<Diagnostic> {
    let open = ctx.innermost()?;
    let what = match open.kind {
        Frame::Bracket => "list elements",
        Frame::Paren if open.owner == "parameter list" => "parameters",
        Frame::Paren if open.owner.starts_with("argument list") => "arguments",
        Frame::Brace if open.owner == "map" => "map entries",
        _ => return None,
    };
    if !ctx.found_starts_value() || !ctx.expects_token(",") {
        return None;
    }
    // A keyword that starts the next line is the next statement: the bracket (or a map's
    // brace) was never closed (`print(len(x)` then `let y = 1`), no comma is missing.
    let keyword =
        KEYWORDS.contains(&ctx.found_text()) && !matches!(ctx.found_text(), "true" | "false" | "null");
    if ctx.found.line_start && keyword {
        let code = if open.kind == Frame::Brace { codes::UNCLOSED_BLOCK } else { codes::UNCLOSED_BRACKET };
        return Some(unclosed(ctx, open, code));
    }
    let before = ctx.prev_span().map_or(at(ctx), |s| Span::point(s.end));
    Some(
        Diagnostic::error(codes::MISSING_COMMA, format!("expected `,` between {what}"))
            .with_primary(before, "add a comma here")
            .with_secondary(at(ctx), "the next one starts here")
            .with_help(format!("separate {what} with commas")),
    )
}

/// E0123: a value is missing (`let x = }`, `f(1 +)`).
fn missing_value(ctx: &Context) -> Option<Diagnostic> {
    let wants_value =
        ctx.expects_rule(Rule::expr) || ctx.expects_rule(Rule::prefix_op) || ctx.expects_rule(Rule::list);
    if !wants_value || ctx.found_starts_value() {
        return None;
    }
    let after = ctx.prev(0).map(|p| format!(" after `{p}`")).unwrap_or_default();
    Some(
        Diagnostic::error(
            codes::MISSING_VALUE,
            format!("expected a value{after}, found {}", ctx.found_words()),
        )
        .with_primary(at(ctx), "expected an expression here")
        .with_help("write a value: a literal, a name, a call, ..."),
    )
}

/// E0101: anything else, as "expected X, found Y".
fn generic(ctx: &Context) -> Diagnostic {
    let mut expected = ctx.expected_words();
    let in_agent = ctx.innermost().filter(|o| o.owner.starts_with("agent "));
    let mut diagnostic;
    if let Some(agent) = in_agent {
        let word = ctx.found_text();
        diagnostic = Diagnostic::error(
            codes::UNEXPECTED_TOKEN,
            format!(
                "expected `metadata`, `security`, `resources`, `on trigger` or `fn` inside {}, found {}",
                agent.owner,
                ctx.found_words()
            ),
        )
        .with_primary(at(ctx), "not allowed directly inside an agent");
        let help = match word {
            "tier" | "sandbox" | "capabilities" | "allowed_executables" => {
                Some(format!("`{word}` goes inside `security {{ ... }}`"))
            }
            "name" | "version" | "description" | "author" | "tags" => {
                Some(format!("`{word}` goes inside `metadata {{ ... }}`"))
            }
            "max_memory_mb" | "max_cpu_seconds" | "max_cpu_cores" | "timeout" | "max_output_bytes" => {
                Some(format!("`{word}` goes inside `resources {{ ... }}`"))
            }
            "trigger" => Some("a handler starts with `on`: `on trigger \"name\" { ... }`".into()),
            _ => None,
        };
        if let Some(h) = help {
            diagnostic = diagnostic.with_help(h);
        }
        return diagnostic;
    }
    if KEYWORDS.contains(&ctx.found_text()) && (ctx.expects_rule(Rule::ident) || ctx.expects_rule(Rule::expr))
    {
        return Diagnostic::error(
            codes::KEYWORD_AS_NAME,
            format!("`{}` is a keyword and cannot be used as a name", ctx.found_text()),
        )
        .with_primary(at(ctx), "reserved word")
        .with_help("choose another name");
    }
    expected.truncate(6);
    let list = match expected.len() {
        0 => "something else".to_string(),
        1 => expected[0].clone(),
        n => format!("{} or {}", expected[..n - 1].join(", "), expected[n - 1]),
    };
    diagnostic =
        Diagnostic::error(codes::UNEXPECTED_TOKEN, format!("expected {list}, found {}", ctx.found_words()))
            .with_primary(at(ctx), format!("expected {list}"));
    if let Some(open) = ctx.innermost() {
        diagnostic = diagnostic.with_secondary(open.span, format!("inside the {} opened here", open.owner));
    }
    diagnostic
}
