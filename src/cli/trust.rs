//! `symbi trust [DIR]`, `symbi trust --revoke DIR`, `symbi trust --list`: the folders whose
//! `config.toml` is read beside the agent files in them. Trusting records the canonical
//! folder and the SHA-256 of the file as it is now, after checking that it loads; a later
//! change to the file withdraws the trust until the user looks at it and trusts it again.
//! Exit status 0, or 2 when the folder or the trust store cannot be used.

use super::{EXIT_OK, EXIT_USAGE, TrustArgs};
use crate::config::trust::{TrustStore, Verdict};
use crate::config::{
    CONFIG_FILE, ConfigError, Discovered, EnvVars, MAX_CONFIG_BYTES, load_discovered, read_regular_file,
    sha256_hex,
};
use crate::diag::render::color_enabled;
use crate::diag::{Diagnostic, codes};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Runs `symbi trust`; returns the exit status.
pub fn run(args: TrustArgs) -> u8 {
    let env = EnvVars::from_process();
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let outcome = if args.list {
        list(&env)
    } else if args.revoke {
        revoke(&dir, &env)
    } else {
        trust(&dir, &env)
    };
    match outcome {
        Ok(text) => {
            super::print_stdout(&text);
            EXIT_OK
        }
        Err(diagnostics) => {
            let color = color_enabled(std::io::stderr().is_terminal());
            eprint!("{}", diagnostics.render(color));
            EXIT_USAGE
        }
    }
}

/// A trust error (E0508) with a help line.
fn refusal(message: String, help: &str) -> ConfigError {
    ConfigError::without_source(vec![Diagnostic::error(codes::TRUST_FAILED, message).with_help(help)])
}

fn open_store(env: &EnvVars) -> Result<TrustStore, ConfigError> {
    TrustStore::open(env).map_err(|why| {
        refusal(
            format!("the trust store cannot be used: {why}"),
            "set HOME (or XDG_DATA_HOME) to your own folder, or name the configuration with --config PATH",
        )
    })
}

fn trust(dir: &Path, env: &EnvVars) -> Result<String, ConfigError> {
    let folder = std::fs::canonicalize(dir).map_err(|e| {
        refusal(
            format!("cannot trust `{}`: {}", dir.display(), crate::config::regular_io_reason(&e)),
            "give the folder that holds the config.toml to trust",
        )
    })?;
    let path = folder.join(CONFIG_FILE);
    let bytes = read_regular_file(&path, MAX_CONFIG_BYTES).map_err(|why| {
        refusal(
            format!("cannot trust `{}`: its {CONFIG_FILE} cannot be read: {why}", folder.display()),
            "symbi trusts a folder for its config.toml; give the folder that holds one",
        )
    })?;
    // A file with errors is not trusted: every command would refuse it anyway, and the user
    // should see what they consent to before it counts.
    let cfg =
        load_discovered(Discovered::Named { path: path.clone(), by: "symbi trust" }, &EnvVars::default())?;
    let sha256 = sha256_hex(&bytes);
    let mut store = open_store(env)?;
    store.trust(folder.clone(), sha256.clone());
    store.save().map_err(|why| refusal(why, "check that your data folder is writable"))?;
    let sets: Vec<&str> = cfg.origins.keys().map(String::as_str).collect();
    let sets =
        if sets.is_empty() { "nothing (every value is the default)".to_string() } else { sets.join(", ") };
    Ok(format!(
        "trusted {folder}: its {CONFIG_FILE} (sha256 {short}) is now read for agent files there\n\
         it sets: {sets}\n\
         a change to the file withdraws the trust; `symbi trust --revoke {folder}` forgets the folder\n",
        folder = folder.display(),
        short = &sha256[..16],
    ))
}

fn revoke(dir: &Path, env: &EnvVars) -> Result<String, ConfigError> {
    // A folder that no longer exists can still be forgotten by the path it had.
    let folder =
        std::fs::canonicalize(dir).or_else(|_| std::path::absolute(dir)).unwrap_or(dir.to_path_buf());
    let mut store = open_store(env)?;
    if !store.revoke(&folder) {
        return Ok(format!("{} was not trusted\n", folder.display()));
    }
    store.save().map_err(|why| refusal(why, "check that your data folder is writable"))?;
    Ok(format!("no longer trusted: {}\n", folder.display()))
}

fn list(env: &EnvVars) -> Result<String, ConfigError> {
    let store = open_store(env)?;
    if store.entries().is_empty() {
        return Ok(format!("no folder is trusted (trust store: {})\n", store.path().display()));
    }
    let mut out = String::new();
    for entry in store.entries() {
        let state = match read_regular_file(&entry.folder.join(CONFIG_FILE), MAX_CONFIG_BYTES) {
            Ok(text) => match store.verdict(&entry.folder, &text) {
                Verdict::Trusted => "trusted".to_string(),
                _ => {
                    format!("changed since, not trusted until `symbi trust {}` again", entry.folder.display())
                }
            },
            Err(why) => format!("{CONFIG_FILE} cannot be read: {why}"),
        };
        out.push_str(&format!("{}  ({state}; since {})\n", entry.folder.display(), entry.trusted_at));
    }
    Ok(out)
}
