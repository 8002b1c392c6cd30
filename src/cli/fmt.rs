//! `symbi fmt`: rewrite files in the canonical layout, list the ones that would change
//! (`--check`), or format stdin to stdout for editors (`--stdin`).

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, FmtArgs, usage_error};
use crate::diag::render::{color_enabled, render_human};
use crate::diag::{Diagnostic, Sources};
use crate::fmt::format_source;
use crate::syntax::read_source;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Runs `symbi fmt`; returns the exit status: 0 when all is well, 1 when a file has syntax
/// errors or (with `--check`) would change, 2 for a missing or unreadable file.
pub fn run(args: FmtArgs) -> u8 {
    if args.stdin {
        if !args.files.is_empty() {
            return usage_error("`--stdin` formats stdin only; pass no FILE with it");
        }
        return stdin();
    }
    if args.files.is_empty() {
        return usage_error("name the files or directories to format, or pass `--stdin`");
    }
    let mut status = EXIT_OK;
    for path in collect(&args.files) {
        let file_status = match path {
            Ok(path) => one_file(&path, args.check),
            Err(diag) => {
                report(&[diag], "", "");
                EXIT_USAGE
            }
        };
        status = status.max(file_status);
    }
    status
}

/// Formats one file; with `check`, only says whether it would change.
fn one_file(path: &Path, check: bool) -> u8 {
    let name = path.display().to_string();
    let text = match read_source(path) {
        Ok(text) => text,
        Err(diag) => {
            report(&[diag], &name, "");
            return EXIT_USAGE;
        }
    };
    let formatted = match format_source(&text) {
        Ok(formatted) => formatted,
        Err(diags) => {
            report(&diags, &name, &text);
            return EXIT_FAILURE;
        }
    };
    if formatted == text {
        return EXIT_OK;
    }
    if check {
        super::print_stdout(&format!("{name}\n"));
        return EXIT_FAILURE;
    }
    match write_atomically(path, &formatted) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            report(&[Diagnostic::error("E0001", format!("cannot write `{name}`: {e}"))], &name, &text);
            EXIT_FAILURE
        }
    }
}

/// `--stdin`: the formatted text on stdout, or the diagnostics on stderr and exit 1.
fn stdin() -> u8 {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        return usage_error(format!("cannot read stdin: {e}"));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let diag = Diagnostic::error(
                "E0001",
                format!("stdin is not UTF-8 text: invalid byte at offset {offset}"),
            )
            .with_help("send UTF-8 text");
            report(&[diag], "<stdin>", "");
            return EXIT_USAGE;
        }
    };
    match format_source(&text) {
        Ok(formatted) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(formatted.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => EXIT_OK,
                Err(_) => EXIT_FAILURE,
            }
        }
        Err(diags) => {
            report(&diags, "<stdin>", &text);
            EXIT_FAILURE
        }
    }
}

/// The files to format: each FILE as given, and every `.symbi`/`.dsl` file below each
/// directory (hidden directories skipped), in a stable order. A path that does not exist
/// is an E0001 diagnostic in its place.
fn collect(paths: &[PathBuf]) -> Vec<Result<PathBuf, Diagnostic>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found);
            found.sort();
            out.extend(found.into_iter().map(Ok));
        } else if path.exists() {
            out.push(Ok(path.clone()));
        } else {
            let message = format!("cannot read `{}`: No such file or directory", path.display());
            out.push(Err(Diagnostic::error("E0001", message)));
        }
    }
    out
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        // `file_type` does not follow symbolic links, so a link cannot make the walk loop.
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() && !hidden {
            walk(&path, found);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "symbi" || e == "dsl") {
            found.push(path);
        }
    }
}

/// Replaces `path`'s content by writing a temporary file next to it and renaming it over
/// the original, so a crash or a full disk never leaves a half-written file.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.fmt-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Prints diagnostics about the source `name` (whose text is `text`) on stderr.
fn report(diags: &[Diagnostic], name: &str, text: &str) {
    let sources = Sources::new(name, text);
    let color = color_enabled(std::io::stderr().is_terminal());
    eprint!("{}", render_human(diags, &sources, color));
}
