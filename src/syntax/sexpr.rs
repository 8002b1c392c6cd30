//! A compact s-expression of the AST without spans: two trees print the same exactly when
//! they mean the same. Tests snapshot it, and it is the AST's equality for refactorings.

use super::ast::*;
use std::fmt::Write;

/// The s-expression of a file, one item per line.
pub fn to_sexpr(file: &File) -> String {
    let mut out = String::new();
    for item in &file.items {
        match item {
            Item::Agent(a) => agent(&mut out, a),
            Item::Function(f) => function(&mut out, f),
            Item::Extern(e) => extern_fn(&mut out, e),
            Item::Record(r) => record(&mut out, r),
        }
        out.push('\n');
    }
    out
}

fn agent(out: &mut String, a: &Agent) {
    let _ = write!(out, "(agent {}", a.name.name);
    for m in &a.metadata {
        entries(out, "metadata", &m.entries);
    }
    for s in &a.security {
        entries(out, "security", &s.entries);
    }
    for r in &a.resources {
        entries(out, "resources", &r.entries);
    }
    for t in &a.triggers {
        let _ = write!(out, "\n  ({} {:?}", t.kind(), t.name.value);
        match &t.source {
            TriggerSource::Manual => {}
            TriggerSource::Schedule { cron } => {
                let _ = write!(out, " (cron {:?})", cron.value);
            }
            TriggerSource::Webhook { secret: None } => {}
            TriggerSource::Webhook { secret: Some(secret) } => {
                let _ = write!(out, " (secret {:?})", secret.value);
            }
        }
        if let Some(b) = &t.binding {
            let _ = write!(out, " (as {})", b.name);
        }
        out.push(' ');
        block(out, &t.body);
        out.push(')');
    }
    for f in &a.functions {
        out.push_str("\n  ");
        function(out, f);
    }
    out.push(')');
}

fn entries(out: &mut String, head: &str, entries: &[Entry]) {
    let _ = write!(out, "\n  ({head}");
    for e in entries {
        let _ = write!(out, " ({} ", e.key.name);
        expr(out, &e.value);
        out.push(')');
    }
    out.push(')');
}

fn doc(out: &mut String, doc: &Option<String>) {
    if let Some(d) = doc {
        let _ = write!(out, " (doc {d:?})");
    }
}

fn params(out: &mut String, params: &[Param]) {
    out.push_str(" (params");
    for p in params {
        let _ = write!(out, " ({} ", p.name.name);
        ty(out, &p.ty);
        if let Some(d) = &p.default {
            out.push_str(" = ");
            expr(out, d);
        }
        out.push(')');
    }
    out.push(')');
}

fn function(out: &mut String, f: &Function) {
    let _ = write!(out, "(fn {}", f.name.name);
    doc(out, &f.doc);
    params(out, &f.params);
    if let Some(r) = &f.ret {
        out.push_str(" -> ");
        ty(out, r);
    }
    out.push(' ');
    block(out, &f.body);
    out.push(')');
}

fn extern_fn(out: &mut String, f: &ExternFn) {
    out.push_str("(extern-fn ");
    if let Some(r) = &f.receiver {
        let _ = write!(out, "{}.", r.name);
    }
    out.push_str(&f.name.name);
    doc(out, &f.doc);
    params(out, &f.params);
    if let Some(r) = &f.ret {
        out.push_str(" -> ");
        ty(out, r);
    }
    if !f.requires.is_empty() {
        out.push_str(" (requires");
        for c in &f.requires {
            let _ = write!(out, " {:?}", c.value);
        }
        out.push(')');
    }
    out.push(')');
}

fn record(out: &mut String, r: &RecordDecl) {
    let _ = write!(out, "(extern-record {}", r.name.name);
    doc(out, &r.doc);
    for f in &r.fields {
        let _ = write!(out, " ({} ", f.name.name);
        ty(out, &f.ty);
        doc(out, &f.doc);
        out.push(')');
    }
    out.push(')');
}

fn ty(out: &mut String, t: &TypeExpr) {
    out.push_str(&t.name.name);
    if !t.args.is_empty() {
        out.push('<');
        for (i, a) in t.args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            ty(out, a);
        }
        out.push('>');
    }
    if t.nullable {
        out.push('?');
    }
}

fn block(out: &mut String, b: &Block) {
    out.push_str("(block");
    for s in &b.stmts {
        out.push(' ');
        stmt(out, s);
    }
    out.push(')');
}

fn stmt(out: &mut String, s: &Stmt) {
    match &s.kind {
        StmtKind::Let { name, ty: t, value } => {
            let _ = write!(out, "(let {}", name.name);
            if let Some(t) = t {
                out.push_str(": ");
                ty(out, t);
            }
            out.push(' ');
            expr(out, value);
            out.push(')');
        }
        StmtKind::Assign { target, op, value } => {
            out.push_str(if *op == AssignOp::Add { "(+= " } else { "(= " });
            expr(out, target);
            out.push(' ');
            expr(out, value);
            out.push(')');
        }
        StmtKind::If { branches, otherwise } => {
            out.push_str("(if");
            for (cond, body) in branches {
                out.push_str(" (");
                expr(out, cond);
                out.push(' ');
                block(out, body);
                out.push(')');
            }
            if let Some(b) = otherwise {
                out.push_str(" (else ");
                block(out, b);
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::For { key, item, iter, body } => {
            out.push_str("(for ");
            if let Some(k) = key {
                let _ = write!(out, "{}, ", k.name);
            }
            let _ = write!(out, "{} ", item.name);
            expr(out, iter);
            out.push(' ');
            block(out, body);
            out.push(')');
        }
        StmtKind::While { cond, body } => {
            out.push_str("(while ");
            expr(out, cond);
            out.push(' ');
            block(out, body);
            out.push(')');
        }
        StmtKind::Return(value) => {
            out.push_str("(return");
            if let Some(v) = value {
                out.push(' ');
                expr(out, v);
            }
            out.push(')');
        }
        StmtKind::Try { body, err, handler } => {
            out.push_str("(try ");
            block(out, body);
            let _ = write!(out, " (catch {} ", err.name);
            block(out, handler);
            out.push_str("))");
        }
        StmtKind::Expr(e) => expr(out, e),
    }
}

fn args(out: &mut String, args: &[Arg]) {
    for a in args {
        out.push(' ');
        if let Some(n) = &a.name {
            let _ = write!(out, "{}: ", n.name);
        }
        expr(out, &a.value);
    }
}

fn expr(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Null => out.push_str("null"),
        ExprKind::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        ExprKind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        ExprKind::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        ExprKind::Duration(ms) => {
            let _ = write!(out, "{ms}ms");
        }
        ExprKind::Str(parts) => {
            if let [StrPart::Text(t)] = parts.as_slice() {
                let _ = write!(out, "{t:?}");
                return;
            }
            out.push_str("(str");
            for p in parts {
                match p {
                    StrPart::Text(t) => {
                        let _ = write!(out, " {t:?}");
                    }
                    StrPart::Interp(e) => {
                        out.push(' ');
                        expr(out, e);
                    }
                }
            }
            out.push(')');
        }
        ExprKind::List(items) => {
            out.push_str("(list");
            for i in items {
                out.push(' ');
                expr(out, i);
            }
            out.push(')');
        }
        ExprKind::Map(entries) => {
            out.push_str("(map");
            for (k, v) in entries {
                let _ = write!(out, " ({:?} ", k.name);
                expr(out, v);
                out.push(')');
            }
            out.push(')');
        }
        ExprKind::Var(id) => out.push_str(&id.name),
        ExprKind::Unary { op, operand } => {
            out.push_str(if *op == UnaryOp::Not { "(! " } else { "(neg " });
            expr(out, operand);
            out.push(')');
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let _ = write!(out, "({} ", op.symbol());
            expr(out, lhs);
            out.push(' ');
            expr(out, rhs);
            out.push(')');
        }
        ExprKind::Call { callee, args: a } => {
            let _ = write!(out, "(call {}", callee.name);
            args(out, a);
            out.push(')');
        }
        ExprKind::Method { receiver, method, args: a } => {
            let _ = write!(out, "(method .{} ", method.name);
            expr(out, receiver);
            args(out, a);
            out.push(')');
        }
        ExprKind::Field { target, field } => {
            let _ = write!(out, "(field .{} ", field.name);
            expr(out, target);
            out.push(')');
        }
        ExprKind::Index { target, index } => {
            out.push_str("(index ");
            expr(out, target);
            out.push(' ');
            expr(out, index);
            out.push(')');
        }
    }
}
