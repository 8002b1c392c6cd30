//! The command line's security flags as the policy's plain values: `--native` and
//! `--sandbox-tier` as a [`TierChoice`], the limit flags of `symbi run` as
//! [`LimitOverrides`].

use super::{RunArgs, TierArgs};
use crate::diag::suggest::did_you_mean;
use crate::policy::{LimitOverrides, TierChoice};
use crate::security::Tier;

/// Reads the tier flags; an unknown tier name or `--native` with another tier is a usage
/// error (the message names the accepted spellings).
pub fn tier_choice(args: &TierArgs) -> Result<TierChoice, String> {
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

fn unknown_tier_message(word: &str) -> String {
    let mut message = format!(
        "unknown sandbox tier `{word}`; expected none, tier1, tier2 or tier3 (aliases: native, docker, gvisor, firecracker)"
    );
    if let Some(best) = did_you_mean(word, Tier::SPELLINGS) {
        message.push_str(&format!("; did you mean `{}`?", best.to_ascii_lowercase()));
    }
    message
}

/// The limit flags of a `symbi run` command line.
pub fn limit_overrides(args: &RunArgs) -> LimitOverrides {
    LimitOverrides {
        max_memory_mb: args.max_memory,
        max_cpu_cores: args.max_cpu,
        timeout_seconds: args.timeout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(native: bool, tier: Option<&str>) -> TierArgs {
        TierArgs { config: None, native, sandbox_tier: tier.map(String::from) }
    }

    #[test]
    fn tier_choice_reads_flags_and_aliases() {
        assert_eq!(tier_choice(&args(false, None)), Ok(TierChoice::default()));
        let c = tier_choice(&args(false, Some("gvisor"))).unwrap();
        assert_eq!(c.tier(), Some(Tier::Tier2));
        assert_eq!(c.flag().as_deref(), Some("--sandbox-tier=tier2"));
        let c = tier_choice(&args(true, None)).unwrap();
        assert_eq!(c.tier(), Some(Tier::None));
        assert_eq!(c.flag().as_deref(), Some("--native"));
        // --native together with --sandbox-tier=none agrees, so it is accepted.
        assert!(tier_choice(&args(true, Some("none"))).is_ok());
    }

    #[test]
    fn tier_choice_rejects_unknown_and_conflicting_flags() {
        let err = tier_choice(&args(false, Some("tier4"))).unwrap_err();
        assert!(err.contains("unknown sandbox tier `tier4`"), "{err}");
        let err = tier_choice(&args(false, Some("gvisr"))).unwrap_err();
        assert!(err.contains("did you mean `gvisor`?"), "{err}");
        let err = tier_choice(&args(false, Some("zzzzzz"))).unwrap_err();
        assert!(!err.contains("did you mean"), "{err}");
        let err = tier_choice(&args(true, Some("docker"))).unwrap_err();
        assert!(err.contains("--native"), "{err}");
    }
}
