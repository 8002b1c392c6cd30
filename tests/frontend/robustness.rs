//! No input makes the front end panic or overflow its stack: deep nesting, long chains,
//! large files, binary garbage, and thousands of mutants of the case corpus.

use crate::support::root;
use symbi::syntax::{MAX_NESTING, parse};

#[path = "../../benches/corpus/generated.rs"]
mod corpus;
use corpus::generated;

#[test]
fn hundred_thousand_nested_brackets_are_a_diagnostic() {
    for (open, close) in [("[", "]"), ("(", ")"), ("{", "}")] {
        let source = format!(
            "agent A {{ on trigger \"t\" {{ let x = {}1{} }} }}",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        let parsed = parse(&source);
        let codes: Vec<_> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["E0119"], "nesting with {open}");
    }
}

#[test]
fn deep_block_comments_and_interpolations_are_bounded() {
    let comments = format!("{}{}", "/*".repeat(50_000), "*/".repeat(50_000));
    assert_eq!(parse(&comments).diagnostics[0].code, "E0119");
    let interp = format!(
        "agent A {{ on trigger \"t\" {{ print({}x{}) }} }}",
        "\"${".repeat(5_000),
        "}\"".repeat(5_000)
    );
    assert_eq!(parse(&interp).diagnostics[0].code, "E0119");
}

#[test]
fn deep_type_arguments_are_bounded() {
    let source = format!("fn f(x: {}Int{}) {{ }}", "List<".repeat(100_000), ">".repeat(100_000));
    assert_eq!(parse(&source).diagnostics[0].code, "E0119");
    let fine = "fn f(x: Map<List<Map<String>?>>, y: Int) { let ok = a < b && c < d }";
    assert!(parse(fine).diagnostics.is_empty());
}

#[test]
fn nesting_at_the_limit_parses() {
    // The outer agent, trigger and list use 3 levels.
    let depth = MAX_NESTING - 3;
    let source =
        format!("agent A {{ on trigger \"t\" {{ let x = {}1{} }} }}", "[".repeat(depth), "]".repeat(depth));
    let parsed = parse(&source);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
}

#[test]
fn long_operator_and_postfix_chains_are_bounded() {
    let sum = format!("agent A {{ on trigger \"t\" {{ let x = 1{} }} }}", " + 1".repeat(100_000));
    let parsed = parse(&sum);
    assert_eq!(parsed.diagnostics.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["E0119"]);
    let chain = format!("agent A {{ on trigger \"t\" {{ let x = a{} }} }}", ".b".repeat(100_000));
    assert_eq!(parse(&chain).diagnostics[0].code, "E0119");
    let unary = format!("agent A {{ on trigger \"t\" {{ let x = {}a }} }}", "!".repeat(100_000));
    assert_eq!(parse(&unary).diagnostics[0].code, "E0119");
    // A chain below the limit is fine.
    let short = format!("agent A {{ on trigger \"t\" {{ let x = 1{} }} }}", " + 1".repeat(200));
    assert!(parse(&short).diagnostics.is_empty());
}

#[test]
fn empty_and_blank_inputs_parse_cleanly() {
    for source in ["", "\u{FEFF}", "   \n\t\r\n", "// only a comment", "#"] {
        let parsed = parse(source);
        assert!(parsed.diagnostics.is_empty(), "{source:?}: {:?}", parsed.diagnostics);
        assert!(parsed.file.items.is_empty());
    }
}

#[test]
fn binary_garbage_is_a_diagnostic() {
    let mut rng = Rng(0x5eed);
    for _ in 0..200 {
        let len = (rng.next() % 300) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let parsed = parse(&text);
        for d in &parsed.diagnostics {
            assert!(d.code.as_str().starts_with("E01"), "{d:?}");
            assert!(d.span().end <= text.len());
        }
    }
}

#[test]
fn a_large_file_parses() {
    // Debug builds of pest parse about 100 KB/s on this machine; the 50 MB case is
    // `a_fifty_megabyte_file_parses` below (release) and the benchmark.
    let source = generated(300_000);
    let parsed = parse(&source);
    assert!(parsed.diagnostics.is_empty());
    assert!(parsed.file.items.len() > 100);
}

#[test]
#[ignore = "slow in debug builds: cargo test --release -- --ignored"]
fn a_fifty_megabyte_file_parses() {
    let source = generated(50_000_000);
    let parsed = parse(&source);
    assert!(parsed.diagnostics.is_empty());
}

#[test]
fn a_large_broken_file_reports_each_broken_item() {
    let mut source = generated(200_000);
    let agents = source.matches("\nagent ").count();
    source = source.replace("on trigger \"report_7\"", "on trigger report_7");
    let parsed = parse(&source);
    let broken = source.matches("on trigger report_7").count();
    assert!(broken > 1 && agents > broken);
    assert_eq!(parsed.diagnostics.len(), broken, "one E0111 per broken agent");
    assert!(parsed.diagnostics.iter().all(|d| d.code == "E0111"));
}

/// Mutants of every case file and example: deleting, duplicating, inserting and swapping
/// bytes with a fixed seed. Whatever comes out, parsing returns.
#[test]
fn mutants_of_the_corpus_never_panic() {
    let mut corpus = Vec::new();
    for dir in ["tests/cases/parse", "tests/cases/syntax", "examples"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("corpus dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "symbi") {
                corpus.push(std::fs::read(&path).expect("readable"));
            }
        }
    }
    assert!(corpus.len() > 30);
    let mut rng = Rng(42);
    let alphabet = b"{}[]()\"'$\\/*#,:;=!<>+-.\n abc09_";
    let mut mutants = 0;
    for original in &corpus {
        for _ in 0..80 {
            let mut bytes = original.clone();
            for _ in 0..=(rng.next() % 3) {
                if bytes.is_empty() {
                    break;
                }
                let at = (rng.next() as usize) % bytes.len();
                match rng.next() % 4 {
                    0 => {
                        bytes.remove(at);
                    }
                    1 => {
                        let end = (at + 1 + (rng.next() as usize) % 16).min(bytes.len());
                        let copy = bytes[at..end].to_vec();
                        bytes.splice(at..at, copy);
                    }
                    2 => bytes.insert(at, alphabet[(rng.next() as usize) % alphabet.len()]),
                    _ => bytes[at] = alphabet[(rng.next() as usize) % alphabet.len()],
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            let parsed = parse(&text);
            for d in &parsed.diagnostics {
                assert!(d.span().end <= text.len(), "span out of range for mutant:\n{text}");
                assert!(!d.message.contains("Rule::") && !d.message.contains("kw_"), "{}", d.message);
            }
            mutants += 1;
        }
    }
    assert!(mutants >= 2_500);
}

/// A tiny deterministic generator (xorshift), so the mutants are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
