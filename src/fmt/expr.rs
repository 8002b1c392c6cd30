//! Expressions: spacing, parentheses by precedence, and bracketed lists that break over
//! lines when they do not fit.

use super::printer::{Gap, Printer};
use super::writer::INDENT;
use crate::diag::Span;
use crate::syntax::ast::{Arg, Expr, ExprKind, StrPart, UnaryOp};
use crate::syntax::spelling;

/// Binding power of an expression's outermost operator; higher binds tighter.
pub fn strength(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => op.precedence(),
        ExprKind::Unary { .. } => 7,
        _ => 8,
    }
}

/// The first character an expression prints as (`(` when it needs parentheses), for
/// deciding whether two statements need a `;` between them.
pub fn first_char(e: &Expr) -> char {
    match &e.kind {
        ExprKind::List(_) => '[',
        ExprKind::Map(_) => '{',
        ExprKind::Str(_) => '"',
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Duration(_) => '0',
        ExprKind::Unary { op: UnaryOp::Neg, .. } => '-',
        ExprKind::Unary { op: UnaryOp::Not, .. } => '!',
        ExprKind::Binary { op, lhs, .. } if strength(lhs) < op.precedence() => '(',
        ExprKind::Binary { lhs, .. } => first_char(lhs),
        ExprKind::Method { receiver: t, .. }
        | ExprKind::Field { target: t, .. }
        | ExprKind::Index { target: t, .. } => {
            if strength(t) < 8 {
                '('
            } else {
                first_char(t)
            }
        }
        _ => 'a',
    }
}

impl Printer<'_> {
    /// Prints an expression, with the comments before it.
    pub fn expr(&mut self, e: &Expr) {
        self.inline(e.span.start);
        match &e.kind {
            ExprKind::Null => self.w.write("null"),
            ExprKind::Bool(b) => self.w.write(if *b { "true" } else { "false" }),
            ExprKind::Int(i) => self.number(e.span, &i.to_string()),
            ExprKind::Float(f) => self.number(e.span, &spelling::float(*f)),
            ExprKind::Duration(ms) => self.number(e.span, &spelling::format_duration(*ms)),
            ExprKind::Str(parts) => self.string(e.span, parts),
            ExprKind::List(items) => {
                let close = e.span.end.saturating_sub(1);
                self.delimited(("[", "]", false), e.span.start, close, items, |e| e.span, |p, e| p.expr(e));
            }
            ExprKind::Map(entries) => {
                let close = e.span.end.saturating_sub(1);
                let span = |(k, v): &(crate::syntax::ast::MapKey, Expr)| k.span.to(v.span);
                self.delimited(("{", "}", true), e.span.start, close, entries, span, |p, (k, v)| {
                    p.inline(k.span.start);
                    p.w.write(&spelling::map_key(&k.name));
                    p.w.write(": ");
                    p.expr(v);
                });
            }
            ExprKind::Var(id) => self.w.write(&id.name),
            ExprKind::Unary { op, operand } => {
                self.w.write(if *op == UnaryOp::Not { "!" } else { "-" });
                self.operand(operand, strength(operand) < 7);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let level = op.precedence();
                self.operand(lhs, strength(lhs) < level);
                self.w.space();
                self.w.write(op.symbol());
                self.w.write(" ");
                self.operand(rhs, strength(rhs) <= level);
            }
            ExprKind::Call { callee, args } => {
                self.w.write(&callee.name);
                self.args(callee.span.end, e.span.end, args);
            }
            ExprKind::Method { receiver, method, args } => {
                self.operand(receiver, strength(receiver) < 8);
                self.inline(method.span.start);
                self.w.write(".");
                self.w.write(&method.name);
                self.args(method.span.end, e.span.end, args);
            }
            ExprKind::Field { target, field } => {
                self.operand(target, strength(target) < 8);
                self.inline(field.span.start);
                self.w.write(".");
                self.w.write(&field.name);
            }
            ExprKind::Index { target, index } => {
                self.operand(target, strength(target) < 8);
                self.w.write("[");
                self.expr(index);
                self.inline(e.span.end.saturating_sub(1));
                self.w.trim_space();
                self.w.write("]");
            }
        }
    }

    /// An operand, in parentheses when its operator binds less tightly than its context.
    fn operand(&mut self, e: &Expr, parens: bool) {
        if parens {
            self.inline(e.span.start);
            self.w.write("(");
            self.expr(e);
            self.w.trim_space();
            self.w.write(")");
        } else {
            self.expr(e);
        }
    }

    /// A number or duration as written (`1_000`, `2.0e3`, `5m`), or `canonical` when the
    /// text at its span is not a number token.
    fn number(&mut self, span: Span, canonical: &str) {
        let text = spelling::number_text(self.text(span)).unwrap_or(canonical).to_string();
        self.w.write(&text);
    }

    /// A string literal: raw strings keep their text (re-indented), others are re-escaped.
    fn string(&mut self, span: Span, parts: &[StrPart]) {
        let source = self.text(span);
        if source.starts_with("\"\"\"") {
            let indent = INDENT.repeat(self.w.indent + 1);
            self.w.write(&super::raw_string::raw_string(source, &indent));
            return;
        }
        self.w.write("\"");
        for part in parts {
            match part {
                StrPart::Text(t) => self.w.write(&spelling::escape_text(t)),
                StrPart::Interp(e) => {
                    self.w.write("${");
                    self.flat += 1;
                    self.expr(e);
                    self.flat -= 1;
                    self.inline(self.find('}', e.span.end, span.end));
                    self.w.trim_space();
                    self.w.write("}");
                }
            }
        }
        self.w.write("\"");
    }

    /// Call arguments: `name` ends at `after`, the call at `end` (just past its `)`).
    pub fn args(&mut self, after: usize, end: usize, args: &[Arg]) {
        let open = self.find('(', after, end);
        let close = end.saturating_sub(1).max(open);
        self.delimited(
            ("(", ")", false),
            open,
            close,
            args,
            |a| a.span,
            |p, a| {
                if let Some(name) = &a.name {
                    p.inline(name.span.start);
                    p.w.write(&name.name);
                    p.w.write(": ");
                }
                p.expr(&a.value);
            },
        );
    }

    /// A bracketed, comma-separated list: on one line when it fits and holds no comment,
    /// else one element per line with a trailing comma. `brackets` is (open, close, pad):
    /// `pad` puts spaces inside a one-line form (`{ a: 1 }`). `open` and `close` are the
    /// offsets of the brackets in the source.
    pub fn delimited<T>(
        &mut self,
        brackets: (&str, &'static str, bool),
        open: usize,
        close: usize,
        items: &[T],
        span: impl Fn(&T) -> Span,
        mut print: impl FnMut(&mut Self, &T),
    ) {
        let (open_text, close_text, pad) = brackets;
        self.inline(open);
        self.w.write(open_text);
        if !self.has_line_comments(open + 1, close) {
            if items.is_empty() && !self.has_comments(open + 1, close) {
                self.w.write(close_text);
                return;
            }
            let checkpoint = self.checkpoint();
            self.flat += 1;
            if pad {
                self.w.write(" ");
            }
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.w.write(", ");
                }
                print(self, item);
            }
            self.inline(close);
            self.w.trim_space();
            if pad {
                self.w.write(" ");
            }
            self.w.write(close_text);
            self.flat -= 1;
            if self.flat > 0 || self.w.fits_since(checkpoint.0) {
                return;
            }
            self.rewind(checkpoint);
        }
        let until = items.first().map_or(close, |i| span(i).start);
        self.trailing(open + 1, until);
        self.w.indent += 1;
        self.opened_at(open + 1);
        self.sequence(
            items.len(),
            |i| span(&items[i]),
            |p, i| print(p, &items[i]),
            |_| ",",
            Gap::Keep,
            close,
        );
        self.w.indent -= 1;
        self.w.ensure_line_start();
        self.w.write(close_text);
    }
}
