//! `symbi check`: parse and check files, print every diagnostic, exit 0 / 1 / 2 (2: a path
//! that cannot be used, a configuration or usage error).

use super::{CheckArgs, CheckFormat, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, usage_error};
use crate::config::Config;
use crate::diag::render::{self, Sources};
use crate::diag::{Code, Diagnostic, Severity, codes};
use crate::syntax::walk::Excludes;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs `symbi check`; returns the exit status.
pub fn run(args: CheckArgs) -> u8 {
    let tier = match super::tier_flags::tier_choice(&args.tier) {
        Ok(tier) => tier,
        Err(message) => return usage_error(message),
    };
    let excludes = match Excludes::new(&args.exclude) {
        Ok(excludes) => excludes,
        Err(message) => return usage_error(message),
    };
    // No paths: the current folder, as `symbi fmt` and `symbi up` default to it.
    let paths = if args.files.is_empty() { vec![PathBuf::from(".")] } else { args.files.clone() };
    // Each file is checked with the configuration `symbi run` would use for it; files of one
    // folder share it.
    let mut configs: HashMap<PathBuf, Config> = HashMap::new();
    let mut out = Report::new(args.format, args.deny_warnings);
    for walked in crate::syntax::walk::files(&paths, &excludes) {
        // A path that cannot be used (missing, a FIFO or device, an unreadable folder) is
        // reported in its place, in the chosen format, and the other paths are still checked.
        let file = match walked {
            Ok(file) => file,
            Err(problem) => {
                let name = problem.path.display().to_string();
                if !out.emit(vec![*problem.diagnostic], &Sources::new(name, String::new())) {
                    return EXIT_FAILURE;
                }
                continue;
            }
        };
        out.files += 1;
        let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
        // An untrusted config.toml passed over is reported once, with the folder's first file.
        let mut passed_over = None;
        let config = match configs.entry(folder) {
            Entry::Occupied(found) => found.into_mut(),
            Entry::Vacant(slot) => {
                match super::config_load::load_file_for_check(&file, &args.tier, args.format) {
                    Ok(config) => {
                        passed_over = config.ignored_warning();
                        slot.insert(config)
                    }
                    Err(status) => return status,
                }
            }
        };
        let name = file.display().to_string();
        let (diagnostics, sources) = match crate::syntax::read_source(&file) {
            Ok(text) => {
                let ctx = crate::check::CheckContext { config, tier, agent: None, variable_types: false };
                let mut diagnostics: Vec<_> = passed_over.into_iter().collect();
                diagnostics.extend(crate::check::check_source(&text, &ctx).diagnostics);
                let mut sources = Sources::new(name, text);
                // Labels may point into the standard library (a builtin's declaration).
                for (stdlib_name, stdlib_text) in crate::stdlib::stdlib().sources() {
                    sources.insert(stdlib_name, stdlib_text);
                }
                (diagnostics, sources)
            }
            Err(d) => (passed_over.into_iter().chain([d]).collect(), Sources::new(name, String::new())),
        };
        if !out.emit(diagnostics, &sources) {
            return EXIT_FAILURE;
        }
    }
    out.finish()
}

/// Where the diagnostics go and what they add up to. Human reports go to stderr, as rustc's
/// do; `short` and `json` are output for tools, on stdout.
struct Report {
    format: CheckFormat,
    deny_warnings: bool,
    color: bool,
    files: usize,
    errors: usize,
    warnings: usize,
    /// A path could not be used (E0001): exit status 2 once everything else is checked.
    unusable: bool,
    /// The first error's code (else the first warning's), for the summary's pointer to
    /// `symbi explain`.
    example: Option<Code>,
}

impl Report {
    fn new(format: CheckFormat, deny_warnings: bool) -> Self {
        Report {
            format,
            deny_warnings,
            color: render::stderr_color(),
            files: 0,
            errors: 0,
            warnings: 0,
            unusable: false,
            example: None,
        }
    }

    /// Counts and prints diagnostics; false when the output is gone (a closed pipe).
    fn emit(&mut self, mut diagnostics: Vec<Diagnostic>, sources: &Sources) -> bool {
        if self.deny_warnings {
            diagnostics.iter_mut().for_each(|d| d.severity = Severity::Error);
        }
        for d in &diagnostics {
            if d.is_error() {
                self.errors += 1;
            } else {
                self.warnings += 1;
            }
            if d.code == codes::INPUT_UNREADABLE {
                self.unusable = true;
            }
            if self.example.is_none() || (d.is_error() && self.errors == 1) {
                self.example = Some(d.code);
            }
        }
        match self.format {
            CheckFormat::Human => std::io::stderr()
                .lock()
                .write_all(render::render_human(&diagnostics, sources, self.color).as_bytes())
                .is_ok(),
            CheckFormat::Short => write_stdout(&render::render_short(&diagnostics, sources)),
            CheckFormat::Json => write_stdout(&render::render_json(&diagnostics, sources)),
        }
    }

    /// The summary (human format) and the exit status.
    fn finish(self) -> u8 {
        if self.format == CheckFormat::Human {
            let mut text = summary(self.files, self.errors, self.warnings);
            if let Some(code) = self.example {
                text.push_str(&format!("\nfor more about a code: `symbi explain {code}`"));
            }
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
        if self.unusable {
            EXIT_USAGE
        } else if self.errors > 0 {
            EXIT_FAILURE
        } else {
            EXIT_OK
        }
    }
}

fn write_stdout(text: &str) -> bool {
    std::io::stdout().lock().write_all(text.as_bytes()).is_ok()
}

fn summary(files: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if errors == 0 && warnings == 0 {
        format!("checked {}: no problems", plural(files, "file"))
    } else {
        format!(
            "checked {}: {}, {}",
            plural(files, "file"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}
