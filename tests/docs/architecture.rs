//! ARCHITECTURE.md stays true: every `crate::` path between top-level modules is allowed by
//! its layering table, the table has no cycle, and no folder's files import each other in a
//! circle.

use crate::support::{root, rust_files};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The table between the layering markers: module -> modules it may use.
fn allowed() -> Graph {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap_or_default();
    let table = text
        .split("<!-- layering: begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- layering: end -->").next())
        .unwrap_or_default();
    let mut graph = Graph::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let names = |cell: &str| -> BTreeSet<String> {
            cell.split(',')
                .map(|w| w.trim().trim_matches('`').to_string())
                .filter(|w| !w.is_empty())
                .collect()
        };
        let module = cells.get(1).map(|c| c.trim_matches('`').to_string()).unwrap_or_default();
        graph.insert(module, cells.get(2).map(|c| names(c)).unwrap_or_default());
    }
    graph
}

/// The code of a file without comment lines (doc links name modules without using them).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The identifiers following `prefix` in `text` (`crate::` -> `check`, `policy`, ...).
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            text[i + prefix.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
        })
        .filter(|n: &String| !n.is_empty())
        .collect()
}

/// Top-level module -> the top-level modules its code names.
fn actual() -> Graph {
    let src = root().join("src");
    let mut graph = Graph::new();
    for entry in std::fs::read_dir(&src).into_iter().flatten().flatten() {
        let path = entry.path();
        if !path.is_dir() || path.file_name().is_some_and(|n| n == "bin") {
            continue;
        }
        let module = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut used = BTreeSet::new();
        for file in rust_files(&path) {
            used.extend(names_after(&code(&file), "crate::"));
        }
        used.remove(&module);
        graph.insert(module, used);
    }
    graph
}

/// A cycle of `graph`, if it has one.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(n: &str, g: &Graph, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            let mut c = path[at..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for next in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn modules_use_only_what_the_layering_allows() {
    let allowed = allowed();
    let actual = actual();
    assert!(!allowed.is_empty(), "ARCHITECTURE.md has no layering table");
    for (module, used) in &actual {
        let Some(may) = allowed.get(module) else {
            panic!("src/{module} is not in ARCHITECTURE.md's layering table");
        };
        let extra: Vec<&String> =
            used.iter().filter(|u| actual.contains_key(*u) && !may.contains(*u)).collect();
        assert!(extra.is_empty(), "src/{module} uses {extra:?}, which ARCHITECTURE.md does not allow it");
    }
    assert_eq!(cycle(&allowed), None, "ARCHITECTURE.md's layering has a cycle");
    assert_eq!(cycle(&actual), None, "the modules import each other in a circle");
}

#[test]
fn no_folder_has_files_importing_each_other_in_a_circle() {
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        let mut siblings = Graph::new();
        let entries: Vec<PathBuf> =
            std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
        let names: BTreeSet<String> = entries
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .filter(|n| !["mod", "lib", "main"].contains(&n.as_str()))
            .collect();
        for path in &entries {
            if path.is_dir() {
                dirs.push(path.clone());
                continue;
            }
            let Some(name) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else { continue };
            if !names.contains(&name) {
                continue;
            }
            // Unit tests may reach anywhere; the code above them may not.
            let text = code(path);
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            let mut used = names_after(text, "super::");
            for group in text.split("super::{").skip(1) {
                let inner = group.split('}').next().unwrap_or_default();
                used.extend(inner.split(',').map(|w| w.trim().split("::").next().unwrap_or("").to_string()));
            }
            used.retain(|u| names.contains(u) && *u != name);
            siblings.insert(name, used);
        }
        assert_eq!(cycle(&siblings), None, "files of {} import each other in a circle", dir.display());
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut g = Graph::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["a".to_string()].into());
    assert_eq!(cycle(&g), Some(vec!["a".to_string(), "b".to_string(), "a".to_string()]));
    g.insert("b".into(), BTreeSet::new());
    assert_eq!(cycle(&g), None);
}
