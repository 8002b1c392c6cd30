//! Which files a command that takes files and folders works on (`symbi check`, `symbi fmt`).
//!
//! One rule for every command, documented in `docs/checking.md` ("Files and folders"):
//!
//! - A path named on the command line is used as given, following a symbolic link; it must
//!   be a regular file or a folder. A FIFO, a device or a socket is refused (E0001): reading
//!   one could block for ever or never end (`/dev/zero`).
//! - A folder is walked for `.symbi` and `.dsl` files, in sorted order. Entries whose name
//!   starts with `.` (`.git`, an editor's `.#lock`) are skipped, and so is every symbolic
//!   link: a link cannot make the walk loop, leave the tree, or reach a FIFO or a device,
//!   and `symbi fmt` never replaces a link with a file. Anything else that is not a
//!   regular file is skipped too.
//! - Each file is used once, however many arguments reach it (the same device and inode).

use crate::diag::Diagnostic;
use crate::diag::codes;
use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The files to work on, in order, with an E0001 diagnostic in place of each path that
/// cannot be used (missing, not a regular file or folder, an unreadable folder).
pub fn files(paths: &[PathBuf]) -> Vec<Result<PathBuf, Diagnostic>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found, &mut out);
                found.sort();
                for (file, id) in found {
                    if seen.insert(id) {
                        out.push(Ok(file));
                    }
                }
            }
            Ok(meta) if meta.is_file() => {
                if seen.insert((meta.dev(), meta.ino())) {
                    out.push(Ok(path.clone()));
                }
            }
            Ok(meta) => out.push(Err(not_regular(path, &meta))),
            Err(e) => out.push(Err(cannot_read(path, &e))),
        }
    }
    out
}

/// Adds the agent files below `dir` (with their device and inode) to `found`, and a
/// diagnostic for each folder that cannot be read to `problems`.
fn walk(dir: &Path, found: &mut Vec<(PathBuf, (u64, u64))>, problems: &mut Vec<Result<PathBuf, Diagnostic>>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return problems.push(Err(cannot_read(dir, &e))),
    };
    for entry in entries.flatten() {
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        // `DirEntry::metadata` does not follow symbolic links: a link is neither a folder
        // nor a regular file here, so it is skipped.
        let Ok(meta) = entry.metadata() else { continue };
        let path = entry.path();
        if meta.is_dir() {
            walk(&path, found, problems);
        } else if meta.is_file() && is_agent_file(&path) {
            found.push((path, (meta.dev(), meta.ino())));
        }
    }
}

/// Agent files end in `.symbi` or `.dsl`.
fn is_agent_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "symbi" || e == "dsl")
}

fn cannot_read(path: &Path, e: &std::io::Error) -> Diagnostic {
    let reason = e.to_string();
    let reason = reason.split(" (os error").next().unwrap_or_default();
    Diagnostic::error(codes::INPUT_UNREADABLE, format!("cannot read `{}`: {reason}", path.display()))
}

/// E0001 for a named FIFO, device or socket.
fn not_regular(path: &Path, meta: &std::fs::Metadata) -> Diagnostic {
    Diagnostic::error(
        codes::INPUT_UNREADABLE,
        format!("`{}` is not a regular file ({})", path.display(), crate::syntax::file_kind(meta)),
    )
    .with_help("name an agent file or a folder of them")
}
