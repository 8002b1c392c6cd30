//! Consent to tier None, and the production guard that refuses it whatever consents.

use super::TierChoice;
use crate::config::{Config, Origin};
use crate::diag::{Code, codes};
use crate::security::Tier;

/// What consented to tier None.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsentSource {
    /// An explicit flag (`--native` or `--sandbox-tier=none`).
    Cli(String),
    /// A configuration key (`security.allow_native_execution` or `native_execution.enabled`)
    /// and where its value came from (the file or `SYMBIONT_ALLOW_NATIVE_EXECUTION`).
    Config {
        /// The dotted key.
        key: &'static str,
        /// The file or environment variable that set it.
        origin: Origin,
    },
}

/// Why tier None is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsentRefusal {
    /// `SYMBIONT_ENV=production`: refused whatever consents.
    Production,
    /// Nothing consented.
    NotConsented,
}

impl ConsentSource {
    /// What consented, for the transcript and `symbi doctor` ("--native", "SYMBIONT_ALLOW_NATIVE_EXECUTION", ...).
    pub fn describe(&self) -> String {
        match self {
            ConsentSource::Cli(flag) => flag.clone(),
            ConsentSource::Config { key, origin } => match origin {
                Origin::Env(var) => format!("{var}=true"),
                Origin::File(path) => format!("`{key}` in {}", path.display()),
                Origin::Cli(flag) => flag.clone(),
                Origin::Default => format!("`{key}`"),
            },
        }
    }
}

impl ConsentRefusal {
    /// The diagnostic code, the same from the checker, `symbi run` and the embedding API.
    pub fn code(&self) -> Code {
        match self {
            ConsentRefusal::Production => codes::NATIVE_IN_PRODUCTION,
            ConsentRefusal::NotConsented => codes::NATIVE_NOT_ALLOWED,
        }
    }

    /// The one-line reason, shared by the checker and the runner.
    pub fn message(&self) -> &'static str {
        match self {
            ConsentRefusal::Production => {
                "native execution (tier None) is refused when SYMBIONT_ENV=production"
            }
            ConsentRefusal::NotConsented => "native execution (tier None) is not allowed",
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            ConsentRefusal::Production => {
                "use a container tier (`tier: Tier1` or higher), or run outside production"
            }
            ConsentRefusal::NotConsented => {
                "pass `--native` (or `--sandbox-tier=none`), set `security.allow_native_execution = true` \
                 in config.toml, or export SYMBIONT_ALLOW_NATIVE_EXECUTION=true"
            }
        }
    }
}

/// Whether tier None may run: production refuses always; else the explicit CLI flags, then
/// `security.allow_native_execution`, then `native_execution.enabled` consent.
pub fn native_consent(choice: &TierChoice, cfg: &Config) -> Result<ConsentSource, ConsentRefusal> {
    if cfg.production {
        return Err(ConsentRefusal::Production);
    }
    if choice.tier() == Some(Tier::None)
        && let Some(flag) = choice.flag()
    {
        return Ok(ConsentSource::Cli(flag));
    }
    if cfg.security.allow_native_execution {
        let key = "security.allow_native_execution";
        return Ok(ConsentSource::Config { key, origin: cfg.origin(key) });
    }
    if cfg.native_execution.enabled {
        let key = "native_execution.enabled";
        return Ok(ConsentSource::Config { key, origin: cfg.origin(key) });
    }
    Err(ConsentRefusal::NotConsented)
}
