//! The security decision: which tier a run uses and why, whether tier None is consented
//! to, the executable allowlist, the network and working-directory grants and the resolved
//! limits, computed once per agent and invocation by [`decide`].
//!
//! Everything here is a pure function of the caller's choice (the command line, or an
//! embedder's settings), the agent's AST and the loaded [`Config`] (environment variables
//! are already folded into the configuration by the loader). The checker turns a
//! [`Decision`] into diagnostics; `symbi run`, the interpreter, the embedding API and every
//! sandbox read it and never re-derive a rule, so an editor, `symbi check` and `symbi run`
//! cannot disagree.

mod allowlist;
mod consent;
mod grants;
mod limits;
mod lowered;
mod tier;
pub mod workdir;

pub use allowlist::{
    allowed_executables, container_allows, executable_may_be_allowed, refused_before_running,
};
pub use consent::{ConsentRefusal, ConsentSource, native_consent};
pub use grants::{
    capability_available, filesystem_granted, hardened, minimum_tier, network_deniable, network_granted,
    profile_allows,
};
pub use limits::{LimitOverrides, Limits, ResourceWidening, resolve_limits, resource_widenings};
pub use lowered::{LoweredFlag, lowered_flags};
pub use tier::{EffectiveTier, TierChoice, TierSource, effective_tier};

use crate::config::Config;
use crate::security::{Profile, Tier};
use crate::syntax::ast;

/// The whole security decision for one agent in one invocation.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The tier the agent's calls run on.
    pub tier: Tier,
    /// What chose the tier.
    pub source: TierSource,
    /// On tier None, what consented to it or why it is refused; `None` on container tiers,
    /// which need no consent.
    pub consent: Option<Result<ConsentSource, ConsentRefusal>>,
    /// The agent's sandbox profile, when it names one symbi knows.
    pub profile: Option<Profile>,
    /// The capabilities the agent declares, as written.
    pub capabilities: Vec<String>,
    /// The executables that may run: the configuration's list, narrowed by the agent's own.
    /// It applies on every tier.
    pub allowlist: Vec<String>,
    /// Native calls are hardened ([`hardened`]): confined by the kernel, or refused where
    /// the host cannot.
    pub hardened: bool,
    /// Calls get the network (declared, or unhardened tier None, which cannot withhold it).
    pub network: bool,
    /// Calls reach the working directory (see [`filesystem_granted`]).
    pub filesystem: bool,
    /// The limits of every call, before a call's own shorter `timeout`.
    pub limits: Limits,
}

/// Computes the [`Decision`] for `agent` (or for no agent: the configuration's defaults)
/// under `choice` and `cfg`, with the caller's narrower `overrides` of the limits.
pub fn decide(
    cfg: &Config,
    choice: &TierChoice,
    agent: Option<&ast::Agent>,
    overrides: &LimitOverrides,
) -> Decision {
    let EffectiveTier { tier, source } = effective_tier(choice, agent, cfg);
    let consent = (tier == Tier::None).then(|| native_consent(choice, cfg));
    let capabilities: Vec<String> = agent
        .and_then(|a| a.security())
        .and_then(|s| s.capabilities.as_ref())
        .map(|caps| caps.iter().map(|c| c.value.clone()).collect())
        .unwrap_or_default();
    let profile = agent.and_then(|a| a.security()).and_then(|s| s.sandbox.as_ref()).and_then(|p| p.value);
    let declared = |name: &str| capabilities.iter().any(|c| c == name);
    let hardened = hardened(tier, profile, cfg);
    let network = network_granted(tier, hardened, declared("network"));
    let filesystem = filesystem_granted(tier, declared("local_filesystem"));
    Decision {
        tier,
        consent,
        hardened,
        network,
        filesystem,
        allowlist: allowed_executables(cfg, agent),
        limits: resolve_limits(cfg, overrides, agent.and_then(|a| a.resources())),
        capabilities,
        profile,
        source,
    }
}

/// The decision for one call of a program embedding symbi ([`crate::runtime`]): the tier is
/// the caller's, but naming tier None in code is not the user's consent, so consent comes
/// only from the configuration (and production refuses it, as everywhere).
pub fn decide_call(cfg: &Config, tier: Tier, overrides: &LimitOverrides) -> Decision {
    let chosen = TierChoice { cli_tier: Some(tier), cli_native: false };
    let mut decision = decide(cfg, &chosen, None, overrides);
    decision.source = TierSource::Caller;
    decision.consent = (tier == Tier::None).then(|| native_consent(&TierChoice::default(), cfg));
    decision
}

impl Decision {
    /// Why tier None may not run, when it may not.
    pub fn refusal(&self) -> Option<&ConsentRefusal> {
        self.consent.as_ref().and_then(|c| c.as_ref().err())
    }

    /// The agent declares `capability`.
    pub fn declares(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }

    /// A builtin needing `capability` may run: the agent declares it, or it is the network
    /// on a tier that cannot withhold it.
    pub fn grants(&self, capability: &str) -> bool {
        self.declares(capability) || (capability == "network" && self.network)
    }

    /// The tier the agent's profile needs, when the effective tier is below it.
    pub fn profile_needs(&self) -> Option<Tier> {
        let profile = self.profile?;
        (!profile_allows(profile, self.tier)).then(|| minimum_tier(profile))
    }

    /// Whether a literal `program` is refused on this tier before anything runs (the
    /// checker reports it at the literal; see [`refused_before_running`]).
    pub fn refuses_program(&self, program: &str) -> bool {
        refused_before_running(self.tier, &self.allowlist, program)
    }
}

#[cfg(test)]
mod tests;
