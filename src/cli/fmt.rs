//! `symbi fmt`: rewrite files in the canonical layout, list the ones that would change
//! (`--check`), or format stdin to stdout for editors (`--stdin`).

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, FmtArgs, usage_error};
use crate::diag::codes;
use crate::diag::render::{render_human, stderr_color};
use crate::diag::{Diagnostic, Sources};
use crate::fmt::format_source;
use crate::syntax::read_source;
use std::io::{Read, Write};
use std::path::Path;

/// Runs `symbi fmt`; returns the exit status: 0 when all is well, 1 when a file has syntax
/// errors or (with `--check`) would change, 2 for a missing or unreadable file.
pub fn run(args: FmtArgs) -> u8 {
    if args.stdin {
        if !args.files.is_empty() {
            return usage_error("`--stdin` formats stdin only; pass no FILE with it");
        }
        return stdin();
    }
    let excludes = match crate::syntax::walk::Excludes::new(&args.exclude) {
        Ok(excludes) => excludes,
        Err(message) => return usage_error(message),
    };
    // No paths: the current folder, as `symbi check` and `symbi up` default to it.
    let paths = if args.files.is_empty() { vec![std::path::PathBuf::from(".")] } else { args.files };
    let mut status = EXIT_OK;
    for path in crate::syntax::walk::files(&paths, &excludes) {
        let file_status = match path {
            Ok(path) => one_file(&path, args.check),
            Err(problem) => {
                report(std::slice::from_ref(&*problem.diagnostic), &problem.path.display().to_string(), "");
                // A warning (a folder with no agent file) changes nothing.
                if problem.diagnostic.is_error() { EXIT_USAGE } else { EXIT_OK }
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
    // A file named through a symbolic link is rewritten where the link points; the link
    // stays a link.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match write_atomically(&target, &formatted) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            report(
                &[Diagnostic::error(codes::INPUT_UNREADABLE, format!("cannot write `{name}`: {e}"))],
                &name,
                &text,
            );
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
                codes::INPUT_UNREADABLE,
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
    eprint!("{}", render_human(diags, &sources, stderr_color()));
}
