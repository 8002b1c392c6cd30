//! Names in a document: every definition and use of a function, trigger or variable, with
//! what each use refers to. Definition, references and hover read this one index.

use crate::diag::Span;
use crate::syntax::ast::{self, ExprKind, StmtKind};

/// What a name refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A user function, by the span of its name in its definition.
    Function(Span),
    /// A trigger, by the span of its name literal.
    Trigger(Span),
    /// A variable or parameter, by the span of its binding.
    Variable(Span),
    /// A builtin function of the standard library.
    Builtin(String),
    /// A method of the standard library.
    Method(String),
    /// A field (of `ExecResult` or a map).
    Field(String),
}

/// One written name.
#[derive(Clone, Debug)]
pub struct Occurrence {
    /// Where the name is written.
    pub span: Span,
    /// What it refers to.
    pub target: Target,
    /// True at the definition itself.
    pub is_definition: bool,
    /// For variables: the declared or evident type, if known.
    pub ty: Option<String>,
}

/// Every occurrence in a file.
#[derive(Debug, Default)]
pub struct Index {
    /// Occurrences in walk order.
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    /// Indexes a file.
    pub fn build(file: &ast::File) -> Index {
        let mut ix =
            Indexer { out: Index::default(), scopes: Vec::new(), fns: Vec::new(), triggers: Vec::new() };
        let top: Vec<(String, Span)> = file.functions().map(|f| (f.name.name.clone(), f.name.span)).collect();
        for f in file.functions() {
            ix.def(f.name.span, Target::Function(f.name.span), None);
        }
        for agent in file.agents() {
            ix.fns = agent
                .functions
                .iter()
                .map(|f| (f.name.name.clone(), f.name.span))
                .chain(top.clone())
                .collect();
            ix.triggers = agent.triggers.iter().map(|t| (t.name.value.clone(), t.name.span)).collect();
            for f in &agent.functions {
                ix.def(f.name.span, Target::Function(f.name.span), None);
            }
            for t in &agent.triggers {
                ix.def(t.name.span, Target::Trigger(t.name.span), None);
                ix.scopes.push(Vec::new());
                // The implicit `input` has no place to go to; a written binding does.
                if let Some(b) = &t.binding {
                    ix.bind(&b.name, b.span, Some("Any".into()));
                }
                ix.block(&t.body);
                ix.scopes.pop();
            }
            for f in &agent.functions {
                ix.function(f);
            }
        }
        ix.fns = top;
        ix.triggers.clear();
        for f in file.functions() {
            ix.function(f);
        }
        ix.out
    }

    /// The innermost occurrence at `offset`.
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences.iter().filter(|o| o.span.contains(offset)).min_by_key(|o| o.span.len())
    }

    /// Where a target is defined, for targets defined in the document.
    pub fn definition(target: &Target) -> Option<Span> {
        match target {
            Target::Function(s) | Target::Trigger(s) | Target::Variable(s) if *s != Span::default() => {
                Some(*s)
            }
            _ => None,
        }
    }

    /// Every occurrence of `target`.
    pub fn uses<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| &o.target == target)
    }
}

struct Indexer {
    out: Index,
    scopes: Vec<Vec<(String, Span)>>,
    fns: Vec<(String, Span)>,
    triggers: Vec<(String, Span)>,
}

impl Indexer {
    fn def(&mut self, span: Span, target: Target, ty: Option<String>) {
        self.out.occurrences.push(Occurrence { span, target, is_definition: true, ty });
    }

    fn refer(&mut self, span: Span, target: Target) {
        self.out.occurrences.push(Occurrence { span, target, is_definition: false, ty: None });
    }

    fn bind(&mut self, name: &str, span: Span, ty: Option<String>) {
        self.def(span, Target::Variable(span), ty);
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name.to_string(), span));
        }
    }

    fn lookup(&self, name: &str) -> Option<Span> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(n, _)| n == name).map(|(_, s)| *s)
    }

    fn function(&mut self, f: &ast::Function) {
        self.scopes.push(Vec::new());
        for p in &f.params {
            self.bind(&p.name.name, p.name.span, Some(type_text(&p.ty)));
            if let Some(d) = &p.default {
                self.expr(d);
            }
        }
        self.block(&f.body);
        self.scopes.pop();
    }

    fn block(&mut self, block: &ast::Block) {
        self.scopes.push(Vec::new());
        for stmt in &block.stmts {
            self.stmt(stmt);
        }
        self.scopes.pop();
    }

    fn stmt(&mut self, stmt: &ast::Stmt) {
        match &stmt.kind {
            StmtKind::Let { name, ty, value } => {
                self.expr(value);
                let ty = ty.as_ref().map(type_text).or_else(|| evident_type(value));
                self.bind(&name.name, name.span, ty);
            }
            StmtKind::Assign { target, value, .. } => {
                self.expr(target);
                self.expr(value);
            }
            StmtKind::If { branches, otherwise } => {
                for (cond, body) in branches {
                    self.expr(cond);
                    self.block(body);
                }
                if let Some(b) = otherwise {
                    self.block(b);
                }
            }
            StmtKind::For { key, item, iter, body } => {
                self.expr(iter);
                self.scopes.push(Vec::new());
                if let Some(k) = key {
                    self.bind(&k.name, k.span, Some("String".into()));
                }
                self.bind(&item.name, item.span, None);
                self.block(body);
                self.scopes.pop();
            }
            StmtKind::While { cond, body } => {
                self.expr(cond);
                self.block(body);
            }
            StmtKind::Return(value) => {
                if let Some(v) = value {
                    self.expr(v);
                }
            }
            StmtKind::Try { body, err, handler } => {
                self.block(body);
                self.scopes.push(Vec::new());
                self.bind(&err.name, err.span, Some("Map<Any>".into()));
                self.block(handler);
                self.scopes.pop();
            }
            StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Expr(e) => self.expr(e),
        }
    }

    fn expr(&mut self, e: &ast::Expr) {
        match &e.kind {
            ExprKind::Var(id) => {
                if let Some(def) = self.lookup(&id.name) {
                    self.refer(id.span, Target::Variable(def));
                }
            }
            ExprKind::Str(parts) => {
                for part in parts {
                    if let ast::StrPart::Interp(inner) = part {
                        self.expr(inner);
                    }
                }
            }
            ExprKind::List(items) => items.iter().for_each(|i| self.expr(i)),
            ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| self.expr(v)),
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Call { callee, args } => {
                let user = self.fns.iter().find(|(n, _)| *n == callee.name).map(|(_, s)| *s);
                match user {
                    Some(def) => self.refer(callee.span, Target::Function(def)),
                    None => self.refer(callee.span, Target::Builtin(callee.name.clone())),
                }
                if callee.name == "emit"
                    && let Some(first) = args.first()
                    && let Some(name) = first.value.as_plain_str()
                    && let Some((_, def)) = self.triggers.iter().find(|(n, _)| *n == name)
                {
                    self.refer(first.value.span, Target::Trigger(*def));
                }
                args.iter().for_each(|a| self.expr(&a.value));
            }
            ExprKind::Method { receiver, method, args } => {
                self.expr(receiver);
                self.refer(method.span, Target::Method(method.name.clone()));
                args.iter().for_each(|a| self.expr(&a.value));
            }
            ExprKind::Field { target, field } => {
                self.expr(target);
                self.refer(field.span, Target::Field(field.name.clone()));
            }
            ExprKind::Index { target, index } => {
                self.expr(target);
                self.expr(index);
            }
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Duration(_) => {}
        }
    }
}

/// A type as written (`List<String>?`).
pub fn type_text(ty: &ast::TypeExpr) -> String {
    let mut s = ty.name.name.clone();
    if !ty.args.is_empty() {
        let args: Vec<String> = ty.args.iter().map(type_text).collect();
        s.push_str(&format!("<{}>", args.join(", ")));
    }
    if ty.nullable {
        s.push('?');
    }
    s
}

/// The type of a value that shows it: a literal, or a call of a builtin with a return type.
fn evident_type(e: &ast::Expr) -> Option<String> {
    Some(match &e.kind {
        ExprKind::Null => "Null".into(),
        ExprKind::Bool(_) => "Bool".into(),
        ExprKind::Int(_) => "Int".into(),
        ExprKind::Float(_) => "Float".into(),
        ExprKind::Str(_) => "String".into(),
        ExprKind::Duration(_) => "Duration".into(),
        ExprKind::List(_) => "List<Any>".into(),
        ExprKind::Map(_) => "Map<Any>".into(),
        ExprKind::Call { callee, .. } => {
            type_text(crate::stdlib::stdlib().function(&callee.name)?.decl.ret.as_ref()?)
        }
        ExprKind::Method { method, .. } => {
            let lib = crate::stdlib::stdlib();
            let b = lib.receivers().find_map(|r| lib.method(r, &method.name))?;
            type_text(b.decl.ret.as_ref()?)
        }
        _ => return None,
    })
}
