//! The standard library, declared in the language under `stdlib/` and embedded here.
//!
//! The `.symbi` files are the single source of truth for what a builtin takes, returns and
//! needs: the checker, the interpreter and editor hover all read the declarations parsed
//! here. Diagnostics that point into them name the source `<stdlib/FILE>`.

mod reference;

pub use reference::{REFERENCE_COMMAND, reference_markdown};

use crate::diag::{Diagnostic, Span};
use crate::syntax::ast;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded files: (source name, text).
const FILES: [(&str, &str); 6] = [
    ("<stdlib/exec.symbi>", include_str!("../../stdlib/exec.symbi")),
    ("<stdlib/io.symbi>", include_str!("../../stdlib/io.symbi")),
    ("<stdlib/control.symbi>", include_str!("../../stdlib/control.symbi")),
    ("<stdlib/values.symbi>", include_str!("../../stdlib/values.symbi")),
    ("<stdlib/collections.symbi>", include_str!("../../stdlib/collections.symbi")),
    ("<stdlib/strings.symbi>", include_str!("../../stdlib/strings.symbi")),
];

/// One builtin function or method, with the name of the stdlib file that declares it.
#[derive(Clone, Debug)]
pub struct Builtin {
    /// The declaration (parameters, defaults, return type, `requires`, doc).
    pub decl: ast::ExternFn,
    /// The source it was declared in, e.g. `<stdlib/exec.symbi>`.
    pub source: &'static str,
}

impl Builtin {
    /// The name as a user writes it: `trim` for a method, `print` for a function.
    pub fn name(&self) -> &str {
        &self.decl.name.name
    }

    /// The capabilities a call needs, as strings.
    pub fn requires(&self) -> impl Iterator<Item = &str> {
        self.decl.requires.iter().map(|r| r.value.as_str())
    }

    /// `fn name(params) -> Ret requires [...]` on one line, parameters and types as written
    /// in the stdlib file (editor hover and docs/stdlib.md show the same text).
    pub fn signature(&self) -> String {
        let source = stdlib().source_text(self.source).unwrap_or_default();
        let written =
            |span: Span| source[span.clamp_to(source)].split_whitespace().collect::<Vec<_>>().join(" ");
        let params: Vec<String> = self.decl.params.iter().map(|p| written(p.span)).collect();
        let recv = self.decl.receiver.as_ref().map(|r| format!("{}.", r.name)).unwrap_or_default();
        let ret = self.decl.ret.as_ref().map(|r| format!(" -> {}", written(r.span))).unwrap_or_default();
        let requires: Vec<String> = self.requires().map(|r| format!("\"{r}\"")).collect();
        let requires =
            if requires.is_empty() { String::new() } else { format!(" requires [{}]", requires.join(", ")) };
        format!("fn {recv}{}({}){ret}{requires}", self.name(), params.join(", "))
    }
}

/// A record declared by the standard library, with its source name.
#[derive(Clone, Debug)]
pub struct Record {
    /// The declaration.
    pub decl: ast::RecordDecl,
    /// The source it was declared in.
    pub source: &'static str,
}

/// The parsed standard library.
#[derive(Debug, Default)]
pub struct Stdlib {
    functions: Vec<Builtin>,
    function_index: HashMap<String, usize>,
    methods: HashMap<(String, String), Builtin>,
    /// The types that have methods, in the order the files first declare one.
    receivers: Vec<String>,
    records: HashMap<String, Record>,
    /// Problems met while parsing the embedded files; empty in a correct build (a test
    /// asserts it), reported by `symbi doctor` and the checker otherwise.
    pub errors: Vec<(&'static str, Diagnostic)>,
}

/// The standard library, parsed on first use.
pub fn stdlib() -> &'static Stdlib {
    static STDLIB: OnceLock<Stdlib> = OnceLock::new();
    STDLIB.get_or_init(Stdlib::load)
}

impl Stdlib {
    /// Parses every embedded file; never panics (parse problems are kept in `errors`).
    fn load() -> Stdlib {
        let mut lib = Stdlib::default();
        for (source, text) in FILES {
            let parsed = crate::syntax::parse(text);
            lib.errors.extend(parsed.diagnostics.into_iter().map(|d| (source, d)));
            for item in parsed.file.items {
                lib.add_item(source, item);
            }
        }
        lib
    }

    fn add_item(&mut self, source: &'static str, item: ast::Item) {
        match item {
            ast::Item::Extern(decl) => {
                let builtin = Builtin { decl, source };
                match &builtin.decl.receiver {
                    Some(recv) => {
                        if !self.receivers.contains(&recv.name) {
                            self.receivers.push(recv.name.clone());
                        }
                        let key = (recv.name.clone(), builtin.decl.name.name.clone());
                        self.methods.insert(key, builtin);
                    }
                    None => {
                        let name = builtin.decl.name.name.clone();
                        self.function_index.insert(name, self.functions.len());
                        self.functions.push(builtin);
                    }
                }
            }
            ast::Item::Record(decl) => {
                self.records.insert(decl.name.name.clone(), Record { decl, source });
            }
            // Helpers written in the language may live in stdlib later; the checker does
            // not see them yet.
            ast::Item::Function(_) | ast::Item::Agent(_) => {}
        }
    }

    /// A builtin function by name.
    pub fn function(&self, name: &str) -> Option<&Builtin> {
        self.function_index.get(name).and_then(|&i| self.functions.get(i))
    }

    /// A method of `receiver` (`"String"`, `"List"` or `"Map"`) by name.
    pub fn method(&self, receiver: &str, name: &str) -> Option<&Builtin> {
        self.methods.get(&(receiver.to_string(), name.to_string()))
    }

    /// The types that have methods (`String`, `List`, `Map`), in declaration order.
    pub fn receivers(&self) -> impl Iterator<Item = &str> {
        self.receivers.iter().map(String::as_str)
    }

    /// Every method name of a receiver type, sorted (for did-you-mean and completion).
    pub fn method_names(&self, receiver: &str) -> Vec<&str> {
        let mut names: Vec<&str> =
            self.methods.keys().filter(|(r, _)| r == receiver).map(|(_, m)| m.as_str()).collect();
        names.sort_unstable();
        names
    }

    /// A record declaration by name (`"ExecResult"`).
    pub fn record(&self, name: &str) -> Option<&ast::RecordDecl> {
        self.records.get(name).map(|r| &r.decl)
    }

    /// A record declaration with its source name.
    pub fn record_with_source(&self, name: &str) -> Option<&Record> {
        self.records.get(name)
    }

    /// Every builtin function (not methods), in declaration order.
    pub fn functions(&self) -> impl Iterator<Item = &Builtin> {
        self.functions.iter()
    }

    /// Every method, in no particular order.
    pub fn methods(&self) -> impl Iterator<Item = &Builtin> {
        self.methods.values()
    }

    /// The embedded files as (source name, text), for rendering labels that point into them.
    pub fn sources(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        FILES.iter().copied()
    }

    /// The text of one embedded source by name.
    pub fn source_text(&self, name: &str) -> Option<&'static str> {
        FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }
}
