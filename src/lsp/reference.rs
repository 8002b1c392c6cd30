//! What keywords, tiers, profiles and capabilities mean, read from the docs themselves
//! (`docs/keywords.md`, `docs/security.md`, embedded), so hover text and the docs never
//! disagree.

const KEYWORDS: &str = include_str!("../../docs/keywords.md");
const SECURITY: &str = include_str!("../../docs/security.md");

/// The meaning of `word` as Markdown, when the docs describe it.
pub fn describe(word: &str) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(row) =
        rows(KEYWORDS).find(|(_, cells)| cells.first().is_some_and(|c| c == &format!("`{word}`")))
    {
        parts.push(format!("**{word}**: {}", row.1.get(1).cloned().unwrap_or_default()));
    }
    // Tiers, profiles and capabilities: every table row of the security page that names
    // the word (or its canonical spelling) in its first cell.
    let canonical = crate::security::Tier::parse(word)
        .map(|t| t.name().to_string())
        .or_else(|| crate::security::Profile::parse(word).map(|p| p.name().to_string()))
        .unwrap_or_else(|| word.to_string());
    let cell = format!("`{canonical}`");
    for (header, cells) in rows(SECURITY) {
        if cells.first() != Some(&cell) || header.is_empty() {
            continue;
        }
        let facts: Vec<String> =
            header.iter().zip(&cells).skip(1).map(|(h, c)| format!("- {h}: {c}")).collect();
        parts.push(format!(
            "**{canonical}** ({})\n{}",
            header.first().cloned().unwrap_or_default(),
            facts.join("\n")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The body rows of every Markdown table in `text`, each with its table's header cells.
fn rows(text: &str) -> impl Iterator<Item = (Vec<String>, Vec<String>)> + '_ {
    let mut header: Vec<String> = Vec::new();
    let mut in_table = false;
    text.lines().filter_map(move |line| {
        let line = line.trim();
        if !line.starts_with('|') {
            in_table = false;
            return None;
        }
        let cells: Vec<String> = line.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect();
        if !in_table {
            in_table = true;
            header = cells;
            return None;
        }
        if cells.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) {
            return None;
        }
        Some((header.clone(), cells))
    })
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn keywords_tiers_profiles_and_capabilities_come_from_the_docs() {
        assert!(describe("let").is_some_and(|d| d.contains("Binds a new variable")));
        assert!(describe("break").is_some_and(|d| d.contains("only inside a loop")));
        assert!(describe("continue").is_some_and(|d| d.contains("only inside a loop")));
        let tier = describe("docker").unwrap_or_default();
        assert!(tier.contains("**Tier1**") && tier.contains("one-shot Docker container"), "{tier}");
        assert!(describe("Strict").is_some_and(|d| d.contains("`Tier2`")));
        assert!(describe("local_filesystem").is_some_and(|d| d.contains("unavailable")));
        assert_eq!(describe("banana"), None);
    }
}
