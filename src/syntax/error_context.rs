//! What surrounds a syntax error: the open brackets and what opened them, the tokens just
//! before, the token at the error, and what the grammar expected there in plain words.

use super::lower::KEYWORDS;
use super::parse::Rule;
use super::scan::{Frame, Scanner, Tok, Token};
use crate::diag::Span;
use pest::error::{Error, ErrorVariant, InputLocation};

/// An open bracket, with a description of what it belongs to.
#[derive(Clone, Debug)]
pub(crate) struct Opener {
    /// Its kind.
    pub kind: Frame,
    /// Where the opening text is.
    pub span: Span,
    /// "security block", "agent `A`", "argument list of `f`", ...
    pub owner: String,
}

/// Everything the error heuristics look at.
pub(crate) struct Context<'s> {
    /// The whole source.
    pub source: &'s str,
    /// The absolute error position.
    pub pos: usize,
    /// Open brackets at the error, innermost last.
    pub open: Vec<Opener>,
    /// Up to four tokens before the error, last nearest.
    pub before: Vec<Token>,
    /// The token at the error.
    pub found: Token,
    /// An unterminated string or comment that reaches the error.
    pub unterminated: Option<Token>,
    /// The grammar rules pest tried at the error.
    pub rules: Vec<Rule>,
    /// The literal tokens pest tried at the error (or at `further`).
    pub tokens: Vec<String>,
    /// The token where a literal failed beyond the error position, if any.
    pub further: Option<Token>,
}

impl<'s> Context<'s> {
    /// Builds the context of `error`, found while parsing `source[start..end]`.
    pub fn new(error: &Error<Rule>, source: &'s str, start: usize) -> Self {
        let rel = match error.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
        let attempts = error.parse_attempts();
        let rules = match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            ErrorVariant::CustomError { .. } => Vec::new(),
        };
        // pest places the error where the last *rule* failed; a literal (`:` after a map
        // key) can fail further on, and that is often where the mistake is.
        let further = attempts
            .as_ref()
            .filter(|a| a.max_position > rel)
            .map(|a| Scanner::new(source, start + a.max_position).next_token());
        let pos = Span::point(start + rel).clamp_to(source).start;
        let tokens = attempts
            .map(|a| a.expected_tokens())
            .unwrap_or_default()
            .into_iter()
            // pest does not export its token type; its Display is the literal text, and
            // character ranges and built-in rules (`a..z`, `BUILTIN_RULE`) add nothing here.
            .map(|t| t.to_string())
            .filter(|t| t != "BUILTIN_RULE" && !(t.chars().count() == 4 && t.contains("..")))
            .collect();
        let mut ctx = Context {
            source,
            pos,
            open: Vec::new(),
            before: Vec::new(),
            found: Token { tok: Tok::Eof, span: Span::point(pos), line_start: false },
            unterminated: None,
            rules,
            tokens,
            further,
        };
        ctx.scan(start);
        ctx
    }

    fn scan(&mut self, start: usize) {
        let mut scanner = Scanner::new(self.source, start);
        let mut header: Vec<Token> = Vec::new();
        loop {
            let token = scanner.next_token();
            if token.span.start >= self.pos || token.tok == Tok::Eof {
                if matches!(
                    token.tok,
                    Tok::Str { closed: false } | Tok::RawStr { closed: false } | Tok::OpenComment
                ) && token.span.start <= self.pos
                {
                    self.unterminated = Some(token);
                }
                self.found = token;
                break;
            }
            if matches!(
                token.tok,
                Tok::Str { closed: false } | Tok::RawStr { closed: false } | Tok::OpenComment
            ) && token.span.end >= self.pos
            {
                self.unterminated = Some(token);
            }
            let brace_level = self.open.last().is_none_or(|o| o.kind == Frame::Brace);
            if token.line_start && brace_level && token.tok != Tok::Open {
                header.clear();
            }
            match token.tok {
                Tok::Open => {
                    let kind = match self.text(token.span) {
                        "(" => Frame::Paren,
                        "[" => Frame::Bracket,
                        _ => Frame::Brace,
                    };
                    let owner = self.owner(kind, &header);
                    self.open.push(Opener { kind, span: token.span, owner });
                    if kind == Frame::Brace {
                        header.clear();
                    } else {
                        header.push(token);
                    }
                }
                Tok::InterpOpen => {
                    let owner = "string interpolation".to_string();
                    self.open.push(Opener { kind: Frame::Interp, span: token.span, owner });
                }
                Tok::Close { matched: true } | Tok::InterpClose => {
                    let closed = self.open.pop();
                    if closed.is_some_and(|o| o.kind == Frame::Brace) {
                        header.clear();
                        header.push(token);
                    } else {
                        header.push(token);
                    }
                }
                Tok::Punct if self.text(token.span) == ";" => header.clear(),
                _ => header.push(token),
            }
            self.before.push(token);
            if self.before.len() > 4 {
                self.before.remove(0);
            }
        }
        if self.found.tok != Tok::Eof || self.pos >= self.source.len() {
            return;
        }
        // The chunk ended here but the file goes on: show what comes next.
        self.found = Scanner::new(self.source, self.pos).next_token();
    }

    /// The text of a span.
    pub fn text(&self, span: Span) -> &'s str {
        &self.source[span.clamp_to(self.source)]
    }

    /// The found token's text.
    pub fn found_text(&self) -> &'s str {
        self.text(self.found.span)
    }

    /// The text of the `n`th token before the error (0 is the nearest).
    pub fn prev(&self, n: usize) -> Option<&'s str> {
        let i = self.before.len().checked_sub(n + 1)?;
        self.before.get(i).map(|t| self.text(t.span))
    }

    /// The span of the token just before the error.
    pub fn prev_span(&self) -> Option<Span> {
        self.before.last().map(|t| t.span)
    }

    /// The innermost open bracket.
    pub fn innermost(&self) -> Option<&Opener> {
        self.open.last()
    }

    /// True when pest tried `rule` at the error.
    pub fn expects_rule(&self, rule: Rule) -> bool {
        self.rules.contains(&rule)
    }

    /// True when pest tried the literal `token` at the error.
    pub fn expects_token(&self, token: &str) -> bool {
        self.tokens.iter().any(|t| t == token)
    }

    /// The found token in words: "end of file", "keyword `on`", "`x`", "a string".
    pub fn found_words(&self) -> String {
        let text = self.found_text();
        match self.found.tok {
            Tok::Eof => "end of file".into(),
            Tok::Word if KEYWORDS.contains(&text) => format!("keyword `{text}`"),
            Tok::Word => format!("`{text}`"),
            Tok::Number => format!("number `{text}`"),
            Tok::Str { .. } | Tok::RawStr { .. } => "a string".into(),
            _ => format!("`{}`", super::spelling::printable(text)),
        }
    }

    /// True when the found token can begin an expression.
    pub fn found_starts_value(&self) -> bool {
        match self.found.tok {
            Tok::Word | Tok::Number | Tok::Str { .. } | Tok::RawStr { .. } => true,
            Tok::Open => matches!(self.found_text(), "[" | "("),
            _ => false,
        }
    }

    /// What the grammar expected, in words, most useful first.
    pub fn expected_words(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |w: String| {
            if !out.contains(&w) {
                out.push(w);
            }
        };
        for rule in &self.rules {
            if let Some(w) = rule_words(*rule) {
                add(w.to_string());
            }
        }
        for token in &self.tokens {
            if matches!(
                token.as_str(),
                "(" | "[" | "." | "\"" | "\"\"\"" | "${" | "//" | "#" | "/*" | "\u{FEFF}" | "-" | "!"
            ) || token.trim().is_empty()
            {
                continue;
            }
            add(format!("`{token}`"));
        }
        out
    }

    /// Describes the opener of a bracket from the tokens of its header.
    fn owner(&self, kind: Frame, header: &[Token]) -> String {
        let word = |i: usize| header.get(i).map(|t| self.text(t.span)).unwrap_or("");
        match kind {
            Frame::Paren => {
                if word(0) == "fn" || (word(0) == "extern" && word(1) == "fn") {
                    return "parameter list".into();
                }
                match header.last() {
                    Some(t) if t.tok == Tok::Word => format!("argument list of `{}`", self.text(t.span)),
                    _ => "parenthesis".into(),
                }
            }
            Frame::Bracket => match header.last() {
                Some(t) if matches!(t.tok, Tok::Word | Tok::Close { .. }) => "index".into(),
                _ => "list".into(),
            },
            Frame::Str | Frame::Interp => "string".into(),
            Frame::Brace => match word(0) {
                "agent" if header.len() > 1 => format!("agent `{}`", word(1)),
                "metadata" | "security" | "resources" if header.len() == 1 => format!("{} block", word(0)),
                "on" => match header.iter().find(|t| matches!(t.tok, Tok::Str { .. })) {
                    Some(t) => format!("handler of trigger {}", self.text(t.span)),
                    None => "trigger handler".into(),
                },
                "fn" => format!("function `{}`", word(1)),
                "extern" => format!("record `{}`", word(2)),
                "if" | "while" | "for" | "try" => format!("`{}` block", word(0)),
                "else" if word(1) == "if" => "`else if` block".into(),
                "else" => "`else` block".into(),
                "catch" => "`catch` block".into(),
                _ => match header.last().map(|t| self.text(t.span)) {
                    Some("=" | ":" | "(" | "," | "[" | "+=" | "return") | None => "map".into(),
                    Some(_) => "block".into(),
                },
            },
        }
    }
}

/// A grammar rule in words, or `None` for rules that only add noise to a message.
fn rule_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::agent | Rule::kw_agent => "`agent`",
        Rule::function | Rule::kw_fn => "`fn`",
        Rule::extern_fn | Rule::extern_record | Rule::kw_extern => "`extern`",
        Rule::metadata_block => "`metadata`",
        Rule::security_block => "`security`",
        Rule::resources_block => "`resources`",
        Rule::trigger | Rule::kw_on => "`on trigger`",
        Rule::kw_trigger => "`trigger`",
        Rule::schedule_source | Rule::kw_schedule => "`schedule`",
        Rule::webhook_source | Rule::kw_webhook => "`webhook`",
        Rule::kw_as => "`as`",
        Rule::kw_secret => "`secret`",
        Rule::entry | Rule::map_entry => "a `key: value` entry",
        Rule::ident | Rule::arg_name | Rule::receiver => "a name",
        Rule::string => "a string",
        Rule::number => "a number",
        Rule::expr | Rule::list | Rule::map | Rule::raw_string | Rule::prefix_op | Rule::arg => {
            "an expression"
        }
        Rule::type_expr => "a type",
        Rule::params => "`(`",
        Rule::param => "a parameter",
        Rule::record_field => "a field",
        Rule::block => "`{`",
        Rule::let_stmt
        | Rule::if_stmt
        | Rule::for_stmt
        | Rule::while_stmt
        | Rule::return_stmt
        | Rule::try_stmt
        | Rule::expr_stmt => "a statement",
        Rule::kw_in => "`in`",
        Rule::kw_catch => "`catch`",
        Rule::kw_record => "`record`",
        Rule::kw_if => "`if`",
        Rule::requires | Rule::kw_requires => "`requires`",
        Rule::infix_op => "an operator",
        Rule::assign_op => "`=`",
        Rule::EOI => "end of file",
        _ => return None,
    })
}
