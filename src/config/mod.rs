//! Configuration: `config.toml`, environment variables and defaults, with precedence
//! CLI flag > environment variable > file > default.

mod model;

pub use model::*;
