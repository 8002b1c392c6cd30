//! The security model as the checker applies it to one agent: tier, consent, profile,
//! capabilities, the executable allowlist and `emit` targets.
//!
//! Every tier rule comes from [`crate::policy`], which the runner also uses, so
//! `symbi check`, an editor and `symbi run` agree.

use super::CheckContext;
use crate::diag::codes;
use crate::diag::suggest::did_you_mean;
use crate::diag::{Diagnostic, Fix, Label, Span};
use crate::policy::{self, ConsentRefusal, Decision, LimitOverrides, TierSource};
use crate::security::KNOWN_CAPABILITIES;
use crate::stdlib::Builtin;
use crate::syntax::ast::{Agent, Expr, MapKey};

/// What the checker knows about one agent's security while checking its bodies.
pub struct AgentFacts<'a> {
    /// The agent.
    pub agent: &'a Agent,
    /// The policy's decision for it: tier, consent, allowlist, grants.
    pub decision: Decision,
    /// Tier-dependent rules apply (false for agents other than the one `--agent` selects).
    pub tier_rules: bool,
    /// Variables the configuration lets a call's `env` set although they are refused.
    pub allowed_env: Vec<String>,
    /// The interpreter of an `execute_code` that names none (`native_execution.default_executable`).
    pub default_interpreter: String,
}

impl<'a> AgentFacts<'a> {
    /// Works out an agent's facts and reports its `security` settings' problems.
    pub fn new(ctx: &CheckContext<'_>, agent: &'a Agent, diags: &mut Vec<Diagnostic>) -> AgentFacts<'a> {
        let tier_rules = ctx.agent.as_deref().is_none_or(|a| a == agent.name.name);
        // A check has no limit flags; the limits do not take part in its diagnostics.
        let decision = policy::decide(ctx.config, &ctx.tier, Some(agent), &LimitOverrides::default());
        let allowed_env = ctx.config.native_execution.allowed_env.clone();
        let default_interpreter = ctx.config.native_execution.default_executable.clone();
        let facts = AgentFacts { agent, decision, tier_rules, allowed_env, default_interpreter };
        facts.capability_rules(diags);
        if tier_rules {
            facts.tier_rules(diags);
        }
        facts
    }

    /// Where to point at the tier: the agent's `tier:` when it decided, else the agent's name.
    fn tier_span(&self) -> Span {
        match &self.decision.source {
            TierSource::Agent(span) => *span,
            _ => self.agent.name.span,
        }
    }

    /// A note saying where the tier came from, unless the agent's own setting decided it.
    fn tier_note(&self) -> Option<String> {
        let tier = self.decision.tier;
        match &self.decision.source {
            TierSource::Agent(_) => None,
            TierSource::Cli => {
                Some(format!("the tier {tier} comes from the command line (--native / --sandbox-tier)"))
            }
            TierSource::Env => Some(format!("the tier {tier} comes from SYMBIONT_DEFAULT_SANDBOX_TIER")),
            TierSource::ConfigFile => Some(format!(
                "the tier {tier} comes from `security.default_sandbox_tier` in the configuration"
            )),
            TierSource::Default => Some(format!("the tier {tier} is the default (no tier is set anywhere)")),
            TierSource::Caller => Some(format!("the tier {tier} is chosen by the embedding program")),
        }
    }

    fn with_tier_note(&self, d: Diagnostic) -> Diagnostic {
        match self.tier_note() {
            Some(n) => d.with_note(n),
            None => d,
        }
    }

    /// Unknown capabilities, and capabilities the tier cannot provide.
    fn capability_rules(&self, diags: &mut Vec<Diagnostic>) {
        let Some(caps) = self.agent.security().and_then(|s| s.capabilities.as_ref()) else { return };
        for cap in caps {
            if !KNOWN_CAPABILITIES.contains(&cap.value.as_str()) {
                let mut d = Diagnostic::warning(
                    codes::UNKNOWN_CAPABILITY,
                    format!("unknown capability `{}`", cap.value),
                )
                .with_primary(cap.span, "not a capability symbi knows")
                .with_note(format!("known capabilities: {}", KNOWN_CAPABILITIES.join(", ")));
                if let Some(h) = did_you_mean(&cap.value, KNOWN_CAPABILITIES) {
                    d = d.with_did_you_mean(h);
                }
                diags.push(d);
            } else if self.tier_rules && !policy::capability_available(self.decision.tier, &cap.value) {
                let tier = self.decision.tier;
                let d = Diagnostic::error(
                    codes::CAPABILITY_UNAVAILABLE,
                    format!("tier {tier} ({}) cannot provide `{}`", tier.backend(), cap.value),
                )
                .with_primary(cap.span, format!("unavailable on {tier}"))
                .with_help("choose a tier that provides it (Tier1 or Tier2 mount the working directory at /workspace), or remove the capability");
                diags.push(self.with_tier_note(d));
            }
        }
    }

    /// Consent to tier None, production, the network warning and profile minimum tiers.
    fn tier_rules(&self, diags: &mut Vec<Diagnostic>) {
        let tier = self.decision.tier;
        let span = self.tier_span();
        if let Some(refusal) = self.decision.refusal() {
            let label = match refusal {
                ConsentRefusal::Production => "refused because SYMBIONT_ENV=production",
                ConsentRefusal::NotConsented => "runs on the host with no isolation",
            };
            let d = Diagnostic::error(refusal.code(), refusal.message())
                .with_primary(span, label)
                .with_help(refusal.help());
            diags.push(self.with_tier_note(d));
        }
        if !policy::network_deniable(tier, self.decision.hardened) && !self.decision.declares("network") {
            let d = Diagnostic::warning(codes::NETWORK_NOT_DENIABLE, format!("tier {tier} cannot deny the network"))
                .with_primary(span, "the host network stays reachable")
                .with_note("unhardened, tier None processes run on the host, which has the network whether declared or not")
                .with_help("to acknowledge it once for every agent, set `harden = true` under `[native_execution]` in config.toml: hardened calls refuse undeclared network, so this warning no longer applies (`sandbox: Moderate` does the same for one agent); or declare `network` in `capabilities` if the agent uses it; or use Tier1 or higher");
            diags.push(self.with_tier_note(d));
        }
        let Some(sandbox) = self.agent.security().and_then(|s| s.sandbox.as_ref()) else { return };
        let (Some(profile), Some(needed)) = (sandbox.value, self.decision.profile_needs()) else { return };
        let mut d = Diagnostic::error(
            codes::PROFILE_NEEDS_TIER,
            format!("the {profile} profile needs {needed} or higher, but the agent runs on {tier}"),
        )
        .with_primary(sandbox.span, format!("needs {needed} or higher"))
        .with_help(format!("use `tier: {needed}` (or higher), or a profile that {tier} can honour"));
        if let TierSource::Agent(tier_span) = self.decision.source {
            d = d.with_secondary(tier_span, format!("the tier is {tier} here"));
        }
        diags.push(self.with_tier_note(d));
    }

    /// E0305 when the agent does not declare `capability`, needed by a call of `builtin`.
    /// `via` is the top-level function (and its inner call) through which it is needed.
    pub fn missing_capability(
        &self,
        capability: &str,
        builtin: &Builtin,
        requirement: Span,
        call: Span,
        via: Option<(&str, Span)>,
    ) -> Option<Diagnostic> {
        if self.decision.declares(capability) {
            return None;
        }
        let name = builtin.name();
        let message = match via {
            Some((f, _)) => format!("`{f}` calls `{name}`, which needs the capability `{capability}`"),
            None => format!("`{name}` needs the capability `{capability}`"),
        };
        let mut d = Diagnostic::error(codes::CAPABILITY_NOT_DECLARED, message)
            .with_primary(
                call,
                format!("needs `{capability}`, which agent `{}` does not declare", self.agent.name.name),
            )
            .with_help(format!("add \"{capability}\" to `capabilities` in the agent's `security` block"))
            .with_fix(Fix::DeclareCapability { capability: capability.to_string() });
        if let Some((_, inner)) = via {
            d = d.with_secondary(inner, format!("`{name}` is called here"));
        } else if requirement != Span::default() {
            d = d.with_secondary_label(Label::in_source(builtin.source, requirement, "required here"));
        }
        Some(d)
    }

    /// E0306 for a literal `execute_native` command whose executable is not allowed, or
    /// E0313 when the line cannot be split into argv. The split is the native runner's, so
    /// the checker sees the same `argv[0]` the runner will resolve.
    pub fn check_command(&self, command: &str, span: Span) -> Option<Diagnostic> {
        match crate::sandbox::argv::split(command) {
            Ok(argv) => self.check_executable(argv.first().map_or("", String::as_str), span),
            Err(e) => Some(
                Diagnostic::error(
                    codes::UNSPLITTABLE_COMMAND,
                    format!("the command line cannot be split: {}", e.message),
                )
                .with_primary(span, format!("at byte {} of the command", e.offset))
                .with_note(
                    "commands are split into words like a POSIX shell splits them, but no shell runs them",
                )
                .with_help("close the quote, or escape the character with a backslash"),
            ),
        }
    }

    /// E0306 for an executable (or interpreter) name that is not allowed.
    pub fn check_executable(&self, exe: &str, span: Span) -> Option<Diagnostic> {
        if !self.tier_rules {
            return None;
        }
        let allowed = &self.decision.allowlist;
        if exe.is_empty() {
            return Some(
                Diagnostic::error(codes::EXECUTABLE_NOT_ALLOWED, "the command is empty")
                    .with_primary(span, "no executable")
                    .with_help("name the program to run, e.g. \"python3 script.py\""),
            );
        }
        if !self.decision.refuses_program(exe) {
            return None;
        }
        let list = if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") };
        let narrowed = self.agent.security().and_then(|s| s.allowed_executables.as_ref()).is_some();
        let help = if narrowed {
            format!(
                "add \"{exe}\" to the agent's `allowed_executables` (and to `native_execution.allowed_executables` in the configuration, which the agent's list can only narrow)"
            )
        } else {
            format!("add \"{exe}\" to `native_execution.allowed_executables` in the configuration")
        };
        let mut d =
            Diagnostic::error(codes::EXECUTABLE_NOT_ALLOWED, format!("`{exe}` is not an allowed executable"))
                .with_primary(span, format!("`{exe}` is not in the allowlist"))
                .with_note(format!("allowed executables: {list}"))
                .with_help(help);
        if exe.contains('/') && policy::executable_may_be_allowed(allowed, exe) {
            // Allowed by name natively, refused in a container: say why the tiers differ.
            let tier = self.decision.tier;
            d = d.with_note(format!(
                "on {tier} a path matches only an entry written as that same path; write the bare name to run the image's program"
            ));
        }
        Some(d)
    }

    /// E0306 at an `execute_code` call that names no interpreter when the configuration's
    /// default interpreter is not allowed: the run would refuse every such call.
    pub fn check_default_interpreter(&self, call: Span) -> Option<Diagnostic> {
        let d = self.check_executable(&self.default_interpreter, call)?;
        Some(d.with_note(format!(
            "`execute_code` without `interpreter` runs `native_execution.default_executable` (`{}`)",
            self.default_interpreter
        )))
    }

    /// E0314 for each key of a literal `env` map that the runner would refuse (E0412): the
    /// same table ([`env_policy`](crate::sandbox::env_policy)), on every tier.
    pub fn check_env(&self, entries: &[(MapKey, Expr)]) -> Vec<Diagnostic> {
        let refused = entries.iter().filter(|(key, _)| !self.allowed_env.contains(&key.name));
        refused
            .filter_map(|(key, _)| {
                let why = crate::sandbox::env_policy::denied(&key.name)?;
                Some(
                    Diagnostic::error(
                        codes::ENV_VARIABLE_REFUSED,
                        format!("the environment variable `{}` is refused", key.name),
                    )
                    .with_primary(key.span, why)
                    .with_note(
                        "such a variable would let an allowed program run code the allowlist never allowed",
                    )
                    .with_help(format!(
                        "remove it, or, if every agent may set it, add \"{}\" to \
                         `native_execution.allowed_env` in the configuration",
                        key.name
                    )),
                )
            })
            .collect()
    }

    /// E0206 for `emit` of a trigger this agent does not have.
    pub fn check_emit(&self, trigger: &str, span: Span) -> Option<Diagnostic> {
        let names = self.agent.triggers.iter().map(|t| t.name.value.as_str());
        if names.clone().any(|n| n == trigger) {
            return None;
        }
        let mut d = Diagnostic::error(
            codes::UNKNOWN_TRIGGER,
            format!("agent `{}` has no trigger \"{trigger}\"", self.agent.name.name),
        )
        .with_primary(span, "no such trigger");
        d = match did_you_mean(trigger, names.clone()) {
            Some(h) => d.with_did_you_mean(h),
            None => d.with_help(format!("add `on trigger \"{trigger}\" {{ ... }}` to the agent")),
        };
        let all: Vec<&str> = names.collect();
        if !all.is_empty() {
            d = d.with_note(format!("triggers of `{}`: {}", self.agent.name.name, all.join(", ")));
        }
        Some(d)
    }
}
