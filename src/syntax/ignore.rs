//! What a folder walk leaves out: `--exclude GLOB` and `.symbiignore` files, in gitignore
//! syntax (docs/checking.md, "Files and folders").
//!
//! The part of gitignore that selects files: `#` comments and blank lines; `!` re-includes
//! what an earlier pattern left out; a trailing `/` matches folders only; a pattern with a
//! `/` before its end is anchored to its base folder (the `.symbiignore`'s folder, or the
//! folder argument for `--exclude`), one without matches a name at any depth; `*` and `?`
//! stay inside one path component and `**` crosses them. The last pattern that matches
//! decides, and a folder left out is not entered, so nothing inside it can be re-included
//! (as in git).

use crate::diag::{Diagnostic, codes};
use globset::{GlobBuilder, GlobMatcher};
use std::path::{Path, PathBuf};

/// The name of the ignore file read in every folder a walk enters.
pub const IGNORE_FILE: &str = ".symbiignore";

/// The largest `.symbiignore` read (a real one is a few lines).
const MAX_IGNORE_BYTES: u64 = 1024 * 1024;

/// One pattern line.
#[derive(Clone, Debug)]
struct Rule {
    matcher: GlobMatcher,
    /// `!pattern`: re-includes.
    negated: bool,
    /// `pattern/`: folders only.
    folders_only: bool,
}

/// The patterns of one source (a `.symbiignore`, or every `--exclude`), relative to `base`.
#[derive(Clone, Debug)]
pub struct Rules {
    base: PathBuf,
    rules: Vec<Rule>,
}

impl Rules {
    /// Parses pattern lines relative to `base`; a line that is not a valid pattern is left
    /// out, with the reason in the second value.
    pub fn parse<'a>(base: &Path, lines: impl IntoIterator<Item = &'a str>) -> (Rules, Vec<String>) {
        let mut rules = Vec::new();
        let mut bad = Vec::new();
        for line in lines {
            match rule(line) {
                Ok(Some(r)) => rules.push(r),
                Ok(None) => {}
                Err(e) => bad.push(format!("`{}`: {e}", line.trim())),
            }
        }
        (Rules { base: base.to_path_buf(), rules }, bad)
    }

    /// The rules of `dir/.symbiignore`, if there is one, with W0021 for each bad line.
    pub fn of_folder(dir: &Path) -> (Option<Rules>, Vec<Diagnostic>) {
        let path = dir.join(IGNORE_FILE);
        // The one guarded reader, not following a link, like the walk itself.
        let Ok(bytes) = crate::files::read(&path, MAX_IGNORE_BYTES, crate::files::Links::Refuse) else {
            return (None, Vec::new());
        };
        let text = String::from_utf8_lossy(&bytes);
        let (rules, bad) = Rules::parse(dir, text.lines());
        let diags = bad
            .into_iter()
            .map(|why| {
                Diagnostic::warning(
                    codes::IGNORE_PATTERN_INVALID,
                    format!("`{}` has a pattern that is not a valid glob: {why}", path.display()),
                )
                .with_help("fix or remove the line; it is left out meanwhile")
            })
            .collect();
        (Some(rules), diags)
    }

    /// `Some(true)` when the last matching pattern leaves `path` out, `Some(false)` when it
    /// re-includes it, `None` when no pattern matches (or `path` is not below the base).
    pub fn decide(&self, path: &Path, is_folder: bool) -> Option<bool> {
        let relative = path.strip_prefix(&self.base).ok()?;
        self.rules
            .iter()
            .rev()
            .find(|r| (is_folder || !r.folders_only) && r.matcher.is_match(relative))
            .map(|r| !r.negated)
    }
}

/// Whether the stack of rule sets (outermost first) leaves `path` out: the innermost set
/// with a matching pattern decides, as a deeper `.gitignore` does.
pub fn excluded(stack: &[Rules], path: &Path, is_folder: bool) -> bool {
    stack.iter().rev().find_map(|rules| rules.decide(path, is_folder)).unwrap_or(false)
}

/// One line as a rule; `None` for a blank line or a comment.
fn rule(line: &str) -> Result<Option<Rule>, globset::Error> {
    // Trailing spaces are dropped (git keeps them only when escaped, which is rare).
    let line = line.trim_end();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (negated, pattern) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, line.strip_prefix('\\').unwrap_or(line)),
    };
    let (folders_only, pattern) = match pattern.strip_suffix('/') {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    if pattern.is_empty() {
        return Ok(None);
    }
    // A `/` before the end anchors the pattern to the base folder; otherwise it matches a
    // name at any depth.
    let glob = match pattern.strip_prefix('/') {
        Some(anchored) => anchored.to_string(),
        None if pattern.contains('/') => pattern.to_string(),
        None => format!("**/{pattern}"),
    };
    let matcher =
        GlobBuilder::new(&glob).literal_separator(true).backslash_escape(true).build()?.compile_matcher();
    Ok(Some(Rule { matcher, negated, folders_only }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(lines: &[&str]) -> Vec<Rules> {
        vec![Rules::parse(Path::new("root"), lines.iter().copied()).0]
    }

    #[test]
    fn gitignore_patterns_select_as_git_does() {
        let stack =
            rules(&["# a comment", "", "vendor/", "*.dsl", "!keep.dsl", "/top.symbi", "a/**/deep.symbi"]);
        let out = |p: &str, folder: bool| excluded(&stack, &Path::new("root").join(p), folder);
        assert!(out("vendor", true));
        assert!(out("x/vendor", true), "a name without `/` matches at any depth");
        assert!(!out("vendor", false), "a trailing `/` matches folders only");
        assert!(out("old.dsl", false) && out("x/y/old.dsl", false));
        assert!(!out("keep.dsl", false), "`!` re-includes");
        assert!(out("top.symbi", false) && !out("x/top.symbi", false), "a leading `/` anchors");
        assert!(out("a/b/c/deep.symbi", false) && out("a/deep.symbi", false));
        assert!(!out("agent.symbi", false));
    }

    #[test]
    fn a_star_stays_inside_one_folder() {
        let stack = rules(&["gen/*.symbi"]);
        assert!(excluded(&stack, Path::new("root/gen/a.symbi"), false));
        assert!(!excluded(&stack, Path::new("root/gen/sub/a.symbi"), false));
    }

    #[test]
    fn a_deeper_file_overrides_an_outer_one() {
        let mut stack = rules(&["*.dsl"]);
        stack.push(Rules::parse(Path::new("root/sub"), ["!*.dsl"]).0);
        assert!(excluded(&stack, Path::new("root/a.dsl"), false));
        assert!(!excluded(&stack, Path::new("root/sub/a.dsl"), false));
    }

    #[test]
    fn a_bad_pattern_is_reported_and_left_out() {
        let (rules, bad) = Rules::parse(Path::new("root"), ["a[", "*.dsl"]);
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].starts_with("`a[`"), "{bad:?}");
        assert!(excluded(&[rules], Path::new("root/x.dsl"), false));
    }
}
