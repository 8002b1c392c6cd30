//! Configuration: `config.toml`, environment variables and defaults, with precedence
//! CLI flag > environment variable > file > default.
//!
//! The loader folds the file and the environment into one [`Config`] and records where
//! each value came from; CLI flags are applied later by [`crate::policy`], so
//! `check` and `run` resolve them the same way.

mod apply;
mod env;
mod error;
mod load;
mod model;
mod regular;
mod report;
pub mod schema;
mod sha256;
pub mod trust;
mod untrusted;
mod validate;

pub use apply::Value;
pub use env::{CONFIG_VAR, ENV_VAR, EnvVars, OVERRIDES, default_audit_log, is_production};
pub use error::*;
pub use load::{
    CONFIG_FILE, Discovered, Discovery, Ignored, IgnoredReason, discover, discover_file_in,
    discover_for_file, discover_for_paths, discover_in, load, load_discovered, load_for_file, load_for_paths,
    load_in, load_text, user_config,
};
pub use model::*;
pub use regular::{MAX_CONFIG_BYTES, io_reason as regular_io_reason, read_regular_file};
pub use report::{EffectiveValue, effective_values, value_of};
pub use sha256::sha256_hex;
pub use untrusted::untrusted_warning;
