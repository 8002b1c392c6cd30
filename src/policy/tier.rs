//! Which tier a run uses, and what chose it: the command line, the agent, the environment,
//! the configuration file or the default.

use crate::config::{Config, Origin};
use crate::diag::Span;
use crate::security::Tier;
use crate::syntax::ast;

/// The tier the command line asks for: `--sandbox-tier` and `--native`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TierChoice {
    /// `--sandbox-tier T`, parsed.
    pub cli_tier: Option<Tier>,
    /// `--native` (tier None, with consent).
    pub cli_native: bool,
}

impl TierChoice {
    /// The tier the flags name, if any (`--native` means None).
    pub fn tier(&self) -> Option<Tier> {
        if self.cli_native { Some(Tier::None) } else { self.cli_tier }
    }

    /// The flag as the user wrote it, for messages (`--native`, `--sandbox-tier=none`).
    pub fn flag(&self) -> Option<String> {
        if self.cli_native {
            Some("--native".into())
        } else {
            self.cli_tier.map(|t| format!("--sandbox-tier={}", t.name().to_ascii_lowercase()))
        }
    }
}

/// Why the effective tier is what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TierSource {
    /// `--sandbox-tier` or `--native`.
    Cli,
    /// The agent's `security { tier: ... }`, at this span (the value).
    Agent(Span),
    /// `SYMBIONT_DEFAULT_SANDBOX_TIER`.
    Env,
    /// `security.default_sandbox_tier` in the config file.
    ConfigFile,
    /// Nothing chose one: Tier1.
    Default,
    /// A program embedding symbi named it for the call (`SandboxOrchestrator`).
    Caller,
}

impl TierSource {
    /// A short phrase for messages: "set by --sandbox-tier", "the agent's `tier:`", ...
    pub fn describe(&self) -> &'static str {
        match self {
            TierSource::Cli => "chosen on the command line",
            TierSource::Agent(_) => "set by the agent's `security.tier`",
            TierSource::Env => "set by SYMBIONT_DEFAULT_SANDBOX_TIER",
            TierSource::ConfigFile => "set by `security.default_sandbox_tier` in the configuration",
            TierSource::Default => "the default",
            TierSource::Caller => "chosen by the embedding program",
        }
    }

    /// A stable word for the transcript and the JSON events (`cli`, `agent`, `env`,
    /// `config`, `default`).
    pub fn key(&self) -> &'static str {
        match self {
            TierSource::Cli => "cli",
            TierSource::Agent(_) => "agent",
            TierSource::Env => "env",
            TierSource::ConfigFile => "config",
            TierSource::Default => "default",
            TierSource::Caller => "caller",
        }
    }
}

/// The tier a run uses, and what chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectiveTier {
    /// The tier.
    pub tier: Tier,
    /// What chose it.
    pub source: TierSource,
}

/// The effective tier: the CLI, else the agent's `security.tier`, else the environment,
/// else the config file, else Tier1. An agent tier the checker could not parse is skipped
/// (the checker reports it).
pub fn effective_tier(choice: &TierChoice, agent: Option<&ast::Agent>, cfg: &Config) -> EffectiveTier {
    if let Some(tier) = choice.tier() {
        return EffectiveTier { tier, source: TierSource::Cli };
    }
    if let Some(setting) = agent.and_then(|a| a.security()).and_then(|s| s.tier.as_ref())
        && let Some(tier) = setting.value
    {
        return EffectiveTier { tier, source: TierSource::Agent(setting.span) };
    }
    let source = match cfg.origin("security.default_sandbox_tier") {
        Origin::Env(_) => TierSource::Env,
        Origin::File(_) | Origin::Cli(_) => TierSource::ConfigFile,
        Origin::Default => TierSource::Default,
    };
    EffectiveTier { tier: cfg.security.default_sandbox_tier, source }
}
