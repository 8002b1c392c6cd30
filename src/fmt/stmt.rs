//! Blocks and statements: one statement per line, `;` only where the next line would
//! otherwise continue the statement.

use super::expr::first_char;
use super::printer::{Gap, Printer};
use crate::syntax::ast::{AssignOp, Block, Stmt, StmtKind};

/// True when statement `i` of `stmts` must end with `;` to stay separate from the next.
///
/// Newlines are whitespace in the grammar, so `return` followed by `f()` on the next line
/// reads as `return f()`, and `x` followed by `(y)`, `[y]` or `-y` reads as a call, an
/// index or a subtraction. Everywhere else the `;` is dropped.
pub fn needs_semicolon(stmts: &[Stmt], i: usize) -> bool {
    let (Some(this), Some(next)) = (stmts.get(i), stmts.get(i + 1)) else { return false };
    match &this.kind {
        StmtKind::Return(None) => true,
        StmtKind::If { .. }
        | StmtKind::For { .. }
        | StmtKind::While { .. }
        | StmtKind::Try { .. }
        | StmtKind::Break
        | StmtKind::Continue => false,
        _ => matches!(stmt_first_char(next), '(' | '[' | '-'),
    }
}

fn stmt_first_char(s: &Stmt) -> char {
    match &s.kind {
        StmtKind::Expr(e) => first_char(e),
        StmtKind::Assign { target, .. } => first_char(target),
        _ => 'a',
    }
}

impl Printer<'_> {
    /// A block after a space: `{}` when empty, else one statement per line.
    pub fn block(&mut self, b: &Block) {
        self.inline(b.span.start);
        self.w.space();
        self.w.write("{");
        let close = b.span.end.saturating_sub(1).max(b.span.start);
        if b.stmts.is_empty() && !self.has_line_comments(b.span.start + 1, close) {
            // `{}`, or `{ /* note */ }`.
            self.inline(close);
            self.w.trim_space();
            self.w.write(if self.w.ends_with('{') { "}" } else { " }" });
            return;
        }
        let until = b.stmts.first().map_or(close, |s| s.span.start);
        self.trailing(b.span.start + 1, until);
        self.w.indent += 1;
        self.opened_at(b.span.start + 1);
        let stmts = &b.stmts;
        self.sequence(
            stmts.len(),
            |i| stmts[i].span,
            |p, i| p.stmt(&stmts[i]),
            |i| if needs_semicolon(stmts, i) { ";" } else { "" },
            Gap::Keep,
            close,
        );
        self.w.indent -= 1;
        self.w.ensure_line_start();
        self.w.write("}");
    }

    /// `else` or `catch` after the block ending at `block_end`: on the line of the closing
    /// brace (`} else`), unless a line comment after the brace ends that line.
    fn after_block(&mut self, block_end: usize, keyword: &str, limit: usize) {
        let at = self.find(keyword.chars().next().unwrap_or(' '), block_end, limit);
        self.trailing(block_end, at);
        self.inline(at);
        if self.w.line_closed() {
            self.w.ensure_line_start();
        } else {
            self.w.write(" ");
        }
        self.w.write(keyword);
    }

    /// One statement, without its line end.
    fn stmt(&mut self, s: &Stmt) {
        self.inline(s.span.start);
        match &s.kind {
            StmtKind::Let { name, ty, value } => {
                self.w.write("let ");
                self.inline(name.span.start);
                self.w.write(&name.name);
                if let Some(ty) = ty {
                    self.w.write(": ");
                    self.type_expr(ty);
                }
                self.w.write(" = ");
                self.expr(value);
            }
            StmtKind::Assign { target, op, value } => {
                self.expr(target);
                self.w.write(if *op == AssignOp::Add { " += " } else { " = " });
                self.expr(value);
            }
            StmtKind::If { branches, otherwise } => {
                for (i, (cond, body)) in branches.iter().enumerate() {
                    if i > 0 {
                        self.after_block(branches[i - 1].1.span.end, "else", cond.span.start);
                        self.w.write(" ");
                    }
                    self.w.write("if ");
                    self.expr(cond);
                    self.block(body);
                }
                if let (Some(body), Some((_, last))) = (otherwise, branches.last()) {
                    self.after_block(last.span.end, "else", body.span.start);
                    self.block(body);
                }
            }
            StmtKind::For { key, item, iter, body } => {
                self.w.write("for ");
                if let Some(key) = key {
                    self.inline(key.span.start);
                    self.w.write(&key.name);
                    self.w.write(", ");
                }
                self.inline(item.span.start);
                self.w.write(&item.name);
                self.w.write(" in ");
                self.expr(iter);
                self.block(body);
            }
            StmtKind::While { cond, body } => {
                self.w.write("while ");
                self.expr(cond);
                self.block(body);
            }
            StmtKind::Return(value) => {
                self.w.write("return");
                if let Some(value) = value {
                    self.w.write(" ");
                    self.expr(value);
                }
            }
            StmtKind::Try { body, err, handler } => {
                self.w.write("try");
                self.block(body);
                self.after_block(body.span.end, "catch", err.span.start);
                self.w.write(" ");
                self.inline(err.span.start);
                self.w.write(&err.name);
                self.block(handler);
            }
            StmtKind::Break => self.w.write("break"),
            StmtKind::Continue => self.w.write("continue"),
            StmtKind::Expr(e) => self.expr(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::syntax::ast::{Expr, ExprKind, Ident};

    fn expr_stmt(kind: ExprKind) -> Stmt {
        let span = Span::default();
        Stmt { kind: StmtKind::Expr(Expr { kind, span }), span }
    }

    fn var(name: &str) -> ExprKind {
        ExprKind::Var(Ident { name: name.into(), span: Span::default() })
    }

    #[test]
    fn semicolons_only_where_the_next_line_would_continue() {
        let ret = Stmt { kind: StmtKind::Return(None), span: Span::default() };
        let list = expr_stmt(ExprKind::List(vec![]));
        let name = expr_stmt(var("x"));
        assert!(needs_semicolon(&[ret.clone(), name.clone()], 0));
        assert!(needs_semicolon(&[name.clone(), list.clone()], 0));
        assert!(!needs_semicolon(&[list.clone(), name.clone()], 0));
        assert!(!needs_semicolon(std::slice::from_ref(&name), 0));
        assert!(!needs_semicolon(&[ret], 0));
    }
}
