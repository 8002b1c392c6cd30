//! Which working directory a run uses: the configured one, or, on tier None with none
//! configured, the folder of the agent file (as `just` runs recipes beside the justfile),
//! so `execute_native("python3 process.py")` finds the script written beside the agent.

use crate::config::{Config, Origin};
use crate::security::Tier;
use std::path::{Path, PathBuf};

/// The configuration key that sets the working directory.
pub const KEY: &str = "native_execution.working_directory";

/// The working directory a run asks for, and whether it is the agent file's folder.
///
/// Containers (Tier1 and up) keep the configured default, a scratch directory: mounting the
/// agent's folder, often a whole project, writable into every container by default would
/// widen what a contained command can change.
pub fn wanted(cfg: &Config, tier: Tier, agent_file: &Path) -> (PathBuf, bool) {
    let configured = &cfg.native_execution.working_directory;
    if tier != Tier::None || cfg.origin(KEY) != Origin::Default {
        return (configured.clone(), false);
    }
    let folder = std::fs::canonicalize(agent_file).ok().and_then(|f| f.parent().map(Path::to_path_buf));
    match folder {
        Some(folder) => (folder, true),
        None => (configured.clone(), false),
    }
}

/// The note on a refused working directory that came from the agent file's folder.
pub fn beside_agent_note() -> String {
    format!(
        "with no `{KEY}` configured, commands run in the agent file's folder; set `{KEY}` (or \
         SYMBIONT_NATIVE_WORKING_DIR) to run them elsewhere"
    )
}
