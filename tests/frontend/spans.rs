//! Spans end at a construct's last character, never over the whitespace and comments
//! that follow it (the parser skips those before it looks for an optional part).

use symbi::diag::Span;
use symbi::syntax::ast::{ExprKind, Item, StmtKind};
use symbi::syntax::parse;

const SOURCE: &str = r#"agent A {
  security {
    tier: None // the host
    capabilities: ["network"] /* all */
  }
  on trigger "t" {
    let r = execute_native("true" /* the command */, timeout: 5s // five seconds
    )
    let out: String? = r.stdout // a field
    print(out) # shell-style comment
    return // done
  }
}
"#;

fn text(span: Span) -> &'static str {
    &SOURCE[span.start..span.end]
}

#[test]
fn statements_entries_and_arguments_end_at_their_last_token() {
    let parsed = parse(SOURCE);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let Some(Item::Agent(agent)) = parsed.file.items.first() else { panic!("an agent") };

    let entries: Vec<&str> = agent.security[0].entries.iter().map(|e| text(e.span)).collect();
    assert_eq!(entries, ["tier: None", r#"capabilities: ["network"]"#]);

    let stmts = &agent.triggers[0].body.stmts;
    let spans: Vec<&str> = stmts.iter().map(|s| text(s.span)).collect();
    assert_eq!(
        spans,
        [
            "let r = execute_native(\"true\" /* the command */, timeout: 5s // five seconds\n    )",
            "let out: String? = r.stdout",
            "print(out)",
            "return",
        ]
    );

    let StmtKind::Let { value, .. } = &stmts[0].kind else { panic!("a let") };
    let ExprKind::Call { args, .. } = &value.kind else { panic!("a call") };
    let args: Vec<&str> = args.iter().map(|a| text(a.span)).collect();
    assert_eq!(args, ["\"true\"", "timeout: 5s"]);

    let StmtKind::Let { ty, value, .. } = &stmts[1].kind else { panic!("a let") };
    assert_eq!(ty.as_ref().map(|t| text(t.span)), Some("String?"));
    assert_eq!(text(value.span), "r.stdout");
}
