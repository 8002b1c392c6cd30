//! docs/stdlib.md, generated from the declarations in `stdlib/*.symbi`, so the reference
//! cannot drift from what the checker and the interpreter read: one section per file (its
//! leading `//` comment is the introduction), then each function, method and record in
//! declaration order with its signature and `///` text. A test in `tests/docs/` fails when
//! the file on disk differs from this text.

use super::{Builtin, Record, Stdlib, stdlib};
use crate::diag::Span;

/// The command that rewrites docs/stdlib.md; named in the file and in the test's failure.
pub const REFERENCE_COMMAND: &str = "UPDATE_DOCS=1 cargo test --test main docs::stdlib_reference";

/// One declaration of a file, in the order of its text.
enum Entry<'a> {
    Builtin(&'a Builtin),
    Record(&'a Record),
}

/// The whole text of docs/stdlib.md.
pub fn reference_markdown() -> String {
    let lib = stdlib();
    let mut out = format!(
        "# The standard library\n\n\
         <!-- Generated from stdlib/*.symbi: edit those files, then run `{REFERENCE_COMMAND}`. -->\n\n\
         Every builtin function, method and record an agent can use, with its signature and\n\
         documentation as `stdlib/*.symbi` declares them (editors show the same text on hover).\n\
         A parameter written `name: Type = value` may be left out, and any argument may be\n\
         passed by name (`log(\"done\", level: \"warn\")`). `requires [...]` names the\n\
         capabilities the agent must declare in its `security` block to call the builtin.\n\
         Methods are called on a value (`name.trim()`); values never change in place, so a\n\
         method that \"changes\" one returns a new value (`xs = xs.append(4)`).\n"
    );
    out.push('\n');
    for (source, _) in lib.sources() {
        let names: Vec<String> =
            entries(lib, source).iter().map(|(_, e)| format!("`{}`", e.name())).collect();
        out.push_str(&format!("- {}: {}\n", file_name(source), names.join(", ")));
    }
    for (source, text) in lib.sources() {
        out.push_str(&section(lib, source, text));
    }
    out
}

/// `stdlib/exec.symbi` for the source name `<stdlib/exec.symbi>`.
fn file_name(source: &str) -> &str {
    source.trim_start_matches('<').trim_end_matches('>')
}

impl Entry<'_> {
    /// The name a user writes: `print`, `String.trim`, `ExecResult`.
    fn name(&self) -> String {
        match self {
            Entry::Builtin(b) => {
                let recv = b.decl.receiver.as_ref().map(|r| format!("{}.", r.name)).unwrap_or_default();
                format!("{recv}{}", b.name())
            }
            Entry::Record(r) => r.decl.name.name.clone(),
        }
    }
}

/// The declarations of one file, in the order it declares them.
fn entries<'a>(lib: &'a Stdlib, source: &str) -> Vec<(Span, Entry<'a>)> {
    let builtins = lib.functions.iter().chain(lib.methods.values()).filter(|b| b.source == source);
    let mut entries: Vec<(Span, Entry)> = builtins.map(|b| (b.decl.span, Entry::Builtin(b))).collect();
    let records = lib.records.values().filter(|r| r.source == source);
    entries.extend(records.map(|r| (r.decl.span, Entry::Record(r))));
    entries.sort_by_key(|(span, _)| span.start);
    entries
}

/// The section of one stdlib file.
fn section(lib: &Stdlib, source: &str, text: &str) -> String {
    let file = file_name(source);
    let intro: Vec<&str> = text
        .lines()
        .map_while(|l| l.strip_prefix("//").filter(|rest| !rest.starts_with('/')))
        .map(str::trim)
        .collect();
    let mut out = format!("\n## {file}\n\n");
    if !intro.is_empty() {
        out.push_str(&format!("{}\n", intro.join("\n")));
    }
    for (_, entry) in entries(lib, source) {
        out.push('\n');
        out.push_str(&match entry {
            Entry::Builtin(b) => builtin(b),
            Entry::Record(r) => record(r, text),
        });
    }
    out
}

fn builtin(b: &Builtin) -> String {
    let doc = b.decl.doc.as_deref().map(|d| format!("\n{d}\n")).unwrap_or_default();
    format!("### `{}`\n\n```symbi\n{}\n```\n{doc}", Entry::Builtin(b).name(), b.signature())
}

fn record(r: &Record, text: &str) -> String {
    let decl = &r.decl;
    let doc = decl.doc.as_deref().map(|d| format!("{d}\n\n")).unwrap_or_default();
    let mut out = format!("### `{}`\n\n{doc}| field | type | meaning |\n|---|---|---|\n", decl.name.name);
    for field in &decl.fields {
        let ty = &text[field.ty.span.clamp_to(text)];
        let meaning = field.doc.as_deref().unwrap_or_default().replace('\n', " ").replace('|', "\\|");
        out.push_str(&format!("| `{}` | `{ty}` | {meaning} |\n", field.name.name));
    }
    out
}
