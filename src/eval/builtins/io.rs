//! `print`, `log`, `env` and the file builtins.
//!
//! File paths are relative to the working directory and may not leave it: an absolute path,
//! a `..` component, or a symbolic link (anywhere on the way) that resolves outside it is
//! refused before anything is opened. Only regular files are read or written (see
//! [`crate::files`]), read up to the smaller of `max_file_size_mb` and the string
//! limit, written up to `max_file_size_mb`.

use super::super::error::{self, Eval, Flow, error};
use super::super::events::Event;
use super::super::{Interpreter, Value, budget};
use super::Args;
use crate::diag::Span;
use crate::diag::codes::{FILE_IO, FILE_TOO_LARGE, NOT_REGULAR, PATH_OUTSIDE, TYPE_ERROR};
use crate::files::regular::{self, Links, Refusal};
use std::path::{Component, Path, PathBuf};

/// The levels `log` accepts.
const LEVELS: [&str; 4] = ["debug", "info", "warn", "error"];

pub(super) fn call(interp: &mut Interpreter<'_>, name: &str, args: &mut Args) -> Option<Eval<Value>> {
    Some(match name {
        "print" => budget::render(&args.take(0), args.call).map(|text| {
            interp.setup.transcript.event(Event::Print { text });
            Value::Null
        }),
        "log" => log(interp, args),
        "env" => args.string(0).map(|n| std::env::var(n).map(Value::Str).unwrap_or(Value::Null)),
        "read_file" => read_file(interp, args),
        "write_file" => write_file(interp, args),
        "file_exists" => args.string(0).and_then(|p| {
            let path = confine(&interp.setup.working_dir, &p, args.span(0))?;
            Ok(Value::Bool(path.exists()))
        }),
        _ => return None,
    })
}

fn log(interp: &mut Interpreter<'_>, args: &mut Args) -> Eval<Value> {
    let message = budget::render(&args.take(0), args.call)?;
    let level = match args.take(1) {
        Value::Null => "info".to_string(),
        Value::Str(s) => s.to_ascii_lowercase(),
        other => return Err(error::type_error(args.span(1), "the log level", "a String", other.type_name())),
    };
    if !LEVELS.contains(&level.as_str()) {
        return Err(error(
            TYPE_ERROR,
            args.span(1),
            format!("unknown log level `{level}`; use one of {}", LEVELS.join(", ")),
        ));
    }
    interp.setup.transcript.event(Event::Log { level, message });
    Ok(Value::Null)
}

fn read_file(interp: &mut Interpreter<'_>, args: &mut Args) -> Eval<Value> {
    let rel = args.string(0)?;
    let path = confine(&interp.setup.working_dir, &rel, args.span(0))?;
    // The smaller of the file-size limit and the string limit: the text becomes one value.
    let file_cap = interp.setup.policy.limits.max_file_size_bytes.unwrap_or(u64::MAX);
    let cap = file_cap.min(budget::MAX_STRING_BYTES as u64);
    let bytes = regular::read(&path, cap, Links::Refuse).map_err(|r| refused(r, "read", &rel, args.call))?;
    String::from_utf8(bytes).map(Value::Str).map_err(|e| {
        error(
            FILE_IO,
            args.call,
            format!("`{rel}` is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        )
    })
}

fn write_file(interp: &mut Interpreter<'_>, args: &mut Args) -> Eval<Value> {
    let rel = args.string(0)?;
    let text = match args.take(1) {
        Value::Str(s) => s,
        other => budget::render(&other, args.span(1))?,
    };
    let path = confine(&interp.setup.working_dir, &rel, args.span(0))?;
    if let Some(cap) = interp.setup.policy.limits.max_file_size_bytes
        && text.len() as u64 > cap
    {
        return Err(refused(Refusal::TooLarge(Some(text.len() as u64), cap), "write", &rel, args.call));
    }
    let io = |e: std::io::Error| error(FILE_IO, args.call, format!("cannot write `{rel}`: {e}"));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    // Opened without truncation, checked to be a regular file, then truncated and written:
    // a FIFO or device planted at the path is refused, not written to or waited on.
    let mut file =
        regular::open_write(&path, 0o666, false).map_err(|r| refused(r, "write", &rel, args.call))?;
    file.set_len(0).map_err(io)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)?;
    Ok(Value::Null)
}

/// The runtime error for a file the builtins will not read or write.
fn refused(r: Refusal, verb: &str, rel: &str, span: Span) -> Flow {
    match r {
        Refusal::NotRegular(kind) => error::error_help(
            NOT_REGULAR,
            span,
            format!("cannot {verb} `{rel}`: it is {kind}, not a regular file"),
            "file builtins read and write regular files only; a FIFO or device could block or \
             never end",
        ),
        Refusal::TooLarge(size, cap) => {
            let size = size.map(|s| format!(" ({s} bytes)")).unwrap_or_default();
            error::error_help(
                FILE_TOO_LARGE,
                span,
                format!("cannot {verb} `{rel}`: it is larger than {cap} bytes{size}"),
                "files are limited by `native_execution.max_file_size_mb` and, when read, by the \
                 string limit of 64 MiB; process large files with a command instead",
            )
        }
        Refusal::Io(e) => error(FILE_IO, span, format!("cannot {verb} `{rel}`: {e}")),
    }
}

/// The path of `rel` under `root` (canonical), or the refusal.
pub fn confine(root: &Path, rel: &str, span: Span) -> Eval<PathBuf> {
    let outside = |why: &str| {
        error::error_help(
            PATH_OUTSIDE,
            span,
            format!("the path `{rel}` {why}"),
            format!(
                "file builtins work inside the working directory `{}`; use a relative path below it",
                root.display()
            ),
        )
    };
    if rel.is_empty() {
        return Err(outside("is empty"));
    }
    let path = Path::new(rel);
    for component in path.components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(outside("goes up with `..`")),
            Component::RootDir | Component::Prefix(_) => return Err(outside("is absolute")),
        }
    }
    let full = root.join(path);
    // Resolve the longest part of the path that exists: a symlink anywhere in it shows up
    // as a canonical path outside the root.
    let mut existing = full.clone();
    while std::fs::symlink_metadata(&existing).is_err() {
        if !existing.pop() {
            break;
        }
    }
    let real =
        std::fs::canonicalize(&existing).map_err(|_| outside("goes through a broken symbolic link"))?;
    if !real.starts_with(root) {
        return Err(outside("leads outside the working directory through a symbolic link"));
    }
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Eval<PathBuf>) -> &'static str {
        match r {
            Ok(_) => "ok",
            Err(super::super::super::Flow::Error(d)) => d.code.as_str(),
            Err(_) => "other",
        }
    }

    #[test]
    fn paths_stay_inside_the_working_directory() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_default();
        let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let _ = std::os::unix::fs::symlink(outside.path(), root.join("escape"));
        let _ = std::fs::write(root.join("ok.txt"), "x");
        assert_eq!(code(confine(&root, "ok.txt", Span::default())), "ok");
        assert_eq!(code(confine(&root, "new/dir/file.txt", Span::default())), "ok");
        assert_eq!(code(confine(&root, "./ok.txt", Span::default())), "ok");
        assert_eq!(code(confine(&root, "../x", Span::default())), PATH_OUTSIDE);
        assert_eq!(code(confine(&root, "a/../../x", Span::default())), PATH_OUTSIDE);
        assert_eq!(code(confine(&root, "/etc/passwd", Span::default())), PATH_OUTSIDE);
        assert_eq!(code(confine(&root, "escape/secret", Span::default())), PATH_OUTSIDE);
        assert_eq!(code(confine(&root, "escape", Span::default())), PATH_OUTSIDE);
        assert_eq!(code(confine(&root, "", Span::default())), PATH_OUTSIDE);
    }
}
