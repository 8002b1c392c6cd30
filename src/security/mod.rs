//! The security vocabulary: tiers, profiles and capabilities, the words every layer shares.
//!
//! The rules that combine them with the configuration, an agent and the command line live
//! in [`crate::policy`].

use serde::Serialize;
use std::fmt;

/// An isolation tier, ordered from least to most isolated. The default, used when nothing
/// chooses one, is Tier1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Tier {
    /// Native execution on the host: rlimits, timeouts and an allowlist, no isolation.
    None,
    /// A one-shot Docker container.
    #[default]
    Tier1,
    /// A Docker container under gVisor (`runsc`).
    Tier2,
    /// A Firecracker micro-VM.
    Tier3,
}

impl Tier {
    /// Every tier, in order.
    pub const ALL: [Tier; 4] = [Tier::None, Tier::Tier1, Tier::Tier2, Tier::Tier3];

    /// Parses a tier name or alias, case-insensitively (`None`, `native`, `tier1`, `docker`,
    /// `gvisor`, `firecracker`, ...).
    pub fn parse(word: &str) -> Option<Tier> {
        match word.to_ascii_lowercase().as_str() {
            "none" | "native" => Some(Tier::None),
            "tier1" | "docker" => Some(Tier::Tier1),
            "tier2" | "gvisor" => Some(Tier::Tier2),
            "tier3" | "firecracker" => Some(Tier::Tier3),
            _ => None,
        }
    }

    /// Every spelling [`Tier::parse`] accepts, for did-you-mean and completion.
    pub const SPELLINGS: [&'static str; 8] =
        ["None", "Tier1", "Tier2", "Tier3", "native", "docker", "gvisor", "firecracker"];

    /// The canonical name (`None`, `Tier1`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Tier::None => "None",
            Tier::Tier1 => "Tier1",
            Tier::Tier2 => "Tier2",
            Tier::Tier3 => "Tier3",
        }
    }

    /// The technology behind the tier, for messages.
    pub fn backend(self) -> &'static str {
        match self {
            Tier::None => "native",
            Tier::Tier1 => "Docker",
            Tier::Tier2 => "gVisor",
            Tier::Tier3 => "Firecracker",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A sandbox profile: how strict the agent asks its sandbox to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Profile {
    /// Any tier will do.
    Permissive,
    /// Needs Tier1 or higher.
    Moderate,
    /// Needs Tier2 or higher.
    Strict,
}

impl Profile {
    /// Every profile, in order.
    pub const ALL: [Profile; 3] = [Profile::Permissive, Profile::Moderate, Profile::Strict];

    /// Parses a profile name case-insensitively.
    pub fn parse(word: &str) -> Option<Profile> {
        match word.to_ascii_lowercase().as_str() {
            "permissive" => Some(Profile::Permissive),
            "moderate" => Some(Profile::Moderate),
            "strict" => Some(Profile::Strict),
            _ => None,
        }
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Permissive => "Permissive",
            Profile::Moderate => "Moderate",
            Profile::Strict => "Strict",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The capabilities the language knows.
pub const KNOWN_CAPABILITIES: [&str; 3] = ["local_filesystem", "network", "environment"];
