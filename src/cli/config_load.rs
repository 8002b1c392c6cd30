//! Loading the configuration for a subcommand: errors are rendered on stderr and become
//! exit status 2, the same way for `check`, `run` and `doctor`.

use super::{CheckFormat, EXIT_USAGE, TierArgs};
use crate::config::{Config, ConfigError, EnvVars, load, load_for_file};
use crate::diag::render::stderr_color;
use std::path::Path;

/// Loads the configuration for one agent file ([`load_for_file`]); on error, prints
/// the diagnostics to stderr and returns exit status 2.
pub fn load_file_for_cli(file: &Path, args: &TierArgs) -> Result<Config, u8> {
    report(load_for_file(file, args.config.as_deref(), &EnvVars::from_process()))
}

/// [`load_file_for_cli`] for `symbi check --format`: with `short` or `json` the errors are
/// printed on stdout in that form, beside the check's own diagnostics, so a tool reading the
/// JSON lines sees configuration errors too; `human` prints them on stderr.
pub fn load_file_for_check(file: &Path, args: &TierArgs, format: CheckFormat) -> Result<Config, u8> {
    let loaded = load_for_file(file, args.config.as_deref(), &EnvVars::from_process());
    match format {
        CheckFormat::Human => report(loaded),
        CheckFormat::Short | CheckFormat::Json => loaded.map_err(|error| {
            let text = if format == CheckFormat::Json { error.render_json() } else { error.render_short() };
            crate::cli::print_stdout(&text);
            EXIT_USAGE
        }),
    }
}

/// Loads the configuration for subcommands that only take `--config` (`doctor`).
pub fn load_path_for_cli(explicit: Option<&Path>) -> Result<Config, u8> {
    report(load(explicit, &EnvVars::from_process()))
}

fn report(loaded: Result<Config, ConfigError>) -> Result<Config, u8> {
    loaded.map_err(|error| {
        eprint!("{}", error.render(stderr_color()));
        EXIT_USAGE
    })
}
