//! Items and agent members: agents, settings blocks, triggers, functions, the standard
//! library's `extern` declarations, and types.

use super::printer::{Gap, Printer};
use crate::diag::Span;
use crate::syntax::ast::{
    Agent, Entry, ExternFn, File, Function, Item, Param, RecordDecl, StrValue, Trigger, TriggerSource,
    TypeExpr,
};
use crate::syntax::spelling;

/// A member of an agent, so members print in source order whatever their kind.
enum Member<'t> {
    Settings(&'static str, &'t [Entry], Span),
    Trigger(&'t Trigger),
    Function(&'t Function),
}

impl Member<'_> {
    fn span(&self) -> Span {
        match self {
            Member::Settings(_, _, span) => *span,
            Member::Trigger(t) => t.span,
            Member::Function(f) => f.span,
        }
    }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Agent(a) => a.span,
        Item::Function(f) => f.span,
        Item::Extern(e) => e.span,
        Item::Record(r) => r.span,
    }
}

impl Printer<'_> {
    /// The whole file: items in source order, one blank line between them.
    pub fn file(&mut self, file: &File) {
        let mut items: Vec<&Item> = file.items.iter().collect();
        items.sort_by_key(|i| item_span(i).start);
        let end = self.src.len();
        self.sequence(items.len(), |i| item_span(items[i]), |p, i| p.item(items[i]), |_| "", Gap::Force, end);
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Agent(a) => self.agent(a),
            Item::Function(f) => self.function(f),
            Item::Extern(e) => self.extern_fn(e),
            Item::Record(r) => self.record(r),
        }
    }

    fn agent(&mut self, a: &Agent) {
        let mut members: Vec<Member<'_>> = Vec::new();
        members.extend(a.metadata.iter().map(|m| Member::Settings("metadata", &m.entries, m.span)));
        members.extend(a.security.iter().map(|s| Member::Settings("security", &s.entries, s.span)));
        members.extend(a.resources.iter().map(|r| Member::Settings("resources", &r.entries, r.span)));
        members.extend(a.triggers.iter().map(Member::Trigger));
        members.extend(a.functions.iter().map(Member::Function));
        members.sort_by_key(|m| m.span().start);
        self.w.write("agent ");
        self.inline(a.name.span.start);
        self.w.write(&a.name.name);
        let open = self.find('{', a.name.span.end, a.span.end);
        self.braced(
            (open, a.span.end, ""),
            members.len(),
            |i| members[i].span(),
            |p, i| p.member(&members[i]),
        );
    }

    fn member(&mut self, m: &Member<'_>) {
        match m {
            Member::Settings(keyword, entries, span) => {
                self.w.write(keyword);
                let open = self.find('{', span.start + keyword.len(), span.end);
                self.braced(
                    (open, span.end, ""),
                    entries.len(),
                    |i| entries[i].span,
                    |p, i| {
                        let e = &entries[i];
                        p.w.write(&e.key.name);
                        p.w.write(": ");
                        p.expr(&e.value);
                    },
                );
            }
            Member::Trigger(t) => {
                self.trigger_header(t);
                if let Some(b) = &t.binding {
                    self.inline(b.span.start);
                    self.w.write(" (");
                    self.w.write(&b.name);
                    self.w.write(")");
                }
                self.block(&t.body);
            }
            Member::Function(f) => self.function(f),
        }
    }

    /// `on trigger "name"`, `on schedule "CRON" as "name"` or `on webhook "name" secret "VAR"`,
    /// each string preceded by the comments written before it.
    fn trigger_header(&mut self, t: &Trigger) {
        let string = |p: &mut Self, s: &StrValue| {
            p.inline(s.span.start);
            p.w.write(&spelling::quoted(&s.value));
        };
        match &t.source {
            TriggerSource::Manual => {
                self.w.write("on trigger ");
                string(self, &t.name);
            }
            TriggerSource::Schedule { cron } => {
                self.w.write("on schedule ");
                string(self, cron);
                if t.name.span != cron.span {
                    self.w.write(" as ");
                    string(self, &t.name);
                }
            }
            TriggerSource::Webhook { secret } => {
                self.w.write("on webhook ");
                string(self, &t.name);
                if let Some(secret) = secret {
                    self.w.write(" secret ");
                    string(self, secret);
                }
            }
        }
    }

    /// ` { ... }` around members, entries or fields, one per line; `{}` when there are none.
    /// `open` is the `{` in the source, `end` one past the `}`, `sep` ends each line.
    fn braced(
        &mut self,
        (open, end, sep): (usize, usize, &'static str),
        n: usize,
        span: impl Fn(usize) -> Span,
        print: impl FnMut(&mut Self, usize),
    ) {
        self.inline(open);
        self.w.write(" {");
        let close = end.saturating_sub(1).max(open);
        if n == 0 && !self.has_line_comments(open + 1, close) {
            self.inline(close);
            self.w.trim_space();
            self.w.write(if self.w.ends_with('{') { "}" } else { " }" });
            return;
        }
        let until = if n > 0 { span(0).start } else { close };
        self.trailing(open + 1, until);
        self.w.indent += 1;
        self.opened_at(open + 1);
        self.sequence(n, span, print, |_| sep, Gap::Keep, close);
        self.w.indent -= 1;
        self.w.ensure_line_start();
        self.w.write("}");
    }

    fn function(&mut self, f: &Function) {
        self.w.write("fn ");
        self.inline(f.name.span.start);
        self.w.write(&f.name.name);
        self.params(f.name.span.end, f.ret.as_ref().map_or(f.body.span.start, |r| r.span.start), &f.params);
        if let Some(ret) = &f.ret {
            self.w.write(" -> ");
            self.type_expr(ret);
        }
        self.block(&f.body);
    }

    /// `(p: T, q: T = d)` between `after` (the name's end) and `before` (what follows).
    fn params(&mut self, after: usize, before: usize, params: &[Param]) {
        let open = self.find('(', after, before);
        let from = params.last().map_or(open + 1, |p| p.span.end);
        let close = self.find(')', from, before);
        self.delimited(
            ("(", ")", false),
            open,
            close,
            params,
            |p| p.span,
            |p, param| {
                p.inline(param.span.start);
                p.w.write(&param.name.name);
                p.w.write(": ");
                p.type_expr(&param.ty);
                if let Some(d) = &param.default {
                    p.w.write(" = ");
                    p.expr(d);
                }
            },
        );
    }

    fn extern_fn(&mut self, e: &ExternFn) {
        self.w.write("extern fn ");
        if let Some(r) = &e.receiver {
            self.inline(r.span.start);
            self.w.write(&r.name);
            self.w.write(".");
        }
        self.inline(e.name.span.start);
        self.w.write(&e.name.name);
        let before = e.ret.as_ref().map_or(e.span.end, |r| r.span.start);
        let before = e.requires.first().map_or(before, |r| r.span.start.min(before));
        self.params(e.name.span.end, before, &e.params);
        if let Some(ret) = &e.ret {
            self.w.write(" -> ");
            self.type_expr(ret);
        }
        if !e.requires.is_empty() {
            self.w.write(" requires [");
            for (i, r) in e.requires.iter().enumerate() {
                if i > 0 {
                    self.w.write(", ");
                }
                self.inline(r.span.start);
                self.w.write(&spelling::quoted(&r.value));
            }
            self.w.write("]");
        }
    }

    fn record(&mut self, r: &RecordDecl) {
        self.w.write("extern record ");
        self.inline(r.name.span.start);
        self.w.write(&r.name.name);
        let open = self.find('{', r.name.span.end, r.span.end);
        let fields = &r.fields;
        self.braced(
            (open, r.span.end, ","),
            fields.len(),
            |i| fields[i].span,
            |p, i| {
                p.w.write(&fields[i].name.name);
                p.w.write(": ");
                p.type_expr(&fields[i].ty);
            },
        );
    }

    /// `Name`, `List<T>`, `Map<String>?`.
    pub fn type_expr(&mut self, t: &TypeExpr) {
        self.inline(t.span.start);
        self.w.write(&t.name.name);
        if !t.args.is_empty() {
            self.w.write("<");
            for (i, a) in t.args.iter().enumerate() {
                if i > 0 {
                    self.w.write(", ");
                }
                self.type_expr(a);
            }
            self.w.write(">");
        }
        if t.nullable {
            self.w.write("?");
        }
    }
}
