//! Misspelt keywords (`metdata {`, `agnet A`, `func f(`, `retrun x`, `lett x = 1`,
//! `} esle {`, `var`, `const`, `def`): found by the word's place (what stands around it on
//! its line), reported as E0129 with the keyword, and repaired in a copy of the text so the
//! rest of the item is parsed and checked as if the keyword were spelt right.
//!
//! A repair never changes the length of the text: the keyword replaces the word, padded
//! with spaces, or takes spare blanks after it (`securty {` becomes `security{`). A word too
//! short for its keyword with no blank to spare is reported and left as it is.
//!
//! `} elif cond {` (E0110, also `elsif`, `elseif`) has no room for `else if`: it is read as
//! `} else {` with the condition left out, so the block and the rest are still checked.

use super::scan::{Scanner, Tok, Token};
use crate::diag::codes::{ELIF, MISSPELT_KEYWORD};
use crate::diag::{Diagnostic, Fix, Span};

/// What other languages write for `else if`.
pub(crate) const ELIF_WORDS: [&str; 5] = ["elif", "elsif", "elseif", "elsef", "else_if"];

/// E0110 for the word `word` at `span`, written for `else if`.
pub(crate) fn elif_diagnostic(word: &str, span: Span) -> Diagnostic {
    Diagnostic::error(ELIF, format!("`{word}` is not a keyword"))
        .with_primary(span, "write `else if` here")
        .with_help("a further condition is written `} else if condition {`")
}

/// Words people bring from other languages, with the keyword symbi uses instead.
const BORROWED: [(&str, &str); 9] = [
    ("function", "fn"),
    ("func", "fn"),
    ("fun", "fn"),
    ("def", "fn"),
    ("fnc", "fn"),
    ("var", "let"),
    ("const", "let"),
    ("val", "let"),
    ("mut", "let"),
];

/// The keywords a statement can start with, for [`statement_keyword`].
const STATEMENT_KEYWORDS: [&str; 8] = ["let", "return", "while", "for", "break", "continue", "else", "catch"];

/// One misspelt keyword.
#[derive(Clone, Debug)]
pub(crate) struct Typo {
    /// The word as written.
    pub word: Span,
    /// The keyword meant.
    pub keyword: &'static str,
    /// The text the repair replaces (the word and the blanks it takes), if it fits.
    pub cover: Option<Span>,
    /// True for `elif`: the repair writes `else` over the word and its condition.
    pub elif: bool,
}

impl Typo {
    /// The E0129 diagnostic.
    pub fn diagnostic(&self, source: &str) -> Diagnostic {
        let word = &source[self.word.start..self.word.end];
        if self.elif {
            return elif_diagnostic(word, self.word).with_fix(Fix::UseName { name: "else if".to_string() });
        }
        let help = match (word, self.keyword) {
            (_, "fn") => "functions are declared with `fn`: `fn name(x: Int) -> Int { ... }`".to_string(),
            ("var" | "const" | "val" | "mut", _) => {
                "variables are declared with `let`: `let x = 1` (assign again with `x = 2`)".to_string()
            }
            (_, keyword) => format!("write `{keyword}`"),
        };
        Diagnostic::error(MISSPELT_KEYWORD, format!("`{word}` is not a keyword"))
            .with_primary(self.word, format!("did you mean `{}`?", self.keyword))
            .with_help(help)
            .with_fix(Fix::UseName { name: self.keyword.to_string() })
    }
}

/// The statement keyword a word written where a variable was expected most likely means
/// (`retrun` → `return`, `var` → `let`), for the checker's "unknown variable".
pub fn statement_keyword(word: &str) -> Option<&'static str> {
    if word.len() < 4 && !BORROWED.iter().any(|(w, _)| *w == word) {
        return None;
    }
    keyword_for(word, &STATEMENT_KEYWORDS)
}

/// The keyword among `allowed` that `word` is a misspelling of: a borrowed word, or one
/// edit away (a swapped pair of letters is one edit).
fn keyword_for(word: &str, allowed: &[&'static str]) -> Option<&'static str> {
    if super::lower::KEYWORDS.contains(&word) {
        return None;
    }
    if let Some((_, k)) = BORROWED.iter().find(|(w, k)| *w == word && allowed.contains(k)) {
        return Some(k);
    }
    if word.len() < 3 {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    allowed.iter().copied().find(|k| strsim::osa_distance(&lower, k) <= 1)
}

/// Every misspelt keyword of `source`, in order.
pub(crate) fn find(source: &str) -> Vec<Typo> {
    let tokens = tokens(source);
    let mut found = Vec::new();
    for (i, (token, depth)) in tokens.iter().enumerate() {
        if token.tok != Tok::Word {
            continue;
        }
        let text = |k: usize| tokens.get(k).map_or("", |(t, _)| &source[t.span.start..t.span.end]);
        let same_line = |k: usize| tokens.get(k).is_some_and(|(t, _)| !t.line_start && t.tok != Tok::Eof);
        let word = text(i);
        let after_close = i > 0 && !token.line_start && text(i - 1) == "}";
        if after_close && ELIF_WORDS.contains(&word) {
            // `} elif cond {`: the `{` that opens its block, on its line at its depth.
            let block = tokens[i + 1..]
                .iter()
                .take_while(|(t, _)| !t.line_start && t.tok != Tok::Eof)
                .find(|(t, d)| d == depth && t.tok == Tok::Open && &source[t.span.start..t.span.end] == "{");
            if let Some((brace, _)) = block {
                let cover = Some(Span::new(token.span.start, brace.span.start));
                found.push(Typo { word: token.span, keyword: "else", cover, elif: true });
            }
            continue;
        }
        // A statement starts a line, or follows `{` or `;` on the line.
        let starts_statement = token.line_start || (i > 0 && matches!(text(i - 1), "{" | ";"));
        let keyword = if token.line_start && *depth == 0 {
            // `agnet Name {`, `func name(`
            same_line(i + 1).then(|| keyword_for(word, &["agent", "fn"])).flatten()
        } else if after_close {
            // `} esle {`, `} esle if`, `} cacth err {`
            match text(i + 1) {
                "{" | "if" => keyword_for(word, &["else"]),
                _ if text(i + 2) == "{" => keyword_for(word, &["catch"]),
                _ => None,
            }
        } else if starts_statement {
            in_block(word, &|k| text(i + k), &|k| same_line(i + k))
        } else if text(i.wrapping_sub(1)) == "on"
            && matches!(tokens.get(i + 1), Some((t, _)) if matches!(t.tok, Tok::Str { .. }))
        {
            keyword_for(word, &["trigger"])
        } else {
            None
        };
        if let Some(keyword) = keyword {
            let next = tokens.get(i + 1).map(|(t, _)| *t);
            found.push(Typo {
                word: token.span,
                keyword,
                cover: cover(source, token.span, keyword, next),
                elif: false,
            });
        }
    }
    found
}

/// A misspelt keyword at the start of a line inside braces, judged by what follows it.
fn in_block<'s>(
    word: &str,
    text: &dyn Fn(usize) -> &'s str,
    same_line: &dyn Fn(usize) -> bool,
) -> Option<&'static str> {
    let next_is_word = same_line(1) && text(1).starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if same_line(1) && text(1) == "{" {
        // `metdata {`, `securty {`
        return keyword_for(word, &["metadata", "security", "resources"]);
    }
    if next_is_word && text(2) == "(" {
        // `func helper(` inside an agent
        return keyword_for(word, &["fn"]);
    }
    if next_is_word && matches!(text(2), "=" | ":") {
        // `lett x = 1`, `var x: Int = 1`
        return keyword_for(word, &["let"]);
    }
    if next_is_word && matches!(text(2), "in" | ",") {
        return keyword_for(word, &["for"]);
    }
    if !same_line(1) || text(1) == "}" {
        // A word alone on its line: `brek`, `contniue`, `retrun`.
        return keyword_for(word, &["break", "continue", "return"]);
    }
    let value_follows = text(1).starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '"');
    if word.len() >= 4 && value_follows {
        // `retrun x`, `whlie x < 3 {`
        return keyword_for(word, &["return", "while"]);
    }
    None
}

/// The span a repair of the word at `word` into `keyword` replaces, if the keyword fits in
/// the word and the blanks after it on its line (keeping one blank before a following word).
fn cover(source: &str, word: Span, keyword: &str, next: Option<Token>) -> Option<Span> {
    if keyword.len() <= word.len() {
        return Some(word);
    }
    let blanks = source[word.end..].bytes().take_while(|b| matches!(b, b' ' | b'\t')).count();
    let needs_gap = next.is_some_and(|t| {
        !t.line_start && matches!(t.tok, Tok::Word | Tok::Number | Tok::Str { .. } | Tok::RawStr { .. })
    });
    let spare = blanks.saturating_sub(usize::from(needs_gap));
    let extra = keyword.len() - word.len();
    (spare >= extra).then(|| Span::new(word.start, word.end + extra))
}

/// The text with every repairable typo replaced by its keyword (same length).
pub(crate) fn repaired(source: &str, typos: &[Typo]) -> String {
    let mut text = source.to_string();
    for typo in typos {
        if let Some(cover) = typo.cover {
            let padded = format!("{:<width$}", typo.keyword, width = cover.len());
            text.replace_range(cover.start..cover.end, &padded);
        }
    }
    text
}

/// Every token with the number of brackets open around it.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let mut scanner = Scanner::new(source, 0);
    let mut out = Vec::new();
    loop {
        let depth = scanner.frames.len();
        let token = scanner.next_token();
        out.push((token, depth));
        if token.tok == Tok::Eof || out.len() > source.len() + 1 {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typos(source: &str) -> Vec<(String, &'static str)> {
        find(source).into_iter().map(|t| (source[t.word.start..t.word.end].to_string(), t.keyword)).collect()
    }

    #[test]
    fn keywords_are_found_by_their_place() {
        let source =
            "agnet A {\n  metdata {\n  }\n  func f(x: Int) {\n    lett y = 1\n    retrun y\n  }\n}\n";
        assert_eq!(
            typos(source),
            [
                ("agnet".into(), "agent"),
                ("metdata".into(), "metadata"),
                ("func".into(), "fn"),
                ("lett".into(), "let"),
                ("retrun".into(), "return")
            ]
        );
        assert_eq!(typos("fn f() {\n  if x {\n  } esle {\n  }\n  var n = 1\n  brek\n}\n").len(), 3);
    }

    #[test]
    fn names_in_other_places_are_left_alone() {
        assert!(typos("fn f() {\n  let set = 1\n  print(lett)\n  form = 2\n  x.retrun(1)\n}\n").is_empty());
    }

    #[test]
    fn elif_is_read_as_else_without_its_condition() {
        let source = "fn f(x: Int) {\n  if x > 1 {\n  } elif x > 0 {\n    print(x)\n  }\n}\n";
        let found = find(source);
        assert_eq!(found.len(), 1);
        assert!(found[0].elif);
        let fixed = repaired(source, &found);
        assert_eq!(fixed, "fn f(x: Int) {\n  if x > 1 {\n  } else       {\n    print(x)\n  }\n}\n");
    }

    #[test]
    fn repairs_keep_the_length() {
        let source = "agent A {\n  securty {\n  }\n}\n";
        let fixed = repaired(source, &find(source));
        assert_eq!(fixed, "agent A {\n  security{\n  }\n}\n");
        let tight = "fn f() {\n  retun x\n}\n";
        assert!(find(tight)[0].cover.is_none(), "no blank to spare");
    }
}
