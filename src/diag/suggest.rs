//! Did-you-mean: the closest known name to a misspelt one, for every part of symbi (the
//! checker, the interpreter, configuration, `symbi explain`), so a typo gets the same
//! suggestion wherever it is made.

/// The candidate closest to `name`, when it is close enough to be a plausible typo.
///
/// Uses normalised Damerau-Levenshtein similarity (a swapped pair of letters is one edit),
/// plus a case-insensitive exact match, so `stdot` finds `stdout` and `strict` finds
/// `Strict`, while unrelated short names are not suggested.
pub fn did_you_mean<'c, I>(name: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(&'c str, f64)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let score = if candidate.to_ascii_lowercase() == lower {
            1.0
        } else {
            strsim::normalized_damerau_levenshtein(&lower, &candidate.to_ascii_lowercase())
        };
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    // Below this a "suggestion" is mostly noise; 0.6 accepts one edit in a 3-letter word's
    // neighbourhood (`lne` → `len`) without suggesting `x` for `y`.
    best.filter(|&(_, s)| s >= 0.6).map(|(c, _)| c)
}

/// The help line that suggests `name`.
pub fn help(name: &str) -> String {
    format!("did you mean `{name}`?")
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(did_you_mean("stdot", ["stdout", "stderr", "signal"]), Some("stdout"));
        assert_eq!(did_you_mean("strict", ["Permissive", "Moderate", "Strict"]), Some("Strict"));
        assert_eq!(did_you_mean("lne", ["len", "log"]), Some("len"));
    }

    #[test]
    fn every_caller_gets_the_same_rule() {
        // Tier spellings (configuration, environment, agent), codes (`symbi explain`),
        // runtime names: one algorithm, one threshold.
        let tiers = ["None", "Tier1", "Tier2", "Tier3", "native", "docker", "gvisor", "firecracker"];
        assert_eq!(did_you_mean("dokcer", tiers), Some("docker"));
        assert_eq!(did_you_mean("TIER2", tiers), Some("Tier2"));
        let codes = crate::diag::codes::ALL.iter().map(|c| c.as_str());
        assert_eq!(
            did_you_mean("e0102", codes.clone()),
            Some(crate::diag::codes::UNTERMINATED_COMMENT.as_str())
        );
        assert_eq!(did_you_mean("X9999", codes), None);
        assert_eq!(did_you_mean("nmae", ["name", "other"]), Some("name"));
    }

    #[test]
    fn distant_names_are_not() {
        assert_eq!(did_you_mean("x", ["print", "len"]), None);
        assert_eq!(did_you_mean("network", ["network"]), None);
    }
}
