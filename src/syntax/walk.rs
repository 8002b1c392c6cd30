//! Which files a command that takes files and folders works on (`symbi check`, `symbi fmt`,
//! `symbi up`).
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
//! - Inside a folder, what `--exclude GLOB` or a `.symbiignore` matches is left out
//!   (gitignore syntax, [`super::ignore`]); a file named on the command line is always used.
//!   A folder argument that holds no agent file is a warning (W0020).

use super::ignore::{self, Rules};
use crate::diag::Diagnostic;
use crate::diag::codes;
use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The `--exclude` patterns of a command, applied inside every folder argument.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    globs: Vec<String>,
}

impl Excludes {
    /// Checks the patterns; the error names the first that is not a valid glob.
    pub fn new(globs: &[String]) -> Result<Excludes, String> {
        let (_, bad) = Rules::parse(Path::new(""), globs.iter().map(String::as_str));
        match bad.into_iter().next() {
            Some(why) => Err(format!("--exclude {why}")),
            None => Ok(Excludes { globs: globs.to_vec() }),
        }
    }

    /// The patterns as rules relative to the folder argument `base`.
    fn rules(&self, base: &Path) -> Rules {
        Rules::parse(base, self.globs.iter().map(String::as_str)).0
    }
}

/// A path that cannot be used, or a warning about a folder: the diagnostic, and the path it
/// is about (the `file` of its JSON form).
#[derive(Clone, Debug)]
pub struct Problem {
    /// The path named, the folder or the `.symbiignore` file.
    pub path: PathBuf,
    /// What is wrong (E0001) or worth knowing (W0020, W0021); boxed, so a walk's list of
    /// files stays small.
    pub diagnostic: Box<Diagnostic>,
}

/// The files to work on, in order, with an E0001 diagnostic in place of each path that
/// cannot be used (missing, not a regular file or folder, an unreadable folder), and a
/// warning (W0020, W0021) where a folder holds no agent file or a `.symbiignore` line is
/// not a pattern.
pub fn files(paths: &[PathBuf], excludes: &Excludes) -> Vec<Result<PathBuf, Problem>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                let mut stack = vec![excludes.rules(path)];
                walk(path, &mut stack, &mut found, &mut out);
                if found.is_empty() {
                    out.push(Err(problem(path, no_agent_files(path))));
                }
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
            Ok(meta) => out.push(Err(problem(path, not_regular(path, &meta)))),
            Err(e) => out.push(Err(problem(path, cannot_read(path, &e)))),
        }
    }
    out
}

/// Adds the agent files below `dir` (with their device and inode) to `found`, and a
/// diagnostic for each folder that cannot be read to `problems`. `stack` holds the rules
/// in force, outermost first; `dir`'s own `.symbiignore` is pushed for its entries.
fn walk(
    dir: &Path,
    stack: &mut Vec<Rules>,
    found: &mut Vec<(PathBuf, (u64, u64))>,
    problems: &mut Vec<Result<PathBuf, Problem>>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return problems.push(Err(problem(dir, cannot_read(dir, &e)))),
    };
    let (own, bad) = Rules::of_folder(dir);
    problems.extend(bad.into_iter().map(|d| Err(problem(&dir.join(ignore::IGNORE_FILE), d))));
    let pushed = own.is_some();
    stack.extend(own);
    for entry in entries.flatten() {
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        // `DirEntry::metadata` does not follow symbolic links: a link is neither a folder
        // nor a regular file here, so it is skipped.
        let Ok(meta) = entry.metadata() else { continue };
        let path = entry.path();
        if ignore::excluded(stack, &path, meta.is_dir()) {
            continue;
        }
        if meta.is_dir() {
            walk(&path, stack, found, problems);
        } else if meta.is_file() && is_agent_file(&path) {
            found.push((path, (meta.dev(), meta.ino())));
        }
    }
    if pushed {
        stack.pop();
    }
}

fn problem(path: &Path, diagnostic: Diagnostic) -> Problem {
    Problem { path: path.to_path_buf(), diagnostic: Box::new(diagnostic) }
}

/// W0020 for a folder argument with no agent file in it (after what is left out).
fn no_agent_files(dir: &Path) -> Diagnostic {
    Diagnostic::warning(codes::NO_AGENT_FILES, format!("`{}` holds no agent files", dir.display()))
        .with_note("agent files end in `.symbi` or `.dsl`; hidden folders, symbolic links and what `--exclude` or a `.symbiignore` matches are left out")
        .with_help("name an agent file or a folder that holds some")
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
        format!(
            "`{}` is not a regular file ({})",
            path.display(),
            crate::files::irregular_kind(meta).unwrap_or("a regular file")
        ),
    )
    .with_help("name an agent file or a folder of them")
}
