//! The generated agent files that the parse benchmark measures and the front end's
//! robustness tests parse: one text, so both exercise the same source.

/// A generated file of about `size` bytes: agents with functions and triggers.
pub fn generated(size: usize) -> String {
    let unit = |i: usize| {
        format!(
            r#"
/// Agent number {i}.
agent Worker{i} {{
  metadata {{ name: "worker {i}", version: "1.0.{i}" }}
  security {{
    tier: None
    sandbox: Permissive
    capabilities: ["network", "local_filesystem"]
  }}
  resources {{ max_memory_mb: 256, timeout: 30s }}

  fn score(values: List<Int>, bonus: Int = 1) -> Int {{
    let total = 0
    for v in values {{
      if v % 2 == 0 && v > 10 {{ total += v * 2 }} else {{ total = total + v - bonus }}
    }}
    return total
  }}

  on trigger "report_{n}" (event) {{
    let result = execute_native("python3 process.py --id {i}", timeout: 5s)
    let text = "worker ${{event.name}} scored ${{score([1, 2, 3, {i}])}}: ${{result.stdout.trim()}}"
    try {{
      write_file("out/{i}.txt", text)
    }} catch err {{
      log("failed: ${{err.message}}", level: "error")
    }}
  }}
}}
"#,
            n = i % 10
        )
    };
    let mut out = String::with_capacity(size + 1024);
    let mut i = 0;
    while out.len() < size {
        out.push_str(&unit(i));
        i += 1;
    }
    out
}
