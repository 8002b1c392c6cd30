//! The tier rules, in one place: which tier a run uses and why, whether tier None is
//! consented to, which capabilities a tier can provide, the executable allowlist and the
//! resolved limits.
//!
//! Everything here is a pure function of the CLI choice, the agent's AST and the loaded
//! [`Config`] (environment variables are already folded into the configuration by the
//! loader), so the checker, the runner and the language server cannot disagree.

use crate::cli::TierArgs;
use crate::config::{Config, Origin};
use crate::diag::Span;
use crate::security::{Profile, Tier};
use crate::syntax::ast;

pub use super::limits::{LimitOverrides, ResourceWidening, resolve_limits, resource_widenings};

/// The tier the command line asks for: `--sandbox-tier` and `--native`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TierChoice {
    /// `--sandbox-tier T`, parsed.
    pub cli_tier: Option<Tier>,
    /// `--native` (tier None, with consent).
    pub cli_native: bool,
}

impl TierChoice {
    /// Reads the flags; an unknown tier name or `--native` with another tier is a usage
    /// error (the message names the accepted spellings).
    pub fn from_args(args: &TierArgs) -> Result<Self, String> {
        let cli_tier = match &args.sandbox_tier {
            None => None,
            Some(word) => Some(Tier::parse(word.trim()).ok_or_else(|| unknown_tier_message(word))?),
        };
        if args.native
            && let Some(tier) = cli_tier
            && tier != Tier::None
        {
            return Err(format!(
                "`--native` asks for tier None but `--sandbox-tier {word}` asks for {tier}; give one of them",
                word = args.sandbox_tier.as_deref().unwrap_or_default()
            ));
        }
        Ok(TierChoice { cli_tier, cli_native: args.native })
    }

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

fn unknown_tier_message(word: &str) -> String {
    let mut message = format!(
        "unknown sandbox tier `{word}`; expected none, tier1, tier2 or tier3 (aliases: native, docker, gvisor, firecracker)"
    );
    if let Some(best) = crate::diag::suggest::did_you_mean(word, Tier::SPELLINGS) {
        message.push_str(&format!("; did you mean `{}`?", best.to_ascii_lowercase()));
    }
    message
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

/// Whether `tier` can provide `capability` at all. `local_filesystem` is the working
/// directory (the host's on None, bind-mounted on Tier1/Tier2, absent on Tier3);
/// `network` and `environment` exist on every tier. Unknown capabilities are never available.
pub fn capability_available(tier: Tier, capability: &str) -> bool {
    match capability {
        "local_filesystem" => tier != Tier::Tier3,
        "network" | "environment" => true,
        _ => false,
    }
}

/// Whether `profile` can be honoured on `tier` (`Moderate` needs Tier1 or higher, `Strict`
/// Tier2 or higher).
pub fn profile_allows(profile: Profile, tier: Tier) -> bool {
    tier >= profile.minimum_tier()
}

/// Whether a call gets the network: on tier None always (it cannot be withheld), on
/// container tiers only when the agent declares `network`.
pub fn network_granted(tier: Tier, declared: bool) -> bool {
    declared || !network_deniable(tier)
}

/// Whether the working directory is reachable by a call: declared `local_filesystem` on a
/// tier that can provide it (natively the host's directory is the working directory anyway,
/// so tier None always has it).
pub fn filesystem_granted(tier: Tier, declared: bool) -> bool {
    tier == Tier::None || (declared && capability_available(tier, "local_filesystem"))
}

/// Whether the tier can withhold the network from an agent that did not declare `network`
/// (tier None cannot: the host network stays reachable).
pub fn network_deniable(tier: Tier) -> bool {
    tier != Tier::None
}

/// The executables that may run: the configuration's `native_execution.allowed_executables`,
/// narrowed by the agent's `security.allowed_executables` when it has one.
///
/// Narrowing is by entry: an agent entry written exactly as a configuration entry is kept;
/// a bare name in the agent (`python3`) whose configuration entry is a path with that file
/// name (`/usr/bin/python3`) keeps the configuration's path, the narrower of the two. An
/// agent path whose configuration entry is a bare name is dropped, since proving that it is
/// the same program would need the file system; write both lists in the same form.
pub fn allowed_executables(cfg: &Config, agent: Option<&ast::Agent>) -> Vec<String> {
    let configured = &cfg.native_execution.allowed_executables;
    let Some(agent_list) = agent.and_then(|a| a.security()).and_then(|s| s.allowed_executables.as_ref())
    else {
        return configured.clone();
    };
    let mut out: Vec<String> = Vec::new();
    for entry in agent_list {
        let wanted = entry.value.as_str();
        let kept = if configured.iter().any(|c| c == wanted) {
            Some(wanted.to_string())
        } else if !wanted.contains('/') {
            configured.iter().find(|c| c.contains('/') && file_name(c) == wanted).cloned()
        } else {
            None
        };
        if let Some(kept) = kept
            && !out.contains(&kept)
        {
            out.push(kept);
        }
    }
    out
}

/// Whether `program` (the first word of a literal command) can match an entry of `allowed`
/// before anything is resolved: the checker reports a program only when this is false. The
/// runner decides on canonical paths, so a name that passes here can still be refused at
/// run time (for example a listed `/usr/bin/python3` when PATH finds another `python3`).
pub fn executable_may_be_allowed(allowed: &[String], program: &str) -> bool {
    let name = file_name(program);
    allowed.iter().any(|entry| entry == program || file_name(entry) == name)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
