//! `symbi check`: parse and check files, print every diagnostic, exit 0 / 1 / 2.

use super::{CheckArgs, CheckFormat, EXIT_FAILURE, EXIT_OK, usage_error};
use crate::config::Config;
use crate::diag::Severity;
use crate::diag::render::{self, Sources};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Runs `symbi check`; returns the exit status.
pub fn run(args: CheckArgs) -> u8 {
    // A path that cannot be used (missing, a FIFO or device, an unreadable folder) is a
    // usage error before anything is checked.
    let files = match crate::syntax::walk::files(&args.files).into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(files) => files,
        Err(diag) => return usage_error(diag.message),
    };
    // Each file is checked with the configuration `symbi run` would use for it; files of one
    // folder share it.
    let mut configs: HashMap<PathBuf, Config> = HashMap::new();
    let tier = match super::tier_flags::tier_choice(&args.tier) {
        Ok(tier) => tier,
        Err(message) => return usage_error(message),
    };
    let color = render::color_enabled(std::io::stdout().is_terminal());
    let mut stdout = std::io::stdout().lock();
    let (mut errors, mut warnings) = (0usize, 0usize);
    for file in &files {
        let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
        // An untrusted config.toml passed over is reported once, with the folder's first file.
        let mut passed_over = None;
        let config = match configs.entry(folder) {
            Entry::Occupied(found) => found.into_mut(),
            Entry::Vacant(slot) => {
                match super::config_load::load_file_for_check(file, &args.tier, args.format) {
                    Ok(config) => {
                        passed_over = config.ignored_warning();
                        slot.insert(config)
                    }
                    Err(status) => return status,
                }
            }
        };
        let name = file.display().to_string();
        let (mut diagnostics, sources) = match crate::syntax::read_source(file) {
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
        if args.deny_warnings {
            diagnostics.iter_mut().for_each(|d| d.severity = Severity::Error);
        }
        errors += diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += diagnostics.iter().filter(|d| !d.is_error()).count();
        let text = match args.format {
            CheckFormat::Human => render::render_human(&diagnostics, &sources, color),
            CheckFormat::Short => render::render_short(&diagnostics, &sources),
            CheckFormat::Json => render::render_json(&diagnostics, &sources),
        };
        if stdout.write_all(text.as_bytes()).is_err() {
            return EXIT_FAILURE;
        }
    }
    if args.format == CheckFormat::Human {
        let _ = writeln!(stdout, "{}", summary(files.len(), errors, warnings));
    }
    if errors > 0 { EXIT_FAILURE } else { EXIT_OK }
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
