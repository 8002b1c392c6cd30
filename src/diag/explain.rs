//! The long explanations of diagnostic codes, read from `docs/diagnostics.md`.
//!
//! The page is the single source: `symbi explain`, the language server and the docs all show
//! the same text. Each code's entry is a `### CODE: title` heading and what follows it.

const PAGE: &str = include_str!("../../docs/diagnostics.md");

/// The entry of `code` (heading included), if the page documents it.
pub fn explanation(code: &str) -> Option<&'static str> {
    entries().find(|(c, _)| c.eq_ignore_ascii_case(code)).map(|(_, text)| text)
}

/// Every documented code, in page order.
pub fn documented_codes() -> Vec<&'static str> {
    entries().map(|(c, _)| c).collect()
}

/// The title of a code (the heading after `CODE:`).
pub fn title(code: &str) -> Option<&'static str> {
    let entry = explanation(code)?;
    let heading = entry.lines().next()?;
    Some(heading.split_once(':').map_or("", |(_, t)| t.trim()))
}

fn entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    let mut starts: Vec<usize> = PAGE.match_indices("\n### ").map(|(i, _)| i + 1).collect();
    starts.push(PAGE.len());
    let bounds: Vec<(usize, usize)> = starts.windows(2).map(|w| (w[0], w[1])).collect();
    bounds.into_iter().filter_map(|(start, end)| {
        let section = &PAGE[start..end];
        let code = section.strip_prefix("### ")?.split(':').next()?.trim();
        // An entry ends where the next heading or range marker begins.
        let end = section.find("\n<!--").or_else(|| section.find("\n## ")).unwrap_or(section.len());
        Some((code, section[..end].trim_end()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;

    #[test]
    fn finds_an_entry_case_insensitively_and_its_title() {
        assert!(explanation("e0001").is_some_and(|e| e.starts_with("### E0001")));
        assert_eq!(title(codes::INPUT_UNREADABLE.as_str()), Some("the input cannot be read"));
        assert_eq!(explanation("X9999"), None);
    }

    #[test]
    fn every_documented_code_is_well_formed_and_unique() {
        let codes = documented_codes();
        let mut seen = std::collections::HashSet::new();
        for code in &codes {
            let ok = code.len() == 5
                && (code.starts_with('E') || code.starts_with('W'))
                && code[1..].bytes().all(|b| b.is_ascii_digit());
            assert!(ok, "malformed code heading {code:?}");
            assert!(seen.insert(*code), "{code} is documented twice");
        }
    }
}
