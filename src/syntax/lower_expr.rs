//! Lowering of blocks, statements and expressions.
//!
//! Expressions arrive from the grammar as one flat run `operand (infix operand)*`; the
//! precedence of language.md is applied here by an explicit-stack precedence climb, so a
//! long chain `a + b + ... + z` costs no recursion. Every node's depth is tracked and a
//! tree deeper than [`MAX_EXPR_DEPTH`](super::MAX_EXPR_DEPTH) is refused (E0119), so the
//! checker, the interpreter and even `Drop` never recurse without bound.

use super::MAX_EXPR_DEPTH;
use super::ast::*;
use super::literal::{self, Number};
use super::lower::{KEYWORDS, Lowerer};
use super::parse::Rule;
use crate::diag::codes;
use crate::diag::{Diagnostic, Span};
use pest::iterators::Pair;

/// An expression with the depth of its tree.
type Deep = (Expr, u32);

impl Lowerer<'_> {
    /// A `{ statements }` block.
    pub fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let stmts = pair.into_inner().filter_map(|p| self.stmt(p)).collect();
        Block { stmts, span }
    }

    fn stmt(&mut self, pair: Pair<'_, Rule>) -> Option<Stmt> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
        let kind = match rule {
            Rule::let_stmt => {
                let name = self.binding(&inner.next()?, "a variable");
                let mut ty = None;
                let mut value = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::type_expr => ty = Some(self.type_expr(p)),
                        _ => value = Some(self.expr(p)),
                    }
                }
                StmtKind::Let { name, ty, value: value? }
            }
            Rule::if_stmt => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                let mut cond = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::expr => cond = Some(self.expr(p)),
                        _ => {
                            let block = self.block(p);
                            match cond.take() {
                                Some(c) => branches.push((c, block)),
                                None => otherwise = Some(block),
                            }
                        }
                    }
                }
                StmtKind::If { branches, otherwise }
            }
            Rule::for_stmt => {
                let mut names = Vec::new();
                let mut iter = None;
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::ident => names.push(self.binding(&p, "a loop variable")),
                        Rule::expr => iter = Some(self.expr(p)),
                        _ => body = Some(self.block(p)),
                    }
                }
                let item = names.pop()?;
                StmtKind::For { key: names.pop(), item, iter: iter?, body: body? }
            }
            Rule::while_stmt => {
                let cond = self.expr(inner.next()?);
                StmtKind::While { cond, body: self.block(inner.next()?) }
            }
            Rule::return_stmt => StmtKind::Return(inner.next().map(|p| self.expr(p))),
            Rule::try_stmt => {
                let body = self.block(inner.next()?);
                let err = self.binding(&inner.next()?, "the caught error");
                StmtKind::Try { body, err, handler: self.block(inner.next()?) }
            }
            Rule::expr_stmt => {
                let target = self.expr(inner.next()?);
                match (inner.next(), inner.next()) {
                    (Some(op), Some(value)) => {
                        let op = if op.as_str() == "+=" { AssignOp::Add } else { AssignOp::Set };
                        self.check_target(&target);
                        StmtKind::Assign { target, op, value: self.expr(value) }
                    }
                    _ => StmtKind::Expr(target),
                }
            }
            _ => return None,
        };
        Some(Stmt { kind, span })
    }

    /// E0122 unless `target` is a variable, a field or an index.
    fn check_target(&mut self, target: &Expr) {
        if !matches!(target.kind, ExprKind::Var(_) | ExprKind::Field { .. } | ExprKind::Index { .. }) {
            self.report(
                Diagnostic::error(codes::INVALID_ASSIGNMENT_TARGET, "cannot assign to this expression")
                    .with_primary(target.span, "not a variable, field or index")
                    .with_help("assign to a variable (`x = ...`), a field (`m.key = ...`) or an index (`xs[0] = ...`)"),
            );
        }
    }

    /// An `expr` pair (or any pair that is an expression on its own).
    pub fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        self.deep_expr(pair).0
    }

    fn deep_expr(&mut self, pair: Pair<'_, Rule>) -> Deep {
        if pair.as_rule() != Rule::expr {
            return self.primary(pair);
        }
        // Operands and operators in source order; climb with two stacks.
        let mut operands: Vec<Deep> = Vec::new();
        let mut ops: Vec<BinaryOp> = Vec::new();
        let mut inner = pair.into_inner().peekable();
        loop {
            let mut prefixes = Vec::new();
            while let Some(p) = inner.next_if(|p| p.as_rule() == Rule::prefix_op) {
                prefixes.push(p);
            }
            let Some(primary) = inner.next() else { break };
            let mut postfixes = Vec::new();
            while let Some(p) =
                inner.next_if(|p| matches!(p.as_rule(), Rule::call_args | Rule::member | Rule::index))
            {
                postfixes.push(p);
            }
            let operand = self.operand(prefixes, primary, postfixes);
            let Some(op) = inner.next() else {
                // Most expressions are one operand: return it without touching the stacks,
                // whose first push would allocate.
                if operands.is_empty() {
                    return operand;
                }
                operands.push(operand);
                break;
            };
            operands.push(operand);
            let op = binary_op(op.as_str());
            while ops.last().is_some_and(|top| top.precedence() >= op.precedence()) {
                self.reduce(&mut operands, &mut ops);
            }
            ops.push(op);
        }
        while !ops.is_empty() {
            self.reduce(&mut operands, &mut ops);
        }
        operands.pop().unwrap_or((Expr { kind: ExprKind::Null, span: Span::default() }, 1))
    }

    fn reduce(&mut self, operands: &mut Vec<Deep>, ops: &mut Vec<BinaryOp>) {
        let (Some(op), Some(rhs), Some(lhs)) = (ops.pop(), operands.pop(), operands.pop()) else { return };
        let span = lhs.0.span.to(rhs.0.span);
        let kind = ExprKind::Binary { op, lhs: Box::new(lhs.0), rhs: Box::new(rhs.0) };
        operands.push(self.node(kind, span, lhs.1.max(rhs.1)));
    }

    /// Wraps a new node over children of depth `below`, refusing trees that are too deep.
    fn node(&mut self, kind: ExprKind, span: Span, below: u32) -> Deep {
        if below >= MAX_EXPR_DEPTH {
            self.report_too_deep(span);
            return (Expr { kind: ExprKind::Null, span }, 1);
        }
        (Expr { kind, span }, below + 1)
    }

    fn operand(
        &mut self,
        prefixes: Vec<Pair<'_, Rule>>,
        primary: Pair<'_, Rule>,
        postfixes: Vec<Pair<'_, Rule>>,
    ) -> Deep {
        let mut prefixes = prefixes;
        // `-9223372036854775808` is the one negative literal whose magnitude is no i64.
        if postfixes.is_empty()
            && primary.as_rule() == Rule::number
            && literal::is_i64_min_magnitude(primary.as_str())
            && prefixes.last().is_some_and(|p| p.as_str() == "-")
            && let Some(minus) = prefixes.pop()
        {
            let span = self.span(&minus).to(self.span(&primary));
            let current = (Expr { kind: ExprKind::Int(i64::MIN), span }, 1);
            return self.prefixed(prefixes, current);
        }
        let mut postfixes = postfixes.into_iter().peekable();
        let mut current = match postfixes.next_if(|p| p.as_rule() == Rule::call_args) {
            Some(args) if primary.as_rule() == Rule::ident => {
                let callee = self.ident(&primary);
                let span = callee.span.to(self.span(&args));
                let (args, depth) = self.args(args);
                self.node(ExprKind::Call { callee, args }, span, depth)
            }
            Some(args) => {
                let target = self.deep_expr(primary);
                self.not_callable(&target.0, self.span(&args));
                target
            }
            None => self.deep_expr(primary),
        };
        for post in postfixes {
            let span = current.0.span.to(self.span(&post));
            current = match post.as_rule() {
                Rule::member => {
                    let mut inner = post.into_inner();
                    let Some(name) = inner.next() else { continue };
                    let name = self.ident(&name);
                    match inner.next() {
                        Some(args) => {
                            let (args, depth) = self.args(args);
                            let receiver = Box::new(current.0);
                            let kind = ExprKind::Method { receiver, method: name, args };
                            self.node(kind, span, current.1.max(depth))
                        }
                        None => self.node(
                            ExprKind::Field { target: Box::new(current.0), field: name },
                            span,
                            current.1,
                        ),
                    }
                }
                Rule::index => {
                    let Some(index) = post.into_inner().next() else { continue };
                    let index = self.deep_expr(index);
                    let kind = ExprKind::Index { target: Box::new(current.0), index: Box::new(index.0) };
                    self.node(kind, span, current.1.max(index.1))
                }
                _ => {
                    self.not_callable(&current.0, self.span(&post));
                    current
                }
            };
        }
        self.prefixed(prefixes, current)
    }

    /// Applies prefix operators, innermost (rightmost) first.
    fn prefixed(&mut self, prefixes: Vec<Pair<'_, Rule>>, mut current: Deep) -> Deep {
        for prefix in prefixes.into_iter().rev() {
            let span = self.span(&prefix).to(current.0.span);
            let op = if prefix.as_str() == "!" { UnaryOp::Not } else { UnaryOp::Neg };
            current = self.node(ExprKind::Unary { op, operand: Box::new(current.0) }, span, current.1);
        }
        current
    }

    fn not_callable(&mut self, target: &Expr, args: Span) {
        self.report(
            Diagnostic::error(codes::CALL_OF_NON_NAME, "only a function name can be called")
                .with_primary(args, "these arguments follow something that is not a name")
                .with_secondary(target.span, "this is not a function name")
                .with_help("call a function by its name (`f(x)`) or a method (`value.m(x)`)"),
        );
    }

    fn args(&mut self, pair: Pair<'_, Rule>) -> (Vec<Arg>, u32) {
        let mut args = Vec::new();
        let mut depth = 0;
        for arg in pair.into_inner() {
            let span = self.span(&arg);
            let mut name = None;
            for p in arg.into_inner() {
                if p.as_rule() == Rule::arg_name {
                    name = Some(self.ident(&p));
                } else {
                    let value = self.deep_expr(p);
                    depth = depth.max(value.1);
                    args.push(Arg { name: name.take(), value: value.0, span });
                }
            }
        }
        (args, depth)
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> Deep {
        let span = self.span(&pair);
        let leaf = |kind| (Expr { kind, span }, 1);
        match pair.as_rule() {
            Rule::ident => match pair.as_str() {
                "true" => leaf(ExprKind::Bool(true)),
                "false" => leaf(ExprKind::Bool(false)),
                "null" => leaf(ExprKind::Null),
                word => {
                    if KEYWORDS.contains(&word) {
                        self.report(
                            Diagnostic::error(
                                codes::KEYWORD_AS_NAME,
                                format!("`{word}` is a keyword, not a value"),
                            )
                            .with_primary(span, "reserved word used as a value")
                            .with_help(
                                "keywords start statements and items; use another name for the variable",
                            ),
                        );
                    }
                    leaf(ExprKind::Var(self.ident(&pair)))
                }
            },
            Rule::string => self.deep_string(pair),
            Rule::raw_string => {
                let body = pair.into_inner().next().map_or("", |b| b.as_str());
                leaf(ExprKind::Str(vec![StrPart::Text(literal::dedent_raw(body))]))
            }
            Rule::number => match literal::number(pair.as_str()) {
                Ok(Number::Int(i)) => leaf(ExprKind::Int(i)),
                Ok(Number::Float(f)) => leaf(ExprKind::Float(f)),
                Ok(Number::Duration(ms)) => leaf(ExprKind::Duration(ms)),
                Err(problem) => {
                    self.report(problem.diagnostic(span));
                    leaf(ExprKind::Int(0))
                }
            },
            Rule::list => {
                let mut depth = 0;
                let mut items = Vec::new();
                for p in pair.into_inner() {
                    let item = self.deep_expr(p);
                    depth = depth.max(item.1);
                    items.push(item.0);
                }
                self.node(ExprKind::List(items), span, depth)
            }
            Rule::map => {
                let mut depth = 0;
                let mut entries = Vec::new();
                for entry in pair.into_inner() {
                    let mut inner = entry.into_inner();
                    let (Some(key), Some(value)) = (inner.next(), inner.next()) else { continue };
                    let key_span = self.span(&key);
                    let name = if key.as_rule() == Rule::string {
                        self.plain_string(key, "a map key").value
                    } else {
                        key.as_str().to_string()
                    };
                    let value = self.deep_expr(value);
                    depth = depth.max(value.1);
                    entries.push((MapKey { name, span: key_span }, value.0));
                }
                self.node(ExprKind::Map(entries), span, depth)
            }
            Rule::expr => self.deep_expr(pair),
            _ => leaf(ExprKind::Null),
        }
    }

    /// A `string` pair: text parts with escapes decoded, and interpolations.
    pub fn expr_of_string(&mut self, pair: Pair<'_, Rule>) -> Expr {
        self.deep_string(pair).0
    }

    fn deep_string(&mut self, pair: Pair<'_, Rule>) -> Deep {
        let span = self.span(&pair);
        let mut depth = 0;
        let mut parts: Vec<StrPart> = Vec::new();
        let mut text = String::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::str_text => text.push_str(p.as_str()),
                Rule::escape => match literal::escape(p.as_str()) {
                    Ok(c) => text.push(c),
                    Err(help) => {
                        let at = self.span(&p);
                        self.report(
                            Diagnostic::error(
                                codes::UNKNOWN_ESCAPE,
                                format!("unknown escape `{}`", p.as_str().escape_debug()),
                            )
                            .with_primary(at, "not an escape the language knows")
                            .with_note("escapes are \\n \\t \\r \\0 \\\\ \\\" \\$ and \\u{...}")
                            .with_help(help),
                        );
                    }
                },
                _ => {
                    if !text.is_empty() {
                        parts.push(StrPart::Text(std::mem::take(&mut text)));
                    }
                    if let Some(e) = p.into_inner().next() {
                        let e = self.deep_expr(e);
                        depth = depth.max(e.1);
                        parts.push(StrPart::Interp(e.0));
                    }
                }
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(StrPart::Text(text));
        }
        self.node(ExprKind::Str(parts), span, depth)
    }
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_let
            | Rule::kw_if
            | Rule::kw_else
            | Rule::kw_for
            | Rule::kw_in
            | Rule::kw_while
            | Rule::kw_return
            | Rule::kw_try
            | Rule::kw_catch
    )
}

fn binary_op(text: &str) -> BinaryOp {
    match text {
        "||" => BinaryOp::Or,
        "&&" => BinaryOp::And,
        "==" => BinaryOp::Eq,
        "!=" => BinaryOp::Ne,
        "<" => BinaryOp::Lt,
        "<=" => BinaryOp::Le,
        ">" => BinaryOp::Gt,
        ">=" => BinaryOp::Ge,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        _ => BinaryOp::Rem,
    }
}
