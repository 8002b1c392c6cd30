//! What a tier can grant: capabilities, profiles, the network and the working directory.

use crate::security::{Profile, Tier};

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
    tier >= minimum_tier(profile)
}

/// The lowest tier that can honour `profile`.
pub fn minimum_tier(profile: Profile) -> Tier {
    match profile {
        Profile::Permissive => Tier::None,
        Profile::Moderate => Tier::Tier1,
        Profile::Strict => Tier::Tier2,
    }
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
